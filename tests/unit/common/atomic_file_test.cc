#include "common/atomic_file.h"

#include <gtest/gtest.h>
#include <signal.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "../temp_dir.h"
#include "common/directory_tree.h"

namespace boxcar {
namespace {

class AtomicFileTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_NO_FATAL_FAILURE(MakeTempDir("/tmp/boxcar-atomic-XXXXXX", &dir_));
  }
  void TearDown() override { EXPECT_TRUE(RemoveTree(dir_).ok()); }

  // Names in the directory that are not `keep`.
  std::vector<std::string> Others(const std::string& keep) {
    std::vector<std::string> others;
    for (const std::string& name : ListDirectoryNames(dir_)) {
      if (name != keep) others.push_back(name);
    }
    return others;
  }

  std::string dir_;
};

TEST_F(AtomicFileTest, ReplacesTheFileWithItsModeAndLeavesNothingElse) {
  const std::string path = dir_ + "/state";
  ASSERT_TRUE(WriteFileAtomically(path, "first", 0600).ok());
  ASSERT_TRUE(WriteFileAtomically(path, "second", 0600, Durability::kProcessCrash).ok());
  auto content = ReadFileToString(path);
  ASSERT_TRUE(content.ok());
  EXPECT_EQ(*content, "second");
  struct stat st;
  ASSERT_EQ(::stat(path.c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0600u);
  EXPECT_TRUE(Others("state").empty());

  Status missing_dir = WriteFileAtomically(dir_ + "/no/such/dir/file", "x");
  EXPECT_FALSE(missing_dir.ok());
  EXPECT_NE(missing_dir.message().find("no/such/dir/file"), std::string::npos)
      << missing_dir.message();
}

// Threads writing one path at once: every write whole, the last one wins, nothing left over.
TEST_F(AtomicFileTest, ConcurrentWritersOfOnePathEachWriteAWholeFile) {
  const std::string path = dir_ + "/shared";
  std::set<std::string> contents;
  for (int writer = 0; writer < 8; ++writer) {
    contents.insert(std::string(64 * 1024 + writer, static_cast<char>('a' + writer)));
  }
  std::vector<std::thread> writers;
  std::atomic<int> failures{0};
  for (const std::string& content : contents) {
    writers.emplace_back([&, content] {
      for (int round = 0; round < 40; ++round) {
        if (!WriteFileAtomically(path, content, 0644, Durability::kProcessCrash).ok()) ++failures;
      }
    });
  }
  for (auto& writer : writers) writer.join();
  EXPECT_EQ(failures.load(), 0);
  auto content = ReadFileToString(path);
  ASSERT_TRUE(content.ok());
  EXPECT_EQ(contents.count(*content), 1u) << "a torn or mixed file of " << content->size();
  EXPECT_TRUE(Others("shared").empty());
}

// kill -9 of a writer while it writes: `path` is whole (or absent), and no partial copy of
// the content is left beside it.
TEST_F(AtomicFileTest, AWriterKilledMidwayLeavesNoPartialFile) {
  const std::string path = dir_ + "/big";
  const std::string content(16 << 20, 'z');
  pid_t child = ::fork();
  ASSERT_GE(child, 0);
  if (child == 0) {
    for (;;) (void)WriteFileAtomically(path, content, 0644, Durability::kProcessCrash);
  }
  std::this_thread::sleep_for(std::chrono::milliseconds(300));
  ASSERT_EQ(::kill(child, SIGKILL), 0);
  int status = 0;
  ASSERT_EQ(::waitpid(child, &status, 0), child);
  struct stat st;
  if (::stat(path.c_str(), &st) == 0) {
    EXPECT_EQ(st.st_size, static_cast<off_t>(content.size()));
  }
  for (const std::string& name : Others("big")) {
    // Only a finished file, killed between its link and its rename, may be left (a window of
    // microseconds); never a partial one.
    ASSERT_EQ(::stat((dir_ + "/" + name).c_str(), &st), 0);
    EXPECT_EQ(st.st_size, static_cast<off_t>(content.size())) << name << " is partial";
  }
}

}  // namespace
}  // namespace boxcar
