// UnpackLayer, what it refuses: hostile members (escapes through "..", absolute names,
// symlinks and hard links), limits, damaged or foreign input, file flags. Nothing of a refused
// member may land outside the layer's directory.
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
#include "store/layer_unpacker.h"

namespace boxcar {
namespace {

struct HostileCase {
  const char* label;
  std::vector<Member> members;
  std::string member;   // the name the error must carry
  std::string escaped;  // relative to the test dir: must not exist afterwards ("" = none)
};

// Failure messages show the case's label, not its bytes.
void PrintTo(const HostileCase& hostile, std::ostream* os) { *os << hostile.label; }

class HostileMemberTest : public LayerUnpackerTest,
                          public ::testing::WithParamInterface<HostileCase> {};

TEST_P(HostileMemberTest, IsRefusedNamingTheMember) {
  const HostileCase& hostile = GetParam();
  auto unpacked = UnpackMembers(hostile.members);
  ASSERT_FALSE(unpacked.ok());
  EXPECT_EQ(unpacked.status().code(), StatusCode::kInvalidArgument) << unpacked.status().message();
  EXPECT_NE(unpacked.status().message().find(hostile.member), std::string::npos)
      << unpacked.status().message();
  if (!hostile.escaped.empty()) {
    EXPECT_FALSE(Exists(dir_ + "/" + hostile.escaped));
  }
}

INSTANTIATE_TEST_SUITE_P(
    Refusals, HostileMemberTest,
    ::testing::Values(
        HostileCase{"DotDot", {File("../evil", "x")}, "../evil", "evil"},
        HostileCase{"DotDotInside", {File("a/../../evil", "x")}, "a/../../evil", "evil"},
        HostileCase{"Absolute", {File("/etc/passwd", "root::0:0::/:/bin/sh\n")}, "/etc/passwd", ""},
        HostileCase{"ClimbingSymlink", {Symlink("link", "../../..")}, "link", ""},
        HostileCase{"DeepClimbingSymlink",
                    {Dir("a"), Dir("a/b"), Symlink("a/b/up", "../x/../../..")},
                    "a/b/up",
                    ""},
        HostileCase{"HardLinkDotDot", {File("x", "x"), HardLink("hl", "../x")}, "hl", "root/hl"},
        HostileCase{"HardLinkAbsolute", {HardLink("hl", "/etc/passwd")}, "hl", "root/hl"},
        HostileCase{"HardLinkMissingTarget", {HardLink("hl", "nothing")}, "hl", "root/hl"},
        HostileCase{"HardLinkToDirectory", {Dir("d"), HardLink("hl", "d")}, "hl", "root/hl"},
        HostileCase{"WhiteoutOfDot", {File(".wh..", "")}, ".wh..", ""},
        HostileCase{"WhiteoutOfDotDot", {Dir("d"), File("d/.wh...", "")}, "d/.wh...", ""},
        HostileCase{"WhiteoutOfNothing", {File("d/.wh.", "")}, "d/.wh.", ""}),
    [](const auto& info) { return std::string(info.param.label); });

TEST_F(LayerUnpackerTest, MemberBelowASymlinkToTheHostIsRefused) {
  const std::string pwned = "/tmp/pwned";
  ASSERT_FALSE(Exists(pwned)) << pwned << " exists before the test; remove it";
  auto unpacked = UnpackMembers({Symlink("a", "/tmp"), File("a/pwned", "owned")});
  bool escaped = Exists(pwned);
  if (escaped) ::unlink(pwned.c_str());
  EXPECT_FALSE(escaped) << "the layer wrote " << pwned;
  ASSERT_FALSE(unpacked.ok());
  EXPECT_EQ(unpacked.status().code(), StatusCode::kInvalidArgument);
  EXPECT_NE(unpacked.status().message().find("a/pwned"), std::string::npos)
      << unpacked.status().message();
}

TEST_F(LayerUnpackerTest, WhiteoutBelowASymlinkToTheHostIsRefused) {
  // A victim outside the layer root, reached through an absolute symlink.
  ASSERT_TRUE(WriteFileAtomically(dir_ + "/victim", "keep me").ok());
  auto unpacked = UnpackMembers({Symlink("a", dir_), File("a/.wh.victim", "")});
  ASSERT_FALSE(unpacked.ok());
  EXPECT_EQ(unpacked.status().code(), StatusCode::kInvalidArgument);
  EXPECT_NE(unpacked.status().message().find("a/.wh.victim"), std::string::npos)
      << unpacked.status().message();
  auto victim = ReadFileToString(dir_ + "/victim");
  ASSERT_TRUE(victim.ok()) << victim.status().message();
  EXPECT_EQ(*victim, "keep me");
}

TEST_F(LayerUnpackerTest, HardLinkThroughASymlinkToTheHostIsRefused) {
  ASSERT_TRUE(WriteFileAtomically(dir_ + "/victim", "keep me").ok());
  auto unpacked = UnpackMembers({Symlink("a", dir_), HardLink("hl", "a/victim")});
  EXPECT_FALSE(unpacked.ok());
  struct stat victim_st;
  ASSERT_EQ(::lstat((dir_ + "/victim").c_str(), &victim_st), 0);
  EXPECT_EQ(victim_st.st_nlink, 1u) << "the layer hard-linked a file outside its root";
  auto victim = ReadFileToString(dir_ + "/victim");
  ASSERT_TRUE(victim.ok());
  EXPECT_EQ(*victim, "keep me");
}

TEST_F(LayerUnpackerTest, SizeLimitIsEnforced) {
  auto unpacked = UnpackMembers({File("small", "tiny"), File("big", std::string(4096, 'b'))},
                                UnpackLimits{1000});
  ASSERT_FALSE(unpacked.ok());
  EXPECT_EQ(unpacked.status().code(), StatusCode::kResourceExhausted)
      << unpacked.status().message();
  EXPECT_NE(unpacked.status().message().find("big"), std::string::npos);
  EXPECT_FALSE(Exists(At("big")));
}

TEST_F(LayerUnpackerTest, SizeLimitIsInclusive) {
  auto unpacked = UnpackMembers({File("exact", std::string(4096, 'e'))}, UnpackLimits{4096});
  ASSERT_TRUE(unpacked.ok()) << unpacked.status().message();
  EXPECT_EQ(unpacked->unpacked_bytes, 4096u);
}

// Empty files cost no bytes of data but a header each: a layer of headers alone is stopped by
// the cap on the decompressed stream (twice the limit plus 1 MiB), long before its end.
TEST_F(LayerUnpackerTest, LayerOfHeadersAloneIsStoppedByTheStreamLimit) {
  std::vector<Member> empty_files;
  for (int i = 0; i < 3000; ++i) empty_files.push_back(File("d/f" + std::to_string(i), ""));
  ASSERT_NO_FATAL_FAILURE(WriteTar(tar_, empty_files, Filter::kGzip));
  auto unpacked = Unpack(tar_, UnpackLimits{100000});
  ASSERT_FALSE(unpacked.ok());
  EXPECT_EQ(unpacked.status().code(), StatusCode::kResourceExhausted)
      << unpacked.status().message();
  EXPECT_NE(unpacked.status().message().find("1248576 bytes (the 100000-byte limit"),
            std::string::npos)
      << unpacked.status().message();
  EXPECT_LT(ListNames(At("d")).size(), 3000u);
  auto unlimited = UnpackMembers(empty_files, UnpackLimits{10000000});
  EXPECT_TRUE(unlimited.ok()) << "a higher limit leaves room for the headers";
}

TEST_F(LayerUnpackerTest, TruncatedGzipIsAnError) {
  ASSERT_NO_FATAL_FAILURE(
      WriteTar(tar_, {File("random.bin", RandomBytes(256 * 1024, 3))}, Filter::kGzip));
  struct stat st;
  ASSERT_EQ(::stat(tar_.c_str(), &st), 0);
  ASSERT_GT(st.st_size, 200 * 1024);
  ASSERT_EQ(::truncate(tar_.c_str(), st.st_size / 2), 0);
  auto unpacked = Unpack(tar_);
  ASSERT_FALSE(unpacked.ok());
  EXPECT_EQ(unpacked.status().code(), StatusCode::kInvalidArgument) << unpacked.status().message();
  EXPECT_NE(unpacked.status().message().find("random.bin"), std::string::npos)
      << unpacked.status().message();
}

TEST_F(LayerUnpackerTest, TruncatedGzipTrailerIsAnError) {
  // The tar inside is complete: only the end of the compressed stream is missing.
  ASSERT_NO_FATAL_FAILURE(WriteTar(tar_, {File("f", "complete")}, Filter::kGzip));
  struct stat st;
  ASSERT_EQ(::stat(tar_.c_str(), &st), 0);
  ASSERT_EQ(::truncate(tar_.c_str(), st.st_size - 4), 0);
  auto unpacked = Unpack(tar_);
  EXPECT_FALSE(unpacked.ok()) << "diff_id " << unpacked->diff_id;
}

TEST_F(LayerUnpackerTest, TruncatedPlainTarIsAnError) {
  ASSERT_NO_FATAL_FAILURE(WriteTar(tar_, {File("random.bin", RandomBytes(64 * 1024, 4))}));
  ASSERT_EQ(::truncate(tar_.c_str(), 20 * 1024), 0);
  auto unpacked = Unpack(tar_);
  EXPECT_FALSE(unpacked.ok());
}

TEST_F(LayerUnpackerTest, NotATarIsAnError) {
  ASSERT_TRUE(WriteFileAtomically(tar_, std::string(4096, 'z')).ok());
  auto unpacked = Unpack(tar_);
  ASSERT_FALSE(unpacked.ok());
  EXPECT_EQ(unpacked.status().code(), StatusCode::kInvalidArgument);
}

TEST_F(LayerUnpackerTest, MissingBlobIsNotFound) {
  auto unpacked = Unpack(dir_ + "/no-such-layer.tar");
  ASSERT_FALSE(unpacked.ok());
  EXPECT_EQ(unpacked.status().code(), StatusCode::kNotFound);
}

TEST_F(LayerUnpackerTest, FileReplacingASymlinkDoesNotWriteThroughIt) {
  ASSERT_TRUE(WriteFileAtomically(dir_ + "/victim", "keep me").ok());
  auto unpacked = UnpackMembers({Symlink("s", dir_ + "/victim"), File("s", "overwritten")});
  ASSERT_TRUE(unpacked.ok()) << unpacked.status().message();
  auto victim = ReadFileToString(dir_ + "/victim");
  ASSERT_TRUE(victim.ok());
  EXPECT_EQ(*victim, "keep me");
  struct stat st;
  ASSERT_EQ(::lstat(At("s").c_str(), &st), 0);
  EXPECT_TRUE(S_ISREG(st.st_mode));
  auto replaced = ReadFileToString(At("s"));
  ASSERT_TRUE(replaced.ok());
  EXPECT_EQ(*replaced, "overwritten");
}

TEST_F(LayerUnpackerTest, AbsoluteMemberIsNotWrittenOnTheHost) {
  const std::string outside = dir_ + "/absolute-evil";
  auto unpacked = UnpackMembers({File(outside, "x")});
  ASSERT_FALSE(unpacked.ok());
  EXPECT_EQ(unpacked.status().code(), StatusCode::kInvalidArgument);
  EXPECT_FALSE(Exists(outside));
  EXPECT_FALSE(Exists(At(outside.substr(1))));
}

TEST_F(LayerUnpackerTest, AbsolutePasswdMemberLeavesTheHostFileAlone) {
  auto before = ReadFileToString("/etc/passwd");
  auto unpacked = UnpackMembers({File("/etc/passwd", "root::0:0::/:/bin/sh\n")});
  ASSERT_FALSE(unpacked.ok());
  EXPECT_EQ(unpacked.status().code(), StatusCode::kInvalidArgument);
  auto after = ReadFileToString("/etc/passwd");
  ASSERT_TRUE(before.ok() && after.ok());
  EXPECT_EQ(*after, *before);
  EXPECT_FALSE(Exists(At("etc/passwd")));
}

// One 512-byte ustar header. libarchive's writer never gives a hard link data, so the test
// that needs one builds the archive block by block.
std::string UstarHeader(const std::string& name, char typeflag, size_t size,
                        const std::string& linkname = "") {
  std::string block(512, '\0');
  auto put = [&block](size_t offset, const std::string& value) {
    block.replace(offset, value.size(), value);
  };
  auto octal = [](uint64_t value, int width) {
    char buffer[32];
    std::snprintf(buffer, sizeof buffer, "%0*llo", width - 1,
                  static_cast<unsigned long long>(value));
    return std::string(buffer);
  };
  put(0, name);
  put(100, octal(0644, 8));
  put(108, octal(0, 8));
  put(116, octal(0, 8));
  put(124, octal(size, 12));
  put(136, octal(kMtime, 12));
  block[156] = typeflag;
  put(157, linkname);
  put(257, std::string("ustar\0"
                       "00",
                       8));
  put(148, std::string(8, ' '));
  unsigned checksum = 0;
  for (unsigned char byte : block) checksum += byte;
  put(148, octal(checksum, 7));
  return block;
}

std::string Padded(const std::string& data) {
  return data + std::string((512 - data.size() % 512) % 512, '\0');
}

TEST_F(LayerUnpackerTest, HardLinkCarryingDataDoesNotTouchItsTarget) {
  // In a pax archive a hard link may carry data, which libarchive would write into the shared
  // inode; the extended header ('x') is what makes libarchive honour the link's size.
  const std::string pax_record = "13 comment=x\n";
  std::string tar = UstarHeader("target", '0', 8) + Padded("original") +
                    UstarHeader("PaxHeaders/link", 'x', pax_record.size()) + Padded(pax_record) +
                    UstarHeader("link", '1', 8, "target") + Padded("replaced") +
                    std::string(1024, '\0');
  ASSERT_TRUE(WriteFileAtomically(tar_, tar).ok());
  auto unpacked = Unpack(tar_);
  ASSERT_TRUE(unpacked.ok()) << unpacked.status().message();
  EXPECT_EQ(unpacked->diff_id, Sha256Digest(tar));
  auto content = ReadFileToString(At("target"));
  ASSERT_TRUE(content.ok());
  EXPECT_EQ(*content, "original");
  struct stat target_st, link_st;
  ASSERT_EQ(::lstat(At("target").c_str(), &target_st), 0);
  ASSERT_EQ(::lstat(At("link").c_str(), &link_st), 0);
  EXPECT_EQ(target_st.st_ino, link_st.st_ino);
}

// Clears the immutable/append-only flags a layer may have set, so that TearDown can remove it.
void ClearFileFlags(const std::string& path) {
  int fd = ::open(path.c_str(), O_RDONLY | O_NOFOLLOW | O_CLOEXEC | O_NONBLOCK);
  if (fd < 0) return;
  int flags = 0;
  if (::ioctl(fd, FS_IOC_GETFLAGS, &flags) == 0) {
    flags &= ~(FS_IMMUTABLE_FL | FS_APPEND_FL);
    (void)::ioctl(fd, FS_IOC_SETFLAGS, &flags);
  }
  ::close(fd);
}

// File flags are not applied (no ARCHIVE_EXTRACT_FFLAGS): an immutable or append-only file
// would make the layer directory, or a failed import's unpack directory, impossible to remove.
TEST_F(LayerUnpackerTest, FileFlagsFromTheLayerAreNotApplied) {
  std::unique_ptr<archive, ArchiveWriteFree> writer(archive_write_new());
  ASSERT_EQ(archive_write_set_format_pax_restricted(writer.get()), ARCHIVE_OK);
  ASSERT_EQ(archive_write_open_filename(writer.get(), tar_.c_str()), ARCHIVE_OK);
  std::unique_ptr<archive_entry, EntryFree> entry(archive_entry_new());
  archive_entry_set_pathname(entry.get(), "immutable");
  archive_entry_set_filetype(entry.get(), AE_IFREG);
  archive_entry_set_perm(entry.get(), 0644);
  archive_entry_set_size(entry.get(), 1);
  archive_entry_set_fflags(entry.get(), FS_IMMUTABLE_FL | FS_APPEND_FL, 0);
  ASSERT_EQ(archive_write_header(writer.get(), entry.get()), ARCHIVE_OK);
  ASSERT_EQ(archive_write_data(writer.get(), "x", 1), 1);
  ASSERT_EQ(archive_write_close(writer.get()), ARCHIVE_OK);

  auto unpacked = Unpack(tar_);
  int fd = ::open(At("immutable").c_str(), O_RDONLY | O_CLOEXEC);
  int flags = 0;
  bool got_flags = fd >= 0 && ::ioctl(fd, FS_IOC_GETFLAGS, &flags) == 0;
  if (fd >= 0) ::close(fd);
  ClearFileFlags(At("immutable"));
  ASSERT_TRUE(unpacked.ok()) << unpacked.status().message();
  ASSERT_TRUE(got_flags);
  EXPECT_EQ(flags & (FS_IMMUTABLE_FL | FS_APPEND_FL), 0) << "flags 0x" << std::hex << flags;
}

}  // namespace
}  // namespace boxcar
