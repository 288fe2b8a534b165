// UnpackLayer, what it builds: tarballs are written with libarchive's writer, unpacked into a
// fresh directory under /tmp and checked with lstat/readlink/getxattr. What it refuses is in
// layer_unpacker_refusal_test.cc.
#include "store/layer_unpacker.h"

#include <dirent.h>
#include <fcntl.h>
#include <gtest/gtest.h>
#include <linux/fs.h>
#include <stdlib.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/xattr.h>
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "common/atomic_file.h"
#include "common/directory_tree.h"
#include "common/sha256.h"
#include "layer_unpacker_fixture.h"

namespace boxcar {
namespace {

TEST_F(LayerUnpackerTest, GoodTreeKeepsContentLinksModesOwnersAndXattrs) {
  Member owned = File("home/user/notes.txt", "owned by 1000\n", 0640);
  owned.uid = 1000;
  owned.gid = 1000;
  Member tagged = File("etc/tagged", "x");
  tagged.xattrs = {{"user.x", "1"}};
  std::vector<Member> members = {
      Dir("bin"),
      File("bin/tool", "#!/bin/sh\necho tool\n", 04755),
      Symlink("bin/sh", "tool"),
      HardLink("bin/tool-link", "bin/tool"),
      Dir("etc", 0750),
      File("etc/hostname", "box\n"),
      tagged,
      Dir("home"),
      Dir("home/user", 0700),
      owned,
  };
  auto unpacked = UnpackMembers(members);
  ASSERT_TRUE(unpacked.ok()) << unpacked.status().message();
  EXPECT_EQ(unpacked->entry_count, members.size());
  EXPECT_EQ(unpacked->unpacked_bytes, 20u + 4u + 1u + 14u);

  struct stat st;
  ASSERT_EQ(::lstat(At("etc").c_str(), &st), 0);
  EXPECT_TRUE(S_ISDIR(st.st_mode));
  EXPECT_EQ(st.st_mode & 07777, 0750u);

  auto hostname = ReadFileToString(At("etc/hostname"));
  ASSERT_TRUE(hostname.ok());
  EXPECT_EQ(*hostname, "box\n");

  ASSERT_EQ(::lstat(At("bin/tool").c_str(), &st), 0);
  EXPECT_TRUE(S_ISREG(st.st_mode));
  EXPECT_EQ(st.st_mode & 07777, 04755u) << std::oct << (st.st_mode & 07777);
  EXPECT_EQ(st.st_mtime, kMtime);
  struct stat link_st;
  ASSERT_EQ(::lstat(At("bin/tool-link").c_str(), &link_st), 0);
  EXPECT_EQ(link_st.st_ino, st.st_ino);
  EXPECT_EQ(link_st.st_nlink, 2u);

  ASSERT_EQ(::lstat(At("bin/sh").c_str(), &st), 0);
  EXPECT_TRUE(S_ISLNK(st.st_mode));
  char target[64] = {};
  ASSERT_GT(::readlink(At("bin/sh").c_str(), target, sizeof target - 1), 0);
  EXPECT_STREQ(target, "tool");

  ASSERT_EQ(::lstat(At("home/user/notes.txt").c_str(), &st), 0);
  EXPECT_EQ(st.st_uid, 1000u);
  EXPECT_EQ(st.st_gid, 1000u);
  EXPECT_EQ(st.st_mode & 07777, 0640u);
  ASSERT_EQ(::lstat(At("home/user").c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 07777, 0700u);

  EXPECT_EQ(GetXattr(At("etc/tagged"), "user.x"), "1");
}

TEST_F(LayerUnpackerTest, DotSlashPrefixesAndTheRootMemberAreAccepted) {
  std::vector<Member> members = {
      Dir("./"),
      Dir("/"),
      Dir("./usr"),
      File("./usr/file", "dot-slash"),
      File(".//usr/./other", "dots"),
  };
  auto unpacked = UnpackMembers(members);
  ASSERT_TRUE(unpacked.ok()) << unpacked.status().message();
  EXPECT_EQ(unpacked->entry_count, members.size());
  auto file = ReadFileToString(At("usr/file"));
  ASSERT_TRUE(file.ok()) << file.status().message();
  EXPECT_EQ(*file, "dot-slash");
  auto other = ReadFileToString(At("usr/other"));
  ASSERT_TRUE(other.ok()) << other.status().message();
  EXPECT_EQ(*other, "dots");
  // Only usr/ and its two files were created, and nothing beside the target directory.
  EXPECT_EQ(ListNames(root_), std::vector<std::string>{"usr"});
  EXPECT_EQ(ListNames(At("usr")), (std::vector<std::string>{"file", "other"}));
  EXPECT_EQ(ListNames(dir_), (std::vector<std::string>{"layer.tar", "root"}));
}

TEST_F(LayerUnpackerTest, MissingParentDirectoriesAreCreated) {
  auto unpacked = UnpackMembers({File("a/b/c/deep.txt", "deep")});
  ASSERT_TRUE(unpacked.ok()) << unpacked.status().message();
  for (const char* dir : {"a", "a/b", "a/b/c"}) {
    struct stat st;
    ASSERT_EQ(::lstat(At(dir).c_str(), &st), 0) << dir;
    EXPECT_TRUE(S_ISDIR(st.st_mode)) << dir;
    EXPECT_EQ(st.st_mode & 07777, 0755u) << dir;
  }
  auto content = ReadFileToString(At("a/b/c/deep.txt"));
  ASSERT_TRUE(content.ok());
  EXPECT_EQ(*content, "deep");
}

void ExpectWhiteoutDevice(const std::string& path) {
  struct stat st;
  ASSERT_EQ(::lstat(path.c_str(), &st), 0) << path;
  EXPECT_TRUE(S_ISCHR(st.st_mode)) << path;
  EXPECT_EQ(major(st.st_rdev), 0u) << path;
  EXPECT_EQ(minor(st.st_rdev), 0u) << path;
}

TEST_F(LayerUnpackerTest, WhiteoutBecomesACharacterDevice) {
  auto unpacked = UnpackMembers({Dir("dir"), File("dir/keep", "k"), File("dir/replaced", "r"),
                                 File("dir/.wh.gone", ""), File("dir/.wh.replaced", "")});
  ASSERT_TRUE(unpacked.ok()) << unpacked.status().message();
  ExpectWhiteoutDevice(At("dir/gone"));
  ExpectWhiteoutDevice(At("dir/replaced"));
  EXPECT_FALSE(Exists(At("dir/.wh.gone")));
  EXPECT_FALSE(Exists(At("dir/.wh.replaced")));
  EXPECT_TRUE(Exists(At("dir/keep")));
}

TEST_F(LayerUnpackerTest, WhiteoutListedBeforeItsDirectory) {
  auto unpacked = UnpackMembers({File("dir/.wh.gone", ""), Dir("dir", 0750)});
  ASSERT_TRUE(unpacked.ok()) << unpacked.status().message();
  ExpectWhiteoutDevice(At("dir/gone"));
  struct stat st;
  ASSERT_EQ(::lstat(At("dir").c_str(), &st), 0);
  EXPECT_TRUE(S_ISDIR(st.st_mode));
  EXPECT_EQ(st.st_mode & 07777, 0750u);
}

TEST_F(LayerUnpackerTest, OpaqueMarkerSetsTheOverlayXattr) {
  auto unpacked =
      UnpackMembers({Dir("dir"), File("dir/.wh..wh..opq", ""), File("dir/new", "n"), Dir("plain")});
  ASSERT_TRUE(unpacked.ok()) << unpacked.status().message();
  EXPECT_EQ(GetXattr(At("dir"), "trusted.overlay.opaque"), "y");
  EXPECT_FALSE(Exists(At("dir/.wh..wh..opq")));
  EXPECT_TRUE(Exists(At("dir/new")));
  char value[8];
  EXPECT_LT(::lgetxattr(At("plain").c_str(), "trusted.overlay.opaque", value, sizeof value), 0);
}

TEST_F(LayerUnpackerTest, DiffIdOfAnUncompressedTarIsTheFileDigest) {
  ASSERT_NO_FATAL_FAILURE(WriteTar(tar_, {Dir("d"), File("d/f", RandomBytes(3000, 1))}));
  // Tar writers pad to whole records after the end-of-archive blocks, which the tar reader
  // never asks for: the digest covers them too (more than one 1 MiB read's worth here).
  {
    std::unique_ptr<FILE, int (*)(FILE*)> file(std::fopen(tar_.c_str(), "ab"), std::fclose);
    ASSERT_TRUE(file);
    std::string padding(3 << 20, '\0');
    ASSERT_EQ(std::fwrite(padding.data(), 1, padding.size(), file.get()), padding.size());
  }
  auto bytes = ReadFileToString(tar_);
  ASSERT_TRUE(bytes.ok());
  auto unpacked = Unpack(tar_);
  ASSERT_TRUE(unpacked.ok()) << unpacked.status().message();
  EXPECT_EQ(unpacked->diff_id, Sha256Digest(*bytes));
}

TEST_F(LayerUnpackerTest, DiffIdOfAnUncompressedTarMatchesSha256sum) {
  ASSERT_NO_FATAL_FAILURE(WriteTar(tar_, {File("f", "sha256sum agrees")}));
  std::unique_ptr<FILE, int (*)(FILE*)> pipe(::popen(("sha256sum " + tar_).c_str(), "r"), ::pclose);
  ASSERT_TRUE(pipe);
  char hex[65] = {};
  ASSERT_EQ(std::fread(hex, 1, 64, pipe.get()), 64u);
  auto unpacked = Unpack(tar_);
  ASSERT_TRUE(unpacked.ok()) << unpacked.status().message();
  EXPECT_EQ(unpacked->diff_id, std::string("sha256:") + hex);
}

class CompressedDiffIdTest : public LayerUnpackerTest,
                             public ::testing::WithParamInterface<Filter> {};

TEST_P(CompressedDiffIdTest, DiffIdIsTheDigestOfTheUncompressedTar) {
  ASSERT_NO_FATAL_FAILURE(
      WriteTar(tar_, {Dir("d"), File("d/f", RandomBytes(50000, 2)), File("d/g", "gg")}));
  std::string compressed = dir_ + "/layer.tar.z";
  ASSERT_NO_FATAL_FAILURE(CompressFile(tar_, compressed, GetParam()));
  auto plain = ReadFileToString(tar_);
  auto packed = ReadFileToString(compressed);
  ASSERT_TRUE(plain.ok() && packed.ok());
  ASSERT_NE(*plain, *packed);

  auto unpacked = Unpack(compressed);
  ASSERT_TRUE(unpacked.ok()) << unpacked.status().message();
  EXPECT_EQ(unpacked->diff_id, Sha256Digest(*plain));
  EXPECT_NE(unpacked->diff_id, Sha256Digest(*packed));
  auto g = ReadFileToString(At("d/g"));
  ASSERT_TRUE(g.ok());
  EXPECT_EQ(*g, "gg");
}

TEST_P(CompressedDiffIdTest, TarWrittenThroughTheFilterUnpacks) {
  ASSERT_NO_FATAL_FAILURE(WriteTar(tar_, {File("a/b", "compressed")}, GetParam()));
  auto unpacked = Unpack(tar_);
  ASSERT_TRUE(unpacked.ok()) << unpacked.status().message();
  auto content = ReadFileToString(At("a/b"));
  ASSERT_TRUE(content.ok());
  EXPECT_EQ(*content, "compressed");
}

TEST_P(CompressedDiffIdTest, LargeFileSpanningManyBlocksIsIntact) {
  const std::string big = RandomBytes(5 << 20, 7);
  ASSERT_NO_FATAL_FAILURE(WriteTar(tar_, {File("big.bin", big), File("after", "a")}));
  auto plain = ReadFileToString(tar_);
  ASSERT_TRUE(plain.ok());
  std::string compressed = dir_ + "/layer.tar.z";
  ASSERT_NO_FATAL_FAILURE(CompressFile(tar_, compressed, GetParam()));
  auto unpacked = Unpack(compressed);
  ASSERT_TRUE(unpacked.ok()) << unpacked.status().message();
  EXPECT_EQ(unpacked->diff_id, Sha256Digest(*plain));
  EXPECT_EQ(unpacked->unpacked_bytes, big.size() + 1);
  auto content = ReadFileToString(At("big.bin"));
  ASSERT_TRUE(content.ok());
  EXPECT_TRUE(*content == big) << "big.bin differs (" << content->size() << " bytes)";
}

INSTANTIATE_TEST_SUITE_P(Filters, CompressedDiffIdTest,
                         ::testing::Values(Filter::kGzip, Filter::kZstd, Filter::kXz),
                         [](const auto& info) {
                           switch (info.param) {
                             case Filter::kGzip:
                               return std::string("Gzip");
                             case Filter::kZstd:
                               return std::string("Zstd");
                             default:
                               return std::string("Xz");
                           }
                         });

TEST_F(LayerUnpackerTest, DevicesFifosAndSocketsAreDropped) {
  auto unpacked =
      UnpackMembers({Dir("dev"), Device("dev/sda", AE_IFBLK, 8, 0),
                     Device("dev/null", AE_IFCHR, 1, 3), Device("dev/whiteout", AE_IFCHR, 0, 0),
                     Device("dev/fifo", AE_IFIFO, 0, 0), File("dev/keep", "k")});
  ASSERT_TRUE(unpacked.ok()) << unpacked.status().message();
  EXPECT_FALSE(Exists(At("dev/sda")));
  EXPECT_FALSE(Exists(At("dev/null")));
  EXPECT_FALSE(Exists(At("dev/whiteout")));
  EXPECT_FALSE(Exists(At("dev/fifo")));
  EXPECT_TRUE(Exists(At("dev/keep")));
}

TEST_F(LayerUnpackerTest, OverlayXattrsAreDroppedOthersKept) {
  Member file = File("f", "content");
  file.xattrs = {{"trusted.overlay.redirect", "/elsewhere"}, {"user.keep", "k"}};
  Member dir = Dir("d");
  dir.xattrs = {{"trusted.overlay.opaque", "y"}};
  auto unpacked = UnpackMembers({file, dir});
  ASSERT_TRUE(unpacked.ok()) << unpacked.status().message();
  char value[64];
  EXPECT_LT(::lgetxattr(At("f").c_str(), "trusted.overlay.redirect", value, sizeof value), 0);
  EXPECT_EQ(errno, ENODATA);
  EXPECT_EQ(GetXattr(At("f"), "user.keep"), "k");
  EXPECT_LT(::lgetxattr(At("d").c_str(), "trusted.overlay.opaque", value, sizeof value), 0);
  auto content = ReadFileToString(At("f"));
  ASSERT_TRUE(content.ok());
  EXPECT_EQ(*content, "content");
}

// The blob store verified a blob's digest when it stored it: for an uncompressed layer that is
// the diff id, taken as given; a compressed layer is still hashed as it is decompressed.
TEST_F(LayerUnpackerTest, StoredDigestOfAnUncompressedBlobIsItsDiffId) {
  ASSERT_NO_FATAL_FAILURE(WriteTar(tar_, {File("f", "content")}));
  const std::string stored = "sha256:" + std::string(64, 'c');
  auto plain = UnpackLayer(tar_, root_, {}, stored);
  ASSERT_TRUE(plain.ok()) << plain.status().message();
  EXPECT_EQ(plain->diff_id, stored) << "not hashed again";
  auto tar_bytes = ReadFileToString(tar_);
  ASSERT_TRUE(tar_bytes.ok());

  std::string gz = dir_ + "/layer.tar.gz";
  ASSERT_NO_FATAL_FAILURE(CompressFile(tar_, gz, Filter::kGzip));
  ASSERT_TRUE(RemoveTree(root_).ok());
  ASSERT_EQ(::mkdir(root_.c_str(), 0755), 0);
  auto compressed = UnpackLayer(gz, root_, {}, stored);
  ASSERT_TRUE(compressed.ok()) << compressed.status().message();
  EXPECT_EQ(compressed->diff_id, Sha256Digest(*tar_bytes));
}

// Files owned like the unpacker (root:root here) are not chowned, but a setgid directory
// gives new files its group: there the owner must still be set.
TEST_F(LayerUnpackerTest, OwnersAreRightUnderASetgidDirectory) {
  if (::geteuid() != 0) GTEST_SKIP() << "needs root to chown";
  ASSERT_EQ(::chown(root_.c_str(), 0, 4321), 0);
  ASSERT_EQ(::chmod(root_.c_str(), 02755), 0);
  Member other = File("nested/other", "x");
  other.uid = 1000;
  other.gid = 1000;
  auto unpacked = UnpackMembers({File("top", "x"), File("nested/own", "x"), other});
  ASSERT_TRUE(unpacked.ok()) << unpacked.status().message();
  struct stat st;
  for (const char* name : {"top", "nested/own"}) {
    ASSERT_EQ(::lstat(At(name).c_str(), &st), 0) << name;
    EXPECT_EQ(st.st_uid, 0u) << name;
    EXPECT_EQ(st.st_gid, 0u) << name << ": the setgid directory's group leaked in";
  }
  ASSERT_EQ(::lstat(At("nested/other").c_str(), &st), 0);
  EXPECT_EQ(st.st_uid, 1000u);
  EXPECT_EQ(st.st_gid, 1000u);
}

TEST_F(LayerUnpackerTest, FilesOwnedByTheUnpackerKeepTheirModeAndSetuid) {
  if (::geteuid() != 0) GTEST_SKIP() << "needs root";
  auto unpacked = UnpackMembers({File("bin/su", "x", 04755), File("bin/plain", "y", 0600)});
  ASSERT_TRUE(unpacked.ok()) << unpacked.status().message();
  struct stat st;
  ASSERT_EQ(::lstat(At("bin/su").c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 07777, 04755u);
  EXPECT_EQ(st.st_uid, 0u);
  EXPECT_EQ(st.st_gid, 0u);
  ASSERT_EQ(::lstat(At("bin/plain").c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 07777, 0600u);
}

// Symlinks take the fast path (symlinkat + utimensat): owner, time and the later-member-wins
// rule as libarchive gave them.
TEST_F(LayerUnpackerTest, SymlinksKeepOwnerAndTimeAndReplaceWhatIsInTheWay) {
  if (::geteuid() != 0) GTEST_SKIP() << "needs root to chown";
  Member foreign = Symlink("foreign", "/etc/passwd");
  foreign.uid = 1000;
  foreign.gid = 1001;
  auto unpacked = UnpackMembers({Symlink("own", "target"), foreign, File("was-file", "x"),
                                 Symlink("was-file", "t1"), Dir("was-dir"),
                                 File("was-dir/child", "y"), Symlink("was-dir", "t2")});
  ASSERT_TRUE(unpacked.ok()) << unpacked.status().message();
  struct stat st;
  ASSERT_EQ(::lstat(At("own").c_str(), &st), 0);
  EXPECT_TRUE(S_ISLNK(st.st_mode));
  EXPECT_EQ(st.st_uid, 0u);
  EXPECT_EQ(st.st_mtime, kMtime);
  ASSERT_EQ(::lstat(At("foreign").c_str(), &st), 0);
  EXPECT_EQ(st.st_uid, 1000u);
  EXPECT_EQ(st.st_gid, 1001u);
  EXPECT_EQ(st.st_mtime, kMtime);
  char target[64] = {};
  ASSERT_GT(::readlink(At("was-file").c_str(), target, sizeof target - 1), 0);
  EXPECT_STREQ(target, "t1");
  std::fill(std::begin(target), std::end(target), '\0');
  ASSERT_GT(::readlink(At("was-dir").c_str(), target, sizeof target - 1), 0);
  EXPECT_STREQ(target, "t2");
}

TEST_F(LayerUnpackerTest, AbsoluteSymlinkTargetsAreKept) {
  auto unpacked = UnpackMembers(
      {Dir("etc"), Symlink("etc/localtime", "/usr/share/zoneinfo/UTC"), Symlink("lib", "usr/lib")});
  ASSERT_TRUE(unpacked.ok()) << unpacked.status().message();
  char target[128] = {};
  ASSERT_GT(::readlink(At("etc/localtime").c_str(), target, sizeof target - 1), 0);
  EXPECT_STREQ(target, "/usr/share/zoneinfo/UTC");
}

TEST_F(LayerUnpackerTest, RelativeSymlinkThatStaysInsideIsKept) {
  auto unpacked = UnpackMembers({Dir("a"), Dir("a/b"), Symlink("a/b/up", "../../c/./d")});
  ASSERT_TRUE(unpacked.ok()) << unpacked.status().message();
  char target[64] = {};
  ASSERT_GT(::readlink(At("a/b/up").c_str(), target, sizeof target - 1), 0);
  EXPECT_STREQ(target, "../../c/./d");
}

TEST_F(LayerUnpackerTest, DirectoryReplacedBySymlinkDoesNotRedirectItsDeferredModeAndTime) {
  // libarchive applies directory modes and times at the end, by path; by then "d" is a
  // symlink to a directory outside the layer.
  const std::string victim = dir_ + "/victim-dir";
  ASSERT_EQ(::mkdir(victim.c_str(), 0755), 0);
  ASSERT_EQ(::chmod(victim.c_str(), 0755), 0);
  struct stat before;
  ASSERT_EQ(::stat(victim.c_str(), &before), 0);
  // "d" is non-empty (we remove it), "e" is empty (libarchive removes it).
  auto unpacked = UnpackMembers({Dir("d", 0700), File("d/f", "f"), Dir("e", 0700),
                                 Symlink("d", victim), Symlink("e", victim)});
  ASSERT_TRUE(unpacked.ok()) << unpacked.status().message();
  struct stat after;
  ASSERT_EQ(::stat(victim.c_str(), &after), 0);
  EXPECT_EQ(after.st_mode & 07777, 0755u) << std::oct << (after.st_mode & 07777);
  EXPECT_EQ(after.st_mtime, before.st_mtime);
  EXPECT_NE(after.st_mtime, kMtime);
  EXPECT_EQ(ListNames(victim), std::vector<std::string>{});
  struct stat link_st;
  ASSERT_EQ(::lstat(At("d").c_str(), &link_st), 0);
  EXPECT_TRUE(S_ISLNK(link_st.st_mode));
}

TEST_F(LayerUnpackerTest, LaterMemberWinsOverAnExistingDirectory) {
  auto unpacked = UnpackMembers({Dir("x"), File("x/inside", "i"), File("x", "now a file")});
  ASSERT_TRUE(unpacked.ok()) << unpacked.status().message();
  auto content = ReadFileToString(At("x"));
  ASSERT_TRUE(content.ok()) << content.status().message();
  EXPECT_EQ(*content, "now a file");
}

TEST_F(LayerUnpackerTest, DirectoryReplacesAFileAndASymlink) {
  auto unpacked = UnpackMembers({File("f", "file"), Dir("f", 0710), Symlink("s", "/tmp"),
                                 Dir("s", 0750), File("s/child", "c")});
  ASSERT_TRUE(unpacked.ok()) << unpacked.status().message();
  struct stat st;
  ASSERT_EQ(::lstat(At("f").c_str(), &st), 0);
  EXPECT_TRUE(S_ISDIR(st.st_mode));
  EXPECT_EQ(st.st_mode & 07777, 0710u);
  ASSERT_EQ(::lstat(At("s").c_str(), &st), 0);
  EXPECT_TRUE(S_ISDIR(st.st_mode));
  EXPECT_TRUE(Exists(At("s/child")));
  EXPECT_FALSE(Exists("/tmp/child"));
}

TEST_F(LayerUnpackerTest, DuplicateFileLaterOneWins) {
  auto unpacked = UnpackMembers({File("f", "first", 0600), File("f", "second", 0640)});
  ASSERT_TRUE(unpacked.ok()) << unpacked.status().message();
  auto content = ReadFileToString(At("f"));
  ASSERT_TRUE(content.ok());
  EXPECT_EQ(*content, "second");
  struct stat st;
  ASSERT_EQ(::lstat(At("f").c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 07777, 0640u);
}

TEST_F(LayerUnpackerTest, WhiteoutReplacesADirectoryTreeOfTheSameLayer) {
  auto unpacked = UnpackMembers({Dir("d"), Dir("d/sub"), File("d/sub/f", "f"), File(".wh.d", "")});
  ASSERT_TRUE(unpacked.ok()) << unpacked.status().message();
  ExpectWhiteoutDevice(At("d"));
  EXPECT_FALSE(Exists(At(".wh.d")));
}

TEST_F(LayerUnpackerTest, AufsMetadataIsSkipped) {
  auto unpacked =
      UnpackMembers({Dir(".wh..wh.plnk"), File(".wh..wh.plnk/123.456", "x"), File("kept", "k")});
  ASSERT_TRUE(unpacked.ok()) << unpacked.status().message();
  EXPECT_EQ(ListNames(root_), std::vector<std::string>{"kept"});
}

TEST_F(LayerUnpackerTest, TargetDirBehindASymlinkWorks) {
  const std::string alias = dir_ + "/alias";
  ASSERT_EQ(::symlink(root_.c_str(), alias.c_str()), 0);
  ASSERT_NO_FATAL_FAILURE(WriteTar(tar_, {File("a/b", "through an alias")}));
  auto unpacked = UnpackLayer(tar_, alias, {});
  ASSERT_TRUE(unpacked.ok()) << unpacked.status().message();
  auto content = ReadFileToString(At("a/b"));
  ASSERT_TRUE(content.ok());
  EXPECT_EQ(*content, "through an alias");
}

TEST_F(LayerUnpackerTest, CreatedParentsAre0755WhateverTheUmask) {
  mode_t old_umask = ::umask(077);
  auto unpacked = UnpackMembers({File("p/q/f", "f", 0644)});
  ::umask(old_umask);
  ASSERT_TRUE(unpacked.ok()) << unpacked.status().message();
  for (const char* dir : {"p", "p/q"}) {
    struct stat st;
    ASSERT_EQ(::lstat(At(dir).c_str(), &st), 0) << dir;
    EXPECT_EQ(st.st_mode & 07777, 0755u) << dir << " " << std::oct << (st.st_mode & 07777);
  }
  struct stat st;
  ASSERT_EQ(::lstat(At("p/q/f").c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 07777, 0644u);
}

TEST_F(LayerUnpackerTest, HardLinkToASymlinkInTheLayerLinksTheSymlink) {
  auto unpacked = UnpackMembers({Symlink("s", "/etc/passwd"), HardLink("hl", "s")});
  ASSERT_TRUE(unpacked.ok()) << unpacked.status().message();
  struct stat st;
  ASSERT_EQ(::lstat(At("hl").c_str(), &st), 0);
  EXPECT_TRUE(S_ISLNK(st.st_mode));
}

TEST_F(LayerUnpackerTest, LeavesTheCallersUmaskAndWorkingDirectoryAlone) {
  mode_t old_umask = ::umask(027);
  char cwd_before[4096];
  ASSERT_NE(::getcwd(cwd_before, sizeof cwd_before), nullptr);
  auto unpacked = UnpackMembers({Dir("d", 0777), File("d/f", "f", 0666)});
  mode_t umask_after = ::umask(old_umask);
  char cwd_after[4096];
  ASSERT_NE(::getcwd(cwd_after, sizeof cwd_after), nullptr);
  ASSERT_TRUE(unpacked.ok()) << unpacked.status().message();
  EXPECT_EQ(umask_after, 027u);
  EXPECT_STREQ(cwd_after, cwd_before);
  struct stat st;
  ASSERT_EQ(::lstat(At("d/f").c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 07777, 0666u);  // the layer's mode, not masked by the caller's umask
}

TEST_F(LayerUnpackerTest, ConcurrentUnpacksDoNotInterfere) {
  std::vector<Member> members;
  for (int i = 0; i < 200; ++i) {
    members.push_back(File("dir" + std::to_string(i % 7) + "/f" + std::to_string(i), "x"));
  }
  ASSERT_NO_FATAL_FAILURE(WriteTar(tar_, members));
  const std::string other_root = dir_ + "/other";
  ASSERT_EQ(::mkdir(other_root.c_str(), 0755), 0);
  std::optional<StatusOr<UnpackedLayer>> first, second;
  std::thread a([&] { first = UnpackLayer(tar_, root_, {}); });
  std::thread b([&] { second = UnpackLayer(tar_, other_root, {}); });
  a.join();
  b.join();
  ASSERT_TRUE(first->ok()) << first->status().message();
  ASSERT_TRUE(second->ok()) << second->status().message();
  EXPECT_EQ((*first)->diff_id, (*second)->diff_id);
  for (const std::string& root : {root_, other_root}) {
    EXPECT_EQ(ListNames(root).size(), 7u) << root;
    EXPECT_TRUE(Exists(root + "/dir3/f199")) << root;
  }
}

// umoci 0.4 ends small layers right after the last member's data: no padding to 512 bytes and
// no end-of-archive blocks. The member is whole, so the layer is accepted; the diff id covers
// exactly the bytes present.
TEST_F(LayerUnpackerTest, LayerEndingRightAfterTheLastMembersDataIsAccepted) {
  WriteTar(tar_, {Dir("srv"), File("srv/hello", "second-layer\n")});
  ASSERT_FALSE(HasFatalFailure());
  auto whole = ReadFileToString(tar_);
  ASSERT_TRUE(whole.ok());
  // Two 512-byte headers, then 13 bytes of data; cut everything after them.
  std::string cut = whole->substr(0, 2 * 512 + 13);
  ASSERT_TRUE(WriteFileAtomically(tar_, cut).ok());
  auto unpacked = Unpack(tar_);
  ASSERT_TRUE(unpacked.ok()) << unpacked.status().message();
  EXPECT_EQ(unpacked->diff_id, Sha256Digest(cut));
  auto content = ReadFileToString(At("srv/hello"));
  ASSERT_TRUE(content.ok());
  EXPECT_EQ(*content, "second-layer\n");

  // Cut inside the data, the member is incomplete: refused.
  ASSERT_TRUE(WriteFileAtomically(tar_, whole->substr(0, 2 * 512 + 5)).ok());
  ASSERT_TRUE(RemoveTree(root_).ok());
  ASSERT_EQ(::mkdir(root_.c_str(), 0755), 0);
  EXPECT_FALSE(Unpack(tar_).ok());
}

}  // namespace
}  // namespace boxcar
