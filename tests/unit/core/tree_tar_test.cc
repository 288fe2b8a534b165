// The agent's side of `boxcar cp`: a tree written as tar by descriptor and extracted below a
// directory again, and what the extraction refuses; and the whole root as `boxcar export`
// writes it.
#include <archive.h>
#include <archive_entry.h>
#include <fcntl.h>
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <fstream>
#include <sstream>
#include <utility>
#include <vector>

#include "../tar_bytes.h"
#include "../temp_dir.h"
#include "common/unique_fd.h"
#include "core/tree_tar_extractor.h"
#include "core/tree_tar_writer.h"

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
    Status written = WriteTreeAsTar(top.get(), member, {}, [&](std::string* bytes) {
      tar.append(*bytes);
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
        {}, "chunk", dir_);
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

// One member of a hand-made tar: a file with `data` (its size `size`, when given, may claim
// more), a directory, a symlink to `target` or a hard link to `target`.
struct Member {
  enum Type { kFile, kDirectory, kSymlink, kHardlink, kFifo } type;
  std::string name;
  std::string target;
  std::string data = "x";
  int64_t size = -1;
};

std::string TarOfMembers(const std::vector<Member>& members) {
  return testing::TarBytes([&](archive* writer) {
    for (const Member& member : members) {
      archive_entry* entry = archive_entry_new();
      archive_entry_set_pathname(entry, member.name.c_str());
      archive_entry_set_perm(entry, 0755);
      switch (member.type) {
        case Member::kFile:
          archive_entry_set_filetype(entry, AE_IFREG);
          archive_entry_set_size(
              entry, member.size >= 0 ? member.size : static_cast<int64_t>(member.data.size()));
          break;
        case Member::kDirectory:
          archive_entry_set_filetype(entry, AE_IFDIR);
          break;
        case Member::kSymlink:
          archive_entry_set_filetype(entry, AE_IFLNK);
          archive_entry_set_symlink(entry, member.target.c_str());
          break;
        case Member::kHardlink:
          archive_entry_set_filetype(entry, AE_IFREG);
          archive_entry_set_hardlink(entry, member.target.c_str());
          break;
        case Member::kFifo:
          archive_entry_set_filetype(entry, AE_IFIFO);
          break;
      }
      archive_write_header(writer, entry);
      if (member.type == Member::kFile)
        archive_write_data(writer, member.data.data(), member.data.size());
      archive_entry_free(entry);
    }
  });
}

// Every entry below `dir`, "name type" sorted, as `find -printf '%P %y\n'` gives them.
std::string Listing(const std::string& dir) {
  std::string command = "cd " + dir + " && find . -mindepth 1 -printf '%P %y\n' | sort";
  std::string listing;
  FILE* pipe = ::popen(command.c_str(), "r");
  char line[512];
  while (pipe && std::fgets(line, sizeof line, pipe)) listing += line;
  if (pipe) ::pclose(pipe);
  return listing;
}

// A refused stream is checked whole before anything is written: the members before the refused
// one are not left behind, and what was there is as it was.
TEST_F(TreeTarTest, ARefusedStreamChangesNothing) {
  ::mkdir(Path("outside").c_str(), 0755);
  struct Case {
    std::string what;
    std::vector<Member> members;
    std::string refused;
    size_t cut_at = 0;  // the tar's bytes kept, when not 0
  } cases[] = {
      {"a symlink planted, then a file through it",
       {{Member::kFile, "first", ""},
        {Member::kSymlink, "evil", Path("outside")},
        {Member::kFile, "evil/planted", ""}},
       "member 'evil/planted': its parent is, or goes through, a symlink"},
      {"a file, then a parent that is that file",
       {{Member::kFile, "first", ""}, {Member::kFile, "first/second", ""}},
       "member 'first/second': its parent is not a directory"},
      {"a file over a directory that is there",
       {{Member::kFile, "first", ""}, {Member::kFile, "kept", ""}},
       "member 'kept': a directory is there"},
      {"a file over a directory an earlier member made",
       {{Member::kFile, "new/first", ""}, {Member::kFile, "new", ""}},
       "member 'new': a directory is there"},
      {"a fifo last", {{Member::kFile, "first", ""}, {Member::kFifo, "pipe", ""}}, "member 'pipe'"},
      {"dot-dot last",
       {{Member::kFile, "first", ""}, {Member::kFile, "a/../../x", ""}},
       "member 'a/../../x'"},
      {"a hard link to nothing",
       {{Member::kFile, "first", ""}, {Member::kHardlink, "link", "missing"}},
       "find the link target of member 'link'"},
      {"a hard link to a directory",
       {{Member::kDirectory, "dir", ""}, {Member::kHardlink, "link", "dir"}},
       "member 'link': its link target is a directory"},
      {"a hard link through a planted symlink",
       {{Member::kSymlink, "up", Path("outside")}, {Member::kHardlink, "link", "up/secret"}},
       "member 'link': its link target goes through a symlink"},
      {"the last member cut short",
       {{Member::kFile, "first", ""}, {Member::kFile, "short", "", std::string(4096, 'y')}},
       "chunk: not a tar stream, or a truncated one",
       3 * 512 + 1000},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.what);
    (void)std::system(("rm -rf " + Path("target")).c_str());
    ::mkdir(Path("target").c_str(), 0755);
    ::mkdir(Path("target/kept").c_str(), 0700);
    std::ofstream(Path("target/kept/inside")) << "old";
    std::ofstream(Path("outside/secret")) << "host";
    const std::string before = Listing(Path("target"));
    std::string tar = TarOfMembers(c.members);
    if (c.cut_at) tar.resize(c.cut_at);
    auto extracted = ExtractInto("target", tar);
    ASSERT_FALSE(extracted.ok());
    EXPECT_NE(extracted.status().message().find(c.refused), std::string::npos)
        << extracted.status().message();
    EXPECT_EQ(Listing(Path("target")), before);
    EXPECT_EQ(Read("target/kept/inside"), "old");
    EXPECT_EQ(Listing(Path("outside")), "secret f\n");
  }
}

