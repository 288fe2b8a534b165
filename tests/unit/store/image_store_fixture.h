// What the ImageStore tests share: tarballs written with libarchive, and an ImageStore over a
// real SQLite database and BlobStore in a temporary directory, with snapshots of everything an
// import may touch.
#pragma once

#include <archive.h>
#include <archive_entry.h>
#include <gtest/gtest.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <memory>
#include <string>
#include <vector>

#include "common/atomic_file.h"
#include "common/directory_tree.h"
#include "common/sha256.h"
#include "store/image_store.h"
#include "store/state_schema.h"
#include "../temp_dir.h"

namespace boxcar {

struct Member {
  std::string name;
  mode_t type = AE_IFREG;
  std::string content;  // file content or symlink target
};

inline Member File(std::string name, std::string content) {
  return {std::move(name), AE_IFREG, std::move(content)};
}
inline Member Dir(std::string name) { return {std::move(name), AE_IFDIR, ""}; }
inline Member Symlink(std::string name, std::string target) {
  return {std::move(name), AE_IFLNK, std::move(target)};
}

struct ArchiveWriteFree {
  void operator()(archive* a) const { archive_write_free(a); }
};
struct EntryFree {
  void operator()(archive_entry* e) const { archive_entry_free(e); }
};

inline void WriteTar(const std::string& path, const std::vector<Member>& members,
                     bool gzip = false) {
  std::unique_ptr<archive, ArchiveWriteFree> writer(archive_write_new());
  ASSERT_EQ(archive_write_set_format_pax_restricted(writer.get()), ARCHIVE_OK);
  if (gzip) {
    ASSERT_EQ(archive_write_add_filter_gzip(writer.get()), ARCHIVE_OK);
  }
  ASSERT_EQ(archive_write_open_filename(writer.get(), path.c_str()), ARCHIVE_OK);
  for (const Member& member : members) {
    std::unique_ptr<archive_entry, EntryFree> entry(archive_entry_new());
    archive_entry_set_pathname(entry.get(), member.name.c_str());
    archive_entry_set_filetype(entry.get(), member.type);
    archive_entry_set_perm(entry.get(), member.type == AE_IFLNK ? 0777 : 0755);
    archive_entry_set_mtime(entry.get(), 1600000000, 0);
    bool is_file = member.type == AE_IFREG;
    if (member.type == AE_IFLNK) archive_entry_set_symlink(entry.get(), member.content.c_str());
    archive_entry_set_size(entry.get(),
                           is_file ? static_cast<la_int64_t>(member.content.size()) : 0);
    ASSERT_EQ(archive_write_header(writer.get(), entry.get()), ARCHIVE_OK) << member.name;
    if (is_file && !member.content.empty()) {
      ASSERT_EQ(archive_write_data(writer.get(), member.content.data(), member.content.size()),
                static_cast<la_ssize_t>(member.content.size()));
    }
  }
  ASSERT_EQ(archive_write_close(writer.get()), ARCHIVE_OK);
}

inline std::vector<std::string> ListNames(const std::string& path) {
  return ListDirectoryNames(path);
}

inline std::vector<std::string> Sorted(std::vector<std::string> values) {
  std::sort(values.begin(), values.end());
  return values;
}

inline bool Exists(const std::string& path) {
  struct stat st;
  return ::lstat(path.c_str(), &st) == 0;
}

inline std::vector<std::string> References(const v1::Image& image) {
  return {image.references().begin(), image.references().end()};
}

inline constexpr const char* kReference = "test/busybox:1";

class ImageStoreTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_NO_FATAL_FAILURE(MakeTempDir("/tmp/boxcar-image-test-XXXXXX", &dir_));
    auto db = SqliteDatabase::Open(dir_ + "/state.db", kStateSchema);
    ASSERT_TRUE(db.ok()) << db.status().message();
    db_ = std::move(*db);
    auto blobs = BlobStore::Open(dir_);
    ASSERT_TRUE(blobs.ok()) << blobs.status().message();
    blobs_ = std::move(*blobs);
    auto images = ImageStore::Open(dir_, db_.get(), blobs_.get(), UnpackLimits{});
    ASSERT_TRUE(images.ok()) << images.status().message();
    images_ = std::move(*images);
    tar_ = dir_ + "/rootfs.tar";
    ASSERT_NO_FATAL_FAILURE(WriteTar(tar_, RootfsMembers()));
  }
  void TearDown() override {
    images_.reset();
    blobs_.reset();
    db_.reset();
    if (!dir_.empty()) {
      EXPECT_TRUE(RemoveTree(dir_).ok());
    }
  }

  static std::vector<Member> RootfsMembers() {
    return {Dir("bin"), File("bin/busybox", std::string(5000, 'B')), Symlink("bin/sh", "busybox"),
            Dir("etc"), File("etc/hostname", "busybox\n")};
  }

  static v1::ImportHeader Header(const std::string& reference) {
    v1::ImportHeader header;
    header.set_reference(reference);
    header.mutable_config()->add_cmd("sh");
    return header;
  }

  // Streams `tar` into an import in small chunks, as the gRPC service does.
  StatusOr<v1::Image> Import(const std::string& tar, const v1::ImportHeader& header) {
    auto bytes = ReadFileToString(tar);
    if (!bytes.ok()) return bytes.status();
    auto import = images_->BeginImport(header);
    if (!import.ok()) return import.status();
    constexpr size_t kChunk = 1000;
    for (size_t offset = 0; offset < bytes->size(); offset += kChunk) {
      size_t size = std::min(kChunk, bytes->size() - offset);
      RETURN_IF_ERROR((*import)->Write(bytes->data() + offset, size));
    }
    if ((*import)->bytes_received() != bytes->size()) return Internal("short write");
    return (*import)->Finish();
  }
  StatusOr<v1::Image> Import(const std::string& tar, const std::string& reference = kReference) {
    return Import(tar, Header(reference));
  }

  // The bytes of a tarball of `members`.
  std::string TarBytes(const std::vector<Member>& members, bool gzip = false) {
    std::string path = dir_ + "/scratch.tar";
    WriteTar(path, members, gzip);
    auto bytes = ReadFileToString(path);
    EXPECT_TRUE(bytes.ok()) << bytes.status().message();
    ::unlink(path.c_str());
    return bytes.ok() ? *bytes : "";
  }

  int64_t CountRows(const std::string& table) {
    auto select = db_->Prepare("SELECT COUNT(*) FROM " + table);
    EXPECT_TRUE(select.ok()) << select.status().message();
    if (!select.ok()) return -1;
    auto row = select->Step();
    EXPECT_TRUE(row.ok() && *row);
    return select->ColumnInt(0);
  }

  // Everything an import may touch, for "nothing changed" comparisons.
  struct Snapshot {
    int64_t images, layers, image_layers, image_refs;
    std::vector<std::string> layer_dirs, tmp, blobs;
    bool operator==(const Snapshot&) const = default;
  };
  Snapshot Take() {
    return {CountRows("images"),          CountRows("layers"),         CountRows("image_layers"),
            CountRows("image_refs"),      ListNames(dir_ + "/layers"), ListNames(dir_ + "/tmp"),
            Sorted(blobs_->ListDigests())};
  }

  std::string dir_;
  std::string tar_;
  std::unique_ptr<SqliteDatabase> db_;
  std::unique_ptr<BlobStore> blobs_;
  std::unique_ptr<ImageStore> images_;
};

}  // namespace boxcar
