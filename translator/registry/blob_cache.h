// A local, size-bounded copy of blobs, addressed by digest (STATE_DIR/blobs/<hex>), so pulls
// do not go through Glance's data path each time. Glance stays the source of truth and the
// judge of visibility: a blob is served from here only after Glance showed the caller's
// project an active image of that digest and size. Filled by pushes (the verified upload
// file is moved in) and by pulls (the download is kept once its sha256 matched). Least
// recently used blobs go when the total passes `max_bytes`.
#pragma once

#include <cstdint>
#include <memory>
#include <mutex>
#include <string>

#include "common/sha256.h"
#include "common/status.h"
#include "common/unique_fd.h"

namespace boxcar::registry {

class BlobCache {
 public:
  BlobCache(std::string dir, uint64_t max_bytes) : dir_(std::move(dir)), max_bytes_(max_bytes) {}
  // Creates the directory and drops partial files a crash left.
  Status Init();
  // The cached blob when it is here with exactly `size` bytes (and marks it used); else an
  // invalid fd.
  UniqueFd Open(const std::string& digest, uint64_t size);
  // Moves `path` (bytes already verified against `digest`) into the cache.
  void Adopt(const std::string& digest, const std::string& path);

  // Collects a blob while it streams; Commit() keeps it only when the bytes hash to the digest.
  class Writer {
   public:
    Writer(BlobCache* cache, std::string digest, std::string temp_path, UniqueFd fd)
        : cache_(cache),
          digest_(std::move(digest)),
          temp_path_(std::move(temp_path)),
          fd_(std::move(fd)) {}
    ~Writer();
    void Write(const char* bytes, size_t size);
    void Commit();

   private:
    BlobCache* cache_;
    std::string digest_;
    std::string temp_path_;
    UniqueFd fd_;
    Sha256 hasher_;
    bool failed_ = false;
  };
  // Null when the cache cannot take it now.
  std::unique_ptr<Writer> StartWrite(const std::string& digest);

 private:
  std::string PathOf(const std::string& digest) const;
  void Evict();
  std::string dir_;
  uint64_t max_bytes_;
  std::mutex evict_mutex_;
};

}  // namespace boxcar::registry
