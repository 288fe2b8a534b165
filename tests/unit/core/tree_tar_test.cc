// The agent's side of `boxcar cp`: a tree written as tar by descriptor and extracted below a
// directory again, and what the extraction refuses.
#include <archive.h>
#include <archive_entry.h>
#include <fcntl.h>
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <fstream>
#include <sstream>

#include "common/unique_fd.h"
#include "core/tree_tar_extractor.h"
#include "core/tree_tar_writer.h"
#include "../tar_bytes.h"
#include "../temp_dir.h"

namespace boxcar {
namespace {

class TreeTarTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_NO_FATAL_FAILURE(MakeTempDir("/tmp/tree-tar-test-XXXXXX", &dir_));
  }
  void TearDown() override { (void)std::system(("rm -rf " + dir_).c_str()); }

  std::string Path(const std::string& name) { return dir_ + "/" + name; }
  std::string Read(const std::string& name) {
    std::ifstream in(Path(name));
    std::stringstream content;
    content << in.rdbuf();
    return content.str();
  }
  // The tar of `name` (below dir_) as `member`.
  std::string TarOf(const std::string& name, const std::string& member) {
    UniqueFd top(::open(Path(name).c_str(), O_PATH | O_NOFOLLOW | O_CLOEXEC));
    std::string tar;
    Status written = WriteTreeAsTar(top.get(), member, {}, [&](std::string_view bytes) {
      tar.append(bytes);
      return OkStatus();
    });
    EXPECT_TRUE(written.ok()) << written.message();
    return tar;
  }
  StatusOr<uint64_t> ExtractInto(const std::string& name, const std::string& tar) {
    ::mkdir(Path(name).c_str(), 0755);
    UniqueFd dir(::open(Path(name).c_str(), O_PATH | O_DIRECTORY | O_CLOEXEC));
    bool given = false;
    return ExtractTarBelow(
        dir.get(),
        [&]() -> StatusOr<std::string> {
          if (given) return std::string();
          given = true;
          return tar;
        },
        {}, "chunk");
  }

  std::string dir_;
};

TEST_F(TreeTarTest, TreesRoundTripWithLinksAndModes) {
  ::mkdir(Path("src").c_str(), 0755);
  ::mkdir(Path("src/sub").c_str(), 0700);
  std::ofstream(Path("src/sub/file")) << "content";
  ASSERT_EQ(::symlink("/etc/passwd", Path("src/abs-link").c_str()), 0);
  auto extracted = ExtractInto("dest", TarOf("src", "copy"));
  ASSERT_TRUE(extracted.ok()) << extracted.status().message();
  EXPECT_EQ(*extracted, 4u);
  EXPECT_EQ(Read("dest/copy/sub/file"), "content");
  char target[32] = {};
  ASSERT_GT(::readlink(Path("dest/copy/abs-link").c_str(), target, sizeof target - 1), 0);
  EXPECT_STREQ(target, "/etc/passwd") << "links are copied, never followed";
  struct stat st;
  ASSERT_EQ(::stat(Path("dest/copy/sub").c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 07777, 0700u);
}

std::string HandMadeTar(const std::vector<std::pair<std::string, std::string>>& links_then_files) {
  return testing::TarBytes([&](archive* writer) {
    for (const auto& [name, link] : links_then_files) {
      archive_entry* entry = archive_entry_new();
      archive_entry_set_pathname(entry, name.c_str());
      if (!link.empty()) {
        archive_entry_set_filetype(entry, AE_IFLNK);
        archive_entry_set_symlink(entry, link.c_str());
      } else {
        archive_entry_set_filetype(entry, AE_IFREG);
        archive_entry_set_size(entry, 1);
      }
      archive_entry_set_perm(entry, 0644);
      archive_write_header(writer, entry);
      if (link.empty()) archive_write_data(writer, "x", 1);
      archive_entry_free(entry);
    }
  });
}

TEST_F(TreeTarTest, HostileMembersAreRefusedNamingThem) {
  ::mkdir(Path("outside").c_str(), 0755);
  struct Case {
    std::vector<std::pair<std::string, std::string>> members;
    std::string refused;
  } cases[] = {
      {{{"evil", Path("outside")}, {"evil/planted", ""}}, "member 'evil/planted'"},
      {{{"rel", "../outside"}, {"rel/planted", ""}}, "member 'rel/planted'"},
      {{{"../outside/planted", ""}}, "member '../outside/planted'"},
      {{{Path("outside/planted"), ""}}, "member '" + Path("outside/planted") + "'"},
  };
  for (const auto& c : cases) {
    auto extracted = ExtractInto("target", HandMadeTar(c.members));
    ASSERT_FALSE(extracted.ok()) << c.refused;
    EXPECT_EQ(extracted.status().code(), StatusCode::kInvalidArgument);
    EXPECT_NE(extracted.status().message().find("chunk: " + c.refused), std::string::npos)
        << extracted.status().message();
    EXPECT_NE(::access(Path("outside/planted").c_str(), F_OK), 0);
    (void)std::system(("rm -rf " + Path("target")).c_str());
  }
  auto not_tar = ExtractInto("target", std::string(1024, 'z'));
  EXPECT_EQ(not_tar.status().code(), StatusCode::kInvalidArgument);
}

}  // namespace
}  // namespace boxcar
