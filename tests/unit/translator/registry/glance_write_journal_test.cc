#include "registry/glance_write_journal.h"

#include <gtest/gtest.h>
#include <stdlib.h>
#include <sys/stat.h>

#include <fstream>

namespace boxcar::registry {
namespace {

class GlanceWriteJournalTest : public ::testing::Test {
 protected:
  void SetUp() override {
    char dir[] = "/tmp/boxcar-write-journal.XXXXXX";
    ASSERT_NE(mkdtemp(dir), nullptr);
    dir_ = dir;
  }
  void TearDown() override { ASSERT_EQ(system(("rm -rf " + dir_).c_str()), 0); }
  std::string dir_;
};

openstack::KeystoneSession Session() {
  return {"token-of-alice", "project-a", "http://127.0.0.1:9292"};
}

TEST_F(GlanceWriteJournalTest, AWriteInProgressIsNoOrphanAndDoneLeavesNothing) {
  GlanceWriteJournal journal(dir_ + "/writes");
  ASSERT_TRUE(journal.Init().ok());
  auto write = journal.Begin(Session());
  ASSERT_TRUE(write.ok()) << write.status().message();
  EXPECT_EQ((*write)->id().size(), 32u);
  ASSERT_TRUE((*write)->SetImage("image-1").ok());
  EXPECT_TRUE(journal.Orphans().empty()) << "a locked record is a live write";
  struct stat st;
  ASSERT_EQ(stat((dir_ + "/writes/" + (*write)->id() + ".write").c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0600u) << "the record holds a token";
  (*write)->Done();
  EXPECT_TRUE(journal.Orphans().empty());
  EXPECT_NE(stat((dir_ + "/writes/" + (*write)->id() + ".write").c_str(), &st), 0);
}

TEST_F(GlanceWriteJournalTest, AnExistingDirectoryIsMadePrivate) {
  const std::string writes = dir_ + "/writes";
  ASSERT_EQ(mkdir(writes.c_str(), 0755), 0);
  GlanceWriteJournal journal(writes);
  ASSERT_TRUE(journal.Init().ok());
  struct stat st;
  ASSERT_EQ(stat(writes.c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0700u) << "its records hold tokens";
}

TEST_F(GlanceWriteJournalTest, AWriterGoneWithoutDoneLeavesAnOrphanWithItsSession) {
  GlanceWriteJournal journal(dir_ + "/writes");
  ASSERT_TRUE(journal.Init().ok());
  std::string id;
  {
    auto write = journal.Begin(Session());
    ASSERT_TRUE(write.ok());
    id = (*write)->id();
    ASSERT_TRUE((*write)->SetImage("image-2").ok());
  }  // the lock goes with the writer, as with a killed daemon
  auto orphans = journal.Orphans();
  ASSERT_EQ(orphans.size(), 1u);
  EXPECT_EQ(orphans[0].id, id);
  EXPECT_EQ(orphans[0].image_id, "image-2");
  EXPECT_EQ(orphans[0].session.token, "token-of-alice");
  EXPECT_EQ(orphans[0].session.project_id, "project-a");
  EXPECT_EQ(orphans[0].session.glance_endpoint, "http://127.0.0.1:9292");
  EXPECT_GT(orphans[0].started, 0);
  journal.Remove(id);
  EXPECT_TRUE(journal.Orphans().empty());
}

TEST_F(GlanceWriteJournalTest, HalfMadeAndForeignFilesAreNotRecords) {
  GlanceWriteJournal journal(dir_ + "/writes");
  ASSERT_TRUE(journal.Init().ok());
  std::ofstream(dir_ + "/writes/.partial-0123456789abcdef0123456789abcdef") << "project=x\n";
  std::ofstream(dir_ + "/writes/notes.txt") << "project=x\nglance=y\n";
  std::ofstream(dir_ + "/writes/../escape.write") << "project=x\nglance=y\n";
  EXPECT_TRUE(journal.Orphans().empty());
  ASSERT_TRUE(journal.Init().ok());  // a restart drops the half-made record
  struct stat st;
  EXPECT_NE(stat((dir_ + "/writes/.partial-0123456789abcdef0123456789abcdef").c_str(), &st), 0);
  journal.Remove("../escape");
  EXPECT_EQ(stat((dir_ + "/escape.write").c_str(), &st), 0);
}

}  // namespace
}  // namespace boxcar::registry
