// The CLI's own tar reading (no libarchive in the static CLI): what libarchive writes, fed a
// few bytes at a time, lands below the destination renamed; hostile members are refused.
#include "cli/tar_extract_to_dir.h"
#include "../tar_bytes.h"

#include <archive.h>
#include <archive_entry.h>
#include <gtest/gtest.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include <fstream>
#include <sstream>

#include "../temp_dir.h"

namespace boxcar::cli {
namespace {

struct Member {
  char type;  // 'f' file, 'd' directory, 'l' symlink
  std::string name;
  std::string content_or_target;
};

std::string Tar(const std::vector<Member>& members) {
  return testing::TarBytes([&](archive* writer) {
    for (const auto& member : members) {
      archive_entry* entry = archive_entry_new();
      archive_entry_set_pathname(entry, member.name.c_str());
      archive_entry_set_mtime(entry, 1700000000, 0);
      if (member.type == 'f') {
        archive_entry_set_filetype(entry, AE_IFREG);
        archive_entry_set_perm(entry, 0640);
        archive_entry_set_size(entry, static_cast<la_int64_t>(member.content_or_target.size()));
      } else if (member.type == 'd') {
        archive_entry_set_filetype(entry, AE_IFDIR);
        archive_entry_set_perm(entry, 0750);
      } else {
        archive_entry_set_filetype(entry, AE_IFLNK);
        archive_entry_set_perm(entry, 0777);
        archive_entry_set_symlink(entry, member.content_or_target.c_str());
      }
      archive_write_header(writer, entry);
      if (member.type == 'f')
        archive_write_data(writer, member.content_or_target.data(), member.content_or_target.size());
      archive_entry_free(entry);
    }
  });
}

class TarExtractToDirTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_NO_FATAL_FAILURE(MakeTempDir("/tmp/tar-extract-test-XXXXXX", &dir_));
  }
  void TearDown() override { (void)std::system(("rm -rf " + dir_).c_str()); }

  // Feeds the tar 7 bytes at a time (headers and data split anywhere); the first error.
  std::string Extract(const std::string& tar, const std::string& from, const std::string& to) {
    TarExtractToDir extract(dir_, from, to);
    for (size_t at = 0; at < tar.size(); at += 7) {
      std::string error = extract.Feed(std::string_view(tar).substr(at, 7));
      if (!error.empty()) return error;
    }
    return extract.Finish();
  }
  std::string Read(const std::string& path) {
    std::ifstream in(dir_ + "/" + path);
    std::stringstream content;
    content << in.rdbuf();
    return content.str();
  }

  std::string dir_;
};

TEST_F(TarExtractToDirTest, MembersLandRenamedWithLongNamesModesAndLinks) {
  const std::string deep = "src/" + std::string(120, 'n') + "/file";
  std::string tar = Tar({{'d', "src", ""},
                         {'f', "src/a.txt", "alpha"},
                         {'d', "src/" + std::string(120, 'n'), ""},
                         {'f', deep, std::string(3000, 'x')},
                         {'l', "src/link", "a.txt"}});
  ASSERT_EQ(Extract(tar, "src", "dest"), "");
  EXPECT_EQ(Read("dest/a.txt"), "alpha");
  EXPECT_EQ(Read("dest/" + std::string(120, 'n') + "/file"), std::string(3000, 'x'));
  struct stat st;
  ASSERT_EQ(::stat((dir_ + "/dest/a.txt").c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 07777, 0640u);
  EXPECT_EQ(st.st_mtime, 1700000000);
  ASSERT_EQ(::stat((dir_ + "/dest").c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 07777, 0750u);
  char target[16] = {};
  ASSERT_GT(::readlink((dir_ + "/dest/link").c_str(), target, sizeof target - 1), 0);
  EXPECT_STREQ(target, "a.txt");
}

TEST_F(TarExtractToDirTest, ContentsOfADirectoryGoUnderTheNewName) {
  std::string tar = Tar({{'d', ".", ""}, {'f', "./x", "x"}});
  ASSERT_EQ(Extract(tar, ".", "into"), "");
  EXPECT_EQ(Read("into/x"), "x");
}

TEST_F(TarExtractToDirTest, HostileMembersAreRefused) {
  ASSERT_EQ(::mkdir((dir_ + "/outside").c_str(), 0755), 0);
  std::string through_link = Tar({{'l', "top", "../outside"}, {'f', "top/planted", "x"}});
  std::string error = Extract(through_link, "top", "top");
  EXPECT_NE(error.find("top/planted"), std::string::npos) << error;
  EXPECT_NE(::access((dir_ + "/outside/planted").c_str(), F_OK), 0);
  error = Extract(Tar({{'f', "top/../../escaped", "x"}}), "top", "top");
  EXPECT_NE(error.find(".."), std::string::npos) << error;
  error = Extract(Tar({{'f', "other/x", "x"}}), "top", "top");
  EXPECT_NE(error.find("not below"), std::string::npos) << error;
}

}  // namespace
}  // namespace boxcar::cli
