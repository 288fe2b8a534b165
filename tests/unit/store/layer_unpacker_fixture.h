// What the UnpackLayer tests share: tarballs built with libarchive's writer from a list of
// members, and a fixture that unpacks them into a fresh directory under /tmp.
#pragma once

#include <archive.h>
#include <archive_entry.h>
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <sys/xattr.h>
#include <unistd.h>

#include <cerrno>
#include <memory>
#include <random>
#include <string>
#include <utility>
#include <vector>

#include "../temp_dir.h"
#include "common/atomic_file.h"
#include "common/directory_tree.h"
#include "store/layer_unpacker.h"

namespace boxcar {
// One tar member. `hardlink` non-empty makes it a hard link (type and content ignored).
struct Member {
  std::string name;
  mode_t type = AE_IFREG;
  mode_t perm = 0644;
  std::string content;
  std::string symlink;
  std::string hardlink;
  int64_t uid = 0;
  int64_t gid = 0;
  unsigned rdev_major = 0;
  unsigned rdev_minor = 0;
  std::vector<std::pair<std::string, std::string>> xattrs;
};

inline Member File(std::string name, std::string content, mode_t perm = 0644) {
  Member member;
  member.name = std::move(name);
  member.content = std::move(content);
  member.perm = perm;
  return member;
}

inline Member Dir(std::string name, mode_t perm = 0755) {
  Member member;
  member.name = std::move(name);
  member.type = AE_IFDIR;
  member.perm = perm;
  return member;
}

inline Member Symlink(std::string name, std::string target) {
  Member member;
  member.name = std::move(name);
  member.type = AE_IFLNK;
  member.perm = 0777;
  member.symlink = std::move(target);
  return member;
}

inline Member HardLink(std::string name, std::string target) {
  Member member;
  member.name = std::move(name);
  member.hardlink = std::move(target);
  return member;
}

inline Member Device(std::string name, mode_t type, unsigned major, unsigned minor) {
  Member member;
  member.name = std::move(name);
  member.type = type;
  member.perm = 0600;
  member.rdev_major = major;
  member.rdev_minor = minor;
  return member;
}

enum class Filter { kNone, kGzip, kZstd, kXz };

constexpr time_t kMtime = 1600000000;

struct ArchiveWriteFree {
  void operator()(archive* a) const { archive_write_free(a); }
};
struct EntryFree {
  void operator()(archive_entry* e) const { archive_entry_free(e); }
};

inline void AddFilter(archive* a, Filter filter) {
  if (filter == Filter::kGzip) {
    ASSERT_EQ(archive_write_add_filter_gzip(a), ARCHIVE_OK);
  } else if (filter == Filter::kZstd) {
    // ARCHIVE_WARN: libarchive falls back to the external zstd program.
    ASSERT_GE(archive_write_add_filter_zstd(a), ARCHIVE_WARN);
  } else if (filter == Filter::kXz) {
    ASSERT_GE(archive_write_add_filter_xz(a), ARCHIVE_WARN);
  }
}

// Writes a pax tar of `members` to `path`, optionally compressed.
inline void WriteTar(const std::string& path, const std::vector<Member>& members,
                     Filter filter = Filter::kNone) {
  std::unique_ptr<archive, ArchiveWriteFree> writer(archive_write_new());
  ASSERT_TRUE(writer);
  ASSERT_EQ(archive_write_set_format_pax_restricted(writer.get()), ARCHIVE_OK);
  ASSERT_NO_FATAL_FAILURE(AddFilter(writer.get(), filter));
  ASSERT_EQ(archive_write_open_filename(writer.get(), path.c_str()), ARCHIVE_OK)
      << archive_error_string(writer.get());
  for (const Member& member : members) {
    std::unique_ptr<archive_entry, EntryFree> entry(archive_entry_new());
    archive_entry_set_pathname(entry.get(), member.name.c_str());
    archive_entry_set_uid(entry.get(), member.uid);
    archive_entry_set_gid(entry.get(), member.gid);
    archive_entry_set_mtime(entry.get(), kMtime, 0);
    bool has_data = false;
    if (!member.hardlink.empty()) {
      archive_entry_set_filetype(entry.get(), AE_IFREG);
      archive_entry_set_perm(entry.get(), member.perm);
      archive_entry_set_hardlink(entry.get(), member.hardlink.c_str());
      archive_entry_set_size(entry.get(), 0);
    } else {
      archive_entry_set_filetype(entry.get(), member.type);
      archive_entry_set_perm(entry.get(), member.perm);
      if (member.type == AE_IFLNK) archive_entry_set_symlink(entry.get(), member.symlink.c_str());
      if (member.type == AE_IFBLK || member.type == AE_IFCHR) {
        archive_entry_set_rdevmajor(entry.get(), member.rdev_major);
        archive_entry_set_rdevminor(entry.get(), member.rdev_minor);
      }
      has_data = member.type == AE_IFREG;
      archive_entry_set_size(entry.get(),
                             has_data ? static_cast<la_int64_t>(member.content.size()) : 0);
    }
    for (const auto& [name, value] : member.xattrs) {
      archive_entry_xattr_add_entry(entry.get(), name.c_str(), value.data(), value.size());
    }
    ASSERT_EQ(archive_write_header(writer.get(), entry.get()), ARCHIVE_OK)
        << member.name << ": " << archive_error_string(writer.get());
    if (has_data && !member.content.empty()) {
      ASSERT_EQ(archive_write_data(writer.get(), member.content.data(), member.content.size()),
                static_cast<la_ssize_t>(member.content.size()));
    }
  }
  ASSERT_EQ(archive_write_close(writer.get()), ARCHIVE_OK) << archive_error_string(writer.get());
}

// Compresses the bytes of `source` into `target` (libarchive's raw format: no tar framing).
inline void CompressFile(const std::string& source, const std::string& target, Filter filter) {
  auto bytes = ReadFileToString(source);
  ASSERT_TRUE(bytes.ok()) << bytes.status().message();
  std::unique_ptr<archive, ArchiveWriteFree> writer(archive_write_new());
  ASSERT_EQ(archive_write_set_format_raw(writer.get()), ARCHIVE_OK);
  ASSERT_NO_FATAL_FAILURE(AddFilter(writer.get(), filter));
  ASSERT_EQ(archive_write_open_filename(writer.get(), target.c_str()), ARCHIVE_OK);
  std::unique_ptr<archive_entry, EntryFree> entry(archive_entry_new());
  archive_entry_set_pathname(entry.get(), "data");
  archive_entry_set_filetype(entry.get(), AE_IFREG);
  archive_entry_set_size(entry.get(), static_cast<la_int64_t>(bytes->size()));
  ASSERT_EQ(archive_write_header(writer.get(), entry.get()), ARCHIVE_OK);
  ASSERT_EQ(archive_write_data(writer.get(), bytes->data(), bytes->size()),
            static_cast<la_ssize_t>(bytes->size()));
  ASSERT_EQ(archive_write_close(writer.get()), ARCHIVE_OK) << archive_error_string(writer.get());
}

inline std::string RandomBytes(size_t size, uint32_t seed) {
  std::mt19937 generator(seed);
  std::string bytes(size, '\0');
  for (char& byte : bytes) byte = static_cast<char>(generator() & 0xff);
  return bytes;
}

inline std::vector<std::string> ListNames(const std::string& path) {
  return ListDirectoryNames(path);
}

inline bool Exists(const std::string& path) {
  struct stat st;
  return ::lstat(path.c_str(), &st) == 0;
}

inline std::string GetXattr(const std::string& path, const char* name) {
  char value[256];
  ssize_t n = ::lgetxattr(path.c_str(), name, value, sizeof value);
  if (n < 0) return "<errno " + std::to_string(errno) + ">";
  return std::string(value, static_cast<size_t>(n));
}

class LayerUnpackerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_NO_FATAL_FAILURE(MakeTempDir("/tmp/boxcar-unpack-test-XXXXXX", &dir_));
    root_ = dir_ + "/root";
    tar_ = dir_ + "/layer.tar";
    ASSERT_EQ(::mkdir(root_.c_str(), 0755), 0);
  }
  void TearDown() override {
    if (!dir_.empty()) {
      EXPECT_TRUE(RemoveTree(dir_).ok());
    }
  }

  StatusOr<UnpackedLayer> Unpack(const std::string& tar, UnpackLimits limits = {}) {
    return UnpackLayer(tar, root_, limits);
  }
  StatusOr<UnpackedLayer> UnpackMembers(const std::vector<Member>& members,
                                        UnpackLimits limits = {}) {
    WriteTar(tar_, members);
    if (::testing::Test::HasFatalFailure()) return Internal("writing the test tarball failed");
    return Unpack(tar_, limits);
  }
  std::string At(const std::string& relative) const { return root_ + "/" + relative; }

  std::string dir_;
  std::string root_;
  std::string tar_;
};

}  // namespace boxcar