// The check follows what earlier members do: a symlink replaced by a directory is a directory
// for the members after it (its old target's entries are not in the way), a directory made by
// a member's parents takes files, a hard link may name an earlier member.
TEST_F(TreeTarTest, MembersAreCheckedAgainstWhatTheEarlierOnesLeave) {
  ::mkdir(Path("target").c_str(), 0755);
  ::mkdir(Path("target/real").c_str(), 0755);
  ::mkdir(Path("target/real/sub").c_str(), 0755);
  ASSERT_EQ(::symlink("real", Path("target/link").c_str()), 0);
  std::ofstream(Path("target/was-file")) << "old";
  auto extracted = ExtractInto("target", TarOfMembers({
                                             {Member::kDirectory, "link", ""},
                                             {Member::kFile, "link/sub", "", "now a file"},
                                             {Member::kDirectory, "was-file", ""},
                                             {Member::kFile, "was-file/inner", "", "in"},
                                             {Member::kFile, "deep/er/file", "", "deep"},
                                             {Member::kHardlink, "again", "deep/er/file"},
                                         }));
  ASSERT_TRUE(extracted.ok()) << extracted.status().message();
  EXPECT_EQ(*extracted, 6u);
  EXPECT_EQ(Read("target/link/sub"), "now a file");
  struct stat st;
  ASSERT_EQ(::lstat(Path("target/real/sub").c_str(), &st), 0);
  EXPECT_TRUE(S_ISDIR(st.st_mode)) << "the old link's target is untouched";
  EXPECT_EQ(Read("target/was-file/inner"), "in");
  EXPECT_EQ(Read("target/again"), "deep");
}

// "name -> hardlink target" (or "name") for each member of `tar`, in order.
std::vector<std::string> MembersOf(const std::string& tar) {
  std::vector<std::string> members;
  archive* reader = archive_read_new();
  archive_read_support_format_tar(reader);
  archive_read_open_memory(reader, tar.data(), tar.size());
  archive_entry* entry;
  while (archive_read_next_header(reader, &entry) == ARCHIVE_OK) {
    std::string member = archive_entry_pathname(entry);
    if (archive_entry_hardlink(entry))
      member += std::string(" -> ") + archive_entry_hardlink(entry);
    if (archive_entry_filetype(entry) == AE_IFREG && !archive_entry_hardlink(entry))
      member += " (" + std::to_string(archive_entry_size(entry)) + ")";
    members.push_back(member);
  }
  archive_read_free(reader);
  return members;
}

