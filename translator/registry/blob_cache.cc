#include "registry/blob_cache.h"

#include <dirent.h>
#include <fcntl.h>
#include <openssl/rand.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <vector>

#include "registry/repository_name.h"

namespace boxcar::registry {

std::string BlobCache::PathOf(const std::string& digest) const {
  return dir_ + "/" + digest.substr(digest.find(':') + 1);
}

Status BlobCache::Init() {
  if (::mkdir(dir_.c_str(), 0700) != 0 && errno != EEXIST) {
    return ErrnoStatus("creating blob cache directory '" + dir_ + "'");
  }
  DIR* dir = ::opendir(dir_.c_str());
  if (!dir) return ErrnoStatus("opening blob cache directory '" + dir_ + "'");
  while (dirent* entry = ::readdir(dir)) {
    std::string name = entry->d_name;
    if (name.find(".partial") != std::string::npos) ::unlink((dir_ + "/" + name).c_str());
  }
  ::closedir(dir);
  Evict();
  return OkStatus();
}

UniqueFd BlobCache::Open(const std::string& digest, uint64_t size) {
  if (!IsValidDigest(digest)) return UniqueFd();
  UniqueFd fd(::open(PathOf(digest).c_str(), O_RDONLY | O_CLOEXEC));
  struct stat st;
  if (!fd || ::fstat(fd.get(), &st) != 0 || static_cast<uint64_t>(st.st_size) != size) {
    return UniqueFd();
  }
  ::futimens(fd.get(), nullptr);  // mtime = last use, for eviction
  return fd;
}

void BlobCache::Adopt(const std::string& digest, const std::string& path) {
  if (max_bytes_ == 0 || !IsValidDigest(digest)) return;
  if (::rename(path.c_str(), PathOf(digest).c_str()) == 0) Evict();
}

std::unique_ptr<BlobCache::Writer> BlobCache::StartWrite(const std::string& digest) {
  if (max_bytes_ == 0 || !IsValidDigest(digest)) return nullptr;
  unsigned char random[8];
  if (RAND_bytes(random, sizeof random) != 1) return nullptr;
  std::string suffix;
  for (unsigned char c : random) suffix += "0123456789abcdef"[c & 15];
  const std::string temp = PathOf(digest) + ".partial." + suffix;
  UniqueFd fd(::open(temp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600));
  if (!fd) return nullptr;
  return std::make_unique<Writer>(this, digest, temp, std::move(fd));
}

BlobCache::Writer::~Writer() {
  if (!temp_path_.empty()) ::unlink(temp_path_.c_str());
}

void BlobCache::Writer::Write(const char* bytes, size_t size) {
  if (failed_) return;
  hasher_.Update(bytes, size);
  while (size > 0) {
    ssize_t n = ::write(fd_.get(), bytes, size);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) {
      failed_ = true;  // a full disk only costs the cache entry
      return;
    }
    bytes += n;
    size -= static_cast<size_t>(n);
  }
}

void BlobCache::Writer::Commit() {
  if (failed_ || hasher_.FinishDigest() != digest_) return;
  fd_.reset();
  if (::rename(temp_path_.c_str(), cache_->PathOf(digest_).c_str()) == 0) {
    temp_path_.clear();
    cache_->Evict();
  }
}

void BlobCache::Evict() {
  std::lock_guard<std::mutex> lock(evict_mutex_);
  struct Entry {
    std::string path;
    uint64_t size;
    int64_t used;
  };
  std::vector<Entry> entries;
  uint64_t total = 0;
  DIR* dir = ::opendir(dir_.c_str());
  if (!dir) return;
  while (dirent* entry = ::readdir(dir)) {
    std::string name = entry->d_name;
    if (name.size() != 64 || name.find('.') != std::string::npos) continue;
    struct stat st;
    const std::string path = dir_ + "/" + name;
    if (::stat(path.c_str(), &st) != 0) continue;
    entries.push_back({path, static_cast<uint64_t>(st.st_size),
                       st.st_mtim.tv_sec * 1000000000LL + st.st_mtim.tv_nsec});
    total += static_cast<uint64_t>(st.st_size);
  }
  ::closedir(dir);
  if (total <= max_bytes_) return;
  std::sort(entries.begin(), entries.end(),
            [](const Entry& a, const Entry& b) { return a.used < b.used; });
  for (const auto& entry : entries) {
    if (total <= max_bytes_) break;
    if (::unlink(entry.path.c_str()) == 0) total -= entry.size;
  }
}

}  // namespace boxcar::registry
