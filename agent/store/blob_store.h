// Content-addressed, immutable blobs: <root>/blobs/sha256/<hex>. Written to <root>/tmp while
// hashed, verified, fsynced and renamed into place, so a blob is complete or absent.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "common/sha256.h"
#include "common/status.h"
#include "common/unique_fd.h"

namespace boxcar {

class BlobStore {
 public:
  static StatusOr<std::unique_ptr<BlobStore>> Open(const std::string& root_dir);

  // A blob being written; dropped without Commit() it leaves nothing behind.
  class Writer {
   public:
    ~Writer();
    Status Write(const void* bytes, size_t size);
    uint64_t bytes_written() const { return bytes_written_; }
    // Verifies `expected_digest` when given (kInvalidArgument on mismatch), makes the blob
    // durable and visible, and returns its digest.
    StatusOr<std::string> Commit(std::string_view expected_digest = "");

   private:
    friend class BlobStore;
    Writer(const BlobStore* store, std::string temp_path, UniqueFd fd)
        : store_(store), temp_path_(std::move(temp_path)), fd_(std::move(fd)) {}
    const BlobStore* store_;
    std::string temp_path_;
    UniqueFd fd_;
    Sha256 hasher_;
    uint64_t bytes_written_ = 0;
    bool committed_ = false;
  };

  StatusOr<std::unique_ptr<Writer>> NewWriter();
  StatusOr<std::string> WriteBlob(std::string_view content);
  StatusOr<std::string> ReadBlob(std::string_view digest) const;
  // Path of a blob; `digest` must satisfy IsSha256Digest.
  std::string BlobPath(std::string_view digest) const;
  bool Contains(std::string_view digest) const;
  StatusOr<uint64_t> BlobSize(std::string_view digest) const;
  Status Delete(std::string_view digest);
  std::vector<std::string> ListDigests() const;
  // Clears temp files a crash left in <root>/tmp (blob-* only).
  Status RemoveTempFiles();

 private:
  explicit BlobStore(std::string root_dir) : root_dir_(std::move(root_dir)) {}
  std::string root_dir_;
};

}  // namespace boxcar