// Docker's export names members from the root down ("etc/hosts": no "./", no root member),
// leaves the agent's mount points out when told, and stores a file's second link as a link.
TEST_F(TreeTarTest, RootTarNamesMembersAsDockersExportAndSharesHardLinks) {
  ::mkdir(Path("root").c_str(), 0755);
  ::mkdir(Path("root/etc").c_str(), 0755);
  std::ofstream(Path("root/etc/hosts")) << "";
  std::ofstream(Path("root/etc/passwd")) << "root";
  ::mkdir(Path("root/sbin").c_str(), 0755);
  std::ofstream(Path("root/sbin/docker-init")) << "";
  ::mkdir(Path("root/bin").c_str(), 0755);
  std::ofstream(Path("root/bin/busybox")) << "12345";
  ASSERT_EQ(::link(Path("root/bin/busybox").c_str(), Path("root/bin/sh").c_str()), 0);
  UniqueFd root(::open(Path("root").c_str(), O_PATH | O_DIRECTORY | O_CLOEXEC));
  std::string tar;
  RootTarOptions options;
  options.left_out = {"etc/hosts", "sbin/docker-init"};
  Status written = WriteRootAsTar(root.get(), {}, options, [&](std::string* bytes) {
    tar.append(*bytes);
    return OkStatus();
  });
  ASSERT_TRUE(written.ok()) << written.message();
  EXPECT_EQ(MembersOf(tar),
            (std::vector<std::string>{"bin/", "bin/busybox (5)", "bin/sh -> bin/busybox", "etc/",
                                      "etc/passwd (4)", "sbin/"}));
  // `cp` keeps archiving every link whole: its extraction refuses hard links.
  EXPECT_EQ(MembersOf(TarOf("root/bin", "bin")),
            (std::vector<std::string>{"bin/", "bin/busybox (5)", "bin/sh (5)"}));
}

// File data is read straight into the sink's pieces: files smaller and larger than a piece,
// and ones that straddle two, arrive whole and in order; every piece but the last is full
// (1 MiB), and the stream is whole 512-byte blocks.
TEST_F(TreeTarTest, FilesAcrossPiecesArriveWholeInFullPieces) {
  ::mkdir(Path("root").c_str(), 0755);
  std::vector<std::pair<std::string, std::string>> files;
  uint32_t seed = 7;
  auto content = [&](size_t size) {
    std::string bytes(size, '\0');
    for (char& c : bytes) c = static_cast<char>((seed = seed * 1103515245 + 12345) >> 16);
    return bytes;
  };
  for (size_t size : {size_t{0}, size_t{511}, size_t{512}, size_t{(1 << 20) - 300},
                      size_t{(3 << 20) + 7}, size_t{10 << 10}, size_t{1 << 20}}) {
    files.emplace_back("f" + std::to_string(files.size()), content(size));
    std::ofstream(Path("root/" + files.back().first), std::ios::binary) << files.back().second;
  }
  UniqueFd root(::open(Path("root").c_str(), O_PATH | O_DIRECTORY | O_CLOEXEC));
  std::string tar;
  std::vector<size_t> pieces;
  Status written = WriteRootAsTar(root.get(), {}, {}, [&](std::string* piece) {
    pieces.push_back(piece->size());
    tar += *piece;
    piece->clear();  // what a sink may leave
    return OkStatus();
  });
  ASSERT_TRUE(written.ok()) << written.message();
  ASSERT_GE(pieces.size(), 6u);
  for (size_t i = 0; i + 1 < pieces.size(); ++i) EXPECT_EQ(pieces[i], size_t{1} << 20) << i;
  EXPECT_GT(pieces.back(), 0u);
  EXPECT_EQ(tar.size() % 512, 0u);

  archive* reader = archive_read_new();
  archive_read_support_format_tar(reader);
  archive_read_open_memory(reader, tar.data(), tar.size());
  archive_entry* entry;
  size_t index = 0;
  while (archive_read_next_header(reader, &entry) == ARCHIVE_OK) {
    ASSERT_LT(index, files.size());
    EXPECT_EQ(archive_entry_pathname(entry), files[index].first);
    std::string data(static_cast<size_t>(archive_entry_size(entry)), '\0');
    if (!data.empty()) {
      EXPECT_EQ(archive_read_data(reader, data.data(), data.size()),
                static_cast<la_ssize_t>(data.size()));
    }
    EXPECT_TRUE(data == files[index].second) << files[index].first << " differs";
    ++index;
  }
  archive_read_free(reader);
  EXPECT_EQ(index, files.size());
}

}  // namespace
}  // namespace boxcar
