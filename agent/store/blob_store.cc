#include "store/blob_store.h"

#include <dirent.h>
#include <fcntl.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>

#include "common/atomic_file.h"
#include "common/directory_tree.h"

namespace boxcar {

namespace {

Status CheckDigest(std::string_view digest) {
  if (!IsSha256Digest(digest)) {
    return InvalidArgument("digest '" + std::string(digest) +
                           "' is not sha256:<64 lower-case hex>");
  }
  return OkStatus();
}

}  // namespace

StatusOr<std::unique_ptr<BlobStore>> BlobStore::Open(const std::string& root_dir) {
  RETURN_IF_ERROR(MakeDirectories(root_dir + "/blobs/sha256", 0700));
  RETURN_IF_ERROR(MakeDirectories(root_dir + "/tmp", 0700));
  return std::unique_ptr<BlobStore>(new BlobStore(root_dir));
}

BlobStore::Writer::~Writer() { Discard(); }

void BlobStore::Writer::Discard() {
  fd_.reset();
  if (!temp_path_.empty()) ::unlink(temp_path_.c_str());
  // Once: a later writer may be handed the same temp name.
  temp_path_.clear();
}

Status BlobStore::Writer::Write(const void* bytes, size_t size) {
  if (spent_) return FailedPrecondition("blob writer is finished (committed or failed)");
  const char* cursor = static_cast<const char*>(bytes);
  while (size > 0) {
    ssize_t n = ::write(fd_.get(), cursor, size);
    if (n < 0) {
      if (errno == EINTR) continue;
      // The hash and the file would disagree from here on: the writer cannot commit.
      spent_ = true;
      return ErrnoStatus("write '" + temp_path_ + "'");
    }
    hasher_.Update(cursor, static_cast<size_t>(n));
    cursor += n;
    size -= static_cast<size_t>(n);
    bytes_written_ += static_cast<uint64_t>(n);
  }
  return OkStatus();
}

StatusOr<std::string> BlobStore::Writer::Commit(std::string_view expected_digest) {
  if (spent_) return FailedPrecondition("blob writer is finished (committed or failed)");
  spent_ = true;  // the hash is final either way
  std::string digest = hasher_.FinishDigest();
  if (!expected_digest.empty() && digest != expected_digest) {
    Discard();
    return InvalidArgument("digest mismatch: expected " + std::string(expected_digest) + ", got " +
                           digest);
  }
  if (::fsync(fd_.get()) != 0) {
    Status failed = ErrnoStatus("fsync '" + temp_path_ + "'");
    Discard();
    return failed;
  }
  fd_.reset();
  // Replacing an identical blob is harmless: readers keep the inode they opened.
  std::string final_path = store_->BlobPath(digest);
  if (::rename(temp_path_.c_str(), final_path.c_str()) != 0) {
    Status failed = ErrnoStatus("rename '" + temp_path_ + "' to '" + final_path + "'");
    Discard();
    return failed;
  }
  temp_path_.clear();  // it is the blob now
  RETURN_IF_ERROR(SyncParentDirectory(final_path));
  return digest;
}

StatusOr<std::unique_ptr<BlobStore::Writer>> BlobStore::NewWriter() {
  std::string temp_path = root_dir_ + "/tmp/blob-XXXXXX";
  UniqueFd fd(::mkostemp(temp_path.data(), O_CLOEXEC));
  if (!fd) return ErrnoStatus("create '" + temp_path + "'");
  // From here the Writer owns the temp file and unlinks it on every path.
  std::unique_ptr<Writer> writer(new Writer(this, temp_path, std::move(fd)));
  if (::fchmod(writer->fd_.get(), 0644) != 0) return ErrnoStatus("chmod '" + temp_path + "'");
  return writer;
}

StatusOr<std::string> BlobStore::WriteBlob(std::string_view content) {
  ASSIGN_OR_RETURN(auto writer, NewWriter());
  RETURN_IF_ERROR(writer->Write(content.data(), content.size()));
  return writer->Commit();
}

std::string BlobStore::BlobPath(std::string_view digest) const {
  return root_dir_ + "/blobs/sha256/" + std::string(digest.substr(7));
}

StatusOr<std::string> BlobStore::ReadBlob(std::string_view digest) const {
  RETURN_IF_ERROR(CheckDigest(digest));
  auto content = ReadFileToString(BlobPath(digest));
  if (!content.ok() && content.status().code() == StatusCode::kNotFound) {
    return NotFound("blob " + std::string(digest) + " is not in the store");
  }
  return content;
}

bool BlobStore::Contains(std::string_view digest) const {
  return IsSha256Digest(digest) && ::access(BlobPath(digest).c_str(), F_OK) == 0;
}

StatusOr<uint64_t> BlobStore::BlobSize(std::string_view digest) const {
  RETURN_IF_ERROR(CheckDigest(digest));
  struct stat st;
  if (::stat(BlobPath(digest).c_str(), &st) != 0)
    return ErrnoStatus("stat blob " + std::string(digest));
  return static_cast<uint64_t>(st.st_size);
}

void BlobStore::Pin(std::string_view digest) {
  std::lock_guard<std::mutex> lock(pins_mutex_);
  pins_.emplace(digest);
}

void BlobStore::Unpin(std::string_view digest) {
  std::lock_guard<std::mutex> lock(pins_mutex_);
  if (auto pin = pins_.find(digest); pin != pins_.end()) pins_.erase(pin);
}

Status BlobStore::Delete(std::string_view digest) {
  RETURN_IF_ERROR(CheckDigest(digest));
  std::lock_guard<std::mutex> lock(pins_mutex_);
  if (pins_.count(digest) != 0) return OkStatus();  // an import in flight still needs it
  if (::unlink(BlobPath(digest).c_str()) != 0 && errno != ENOENT) {
    return ErrnoStatus("delete blob " + std::string(digest));
  }
  return OkStatus();
}

std::vector<std::string> BlobStore::ListDigests() const {
  std::vector<std::string> digests;
  std::unique_ptr<DIR, int (*)(DIR*)> dir(::opendir((root_dir_ + "/blobs/sha256").c_str()),
                                          ::closedir);
  if (!dir) return digests;
  while (struct dirent* entry = ::readdir(dir.get())) {
    std::string digest = "sha256:" + std::string(entry->d_name);
    if (IsSha256Digest(digest)) digests.push_back(digest);
  }
  std::sort(digests.begin(), digests.end());
  return digests;
}

Status BlobStore::RemoveTempFiles() {
  std::string temp_dir = root_dir_ + "/tmp";
  std::unique_ptr<DIR, int (*)(DIR*)> dir(::opendir(temp_dir.c_str()), ::closedir);
  if (!dir) {
    if (errno == ENOENT) return OkStatus();
    return ErrnoStatus("open directory '" + temp_dir + "'");
  }
  Status result;
  while (struct dirent* entry = ::readdir(dir.get())) {
    std::string name = entry->d_name;
    if (name.rfind("blob-", 0) != 0) continue;
    std::string path = temp_dir + "/" + name;
    // Keep going past a failure: one stuck file should not keep the others.
    if (::unlink(path.c_str()) != 0 && errno != ENOENT && result.ok()) {
      result = ErrnoStatus("remove temp blob '" + path + "'");
    }
  }
  return result;
}

}  // namespace boxcar
