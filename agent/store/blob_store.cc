#include "store/blob_store.h"

#include <dirent.h>
#include <fcntl.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cstring>
#include <system_error>

#include "common/atomic_file.h"
#include "common/delay_points.h"
#include "common/directory_tree.h"

namespace boxcar {

namespace {

// Bytes staged before a write, and the alignment of O_DIRECT buffers, offsets and lengths (a
// page: at least any disk's logical block).
constexpr size_t kStagingSize = 1 << 20;
constexpr size_t kDirectAlignment = 4096;
// Blocks of a writer in flight at once (one filling, the others queued or being flushed),
// besides those it lends.
constexpr size_t kBlocksInFlight = 4;
// Free blocks the pool keeps while writers are at work, and once they are all gone (the
// blocks of a pull of a few layers: the next pull finds them mapped, not to fault in again).
constexpr size_t kPooledBlocks = 64;
constexpr size_t kIdleBlocks = 32;

Status CheckDigest(std::string_view digest) {
  if (!IsSha256Digest(digest)) {
    return InvalidArgument("digest '" + std::string(digest) +
                           "' is not sha256:<64 lower-case hex>");
  }
  return OkStatus();
}

}  // namespace

void BlobStore::Writer::UnmapBlock::operator()(char* block) const { ::munmap(block, kStagingSize); }

// Free blocks all writers share, one pool for the agent's life. Past kIdleBlocks, blocks go
// back to the system when no writer is left; the kept ones are marked MADV_FREE meanwhile, so
// the kernel may still take their pages under memory pressure (a block it took faults in
// again), and a block it did not take needs no fault at all.
class BlobStore::Writer::BlockPool {
 public:
  // Never destroyed: lent blocks may come back from other threads until the process ends.
  static BlockPool& Get() {
    static auto* pool = new BlockPool;
    return *pool;
  }

  void WriterStarted() {
    std::lock_guard<std::mutex> lock(mutex_);
    ++writers_;
  }

  void WriterDone() {
    std::lock_guard<std::mutex> lock(mutex_);
    if (--writers_ > 0) return;
    while (free_.size() > kIdleBlocks) free_.pop_back();
    for (const Block& block : free_) (void)::madvise(block.get(), kStagingSize, MADV_FREE);
  }

  // Null when out of memory.
  Block Take() {
    {
      std::lock_guard<std::mutex> lock(mutex_);
      if (!free_.empty()) {
        Block block = std::move(free_.back());
        free_.pop_back();
        return block;
      }
    }
    void* block = ::mmap(nullptr, kStagingSize, PROT_READ | PROT_WRITE,
                         MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    return Block(block == MAP_FAILED ? nullptr : static_cast<char*>(block));
  }

  void Give(Block block) {
    if (!block) return;
    std::lock_guard<std::mutex> lock(mutex_);
    if (writers_ == 0) {
      // A lent block back after its writer: the pool is idle.
      if (free_.size() >= kIdleBlocks) return;
      (void)::madvise(block.get(), kStagingSize, MADV_FREE);
    }
    if (free_.size() < kPooledBlocks) free_.push_back(std::move(block));
  }

 private:
  std::mutex mutex_;
  std::vector<Block> free_;
  size_t writers_ = 0;
};

// The blocks one writer has out (staged, queued, being written or lent) and may have.
struct BlobStore::Writer::BlockBudget {
  std::mutex mutex;
  std::condition_variable returned;
  size_t out = 0;
  size_t limit = kBlocksInFlight;

  // A block back to the pool, from the writer or from the last holder of a lent one.
  static void Return(const std::shared_ptr<BlockBudget>& budget, Block block) {
    BlockPool::Get().Give(std::move(block));
    {
      std::lock_guard<std::mutex> lock(budget->mutex);
      --budget->out;
    }
    budget->returned.notify_all();
  }
};

StatusOr<std::unique_ptr<BlobStore>> BlobStore::Open(const std::string& root_dir) {
  RETURN_IF_ERROR(MakeDirectories(root_dir + "/blobs/sha256", 0700));
  RETURN_IF_ERROR(MakeDirectories(root_dir + "/tmp", 0700));
  return std::unique_ptr<BlobStore>(new BlobStore(root_dir));
}

BlobStore::Writer::Writer(BlobStore* store, std::string temp_path, UniqueFd fd, bool direct)
    : store_(store),
      temp_path_(std::move(temp_path)),
      fd_(std::move(fd)),
      direct_(direct),
      budget_(std::make_shared<BlockBudget>()) {
  BlockPool::Get().WriterStarted();
  staging_ = TakeBlock();
}

BlobStore::Writer::~Writer() {
  Discard();
  BlockPool::Get().Give(std::move(staging_));
  BlockPool::Get().WriterDone();  // its lent blocks may come back later
}

void BlobStore::Writer::LendBlocks(LentBlockSink sink, size_t max_lent_bytes) {
  sink_ = std::move(sink);
  std::lock_guard<std::mutex> lock(budget_->mutex);
  budget_->limit = kBlocksInFlight + (max_lent_bytes + kStagingSize - 1) / kStagingSize;
}

BlobStore::Writer::Block BlobStore::Writer::TakeBlock() {
  {
    // Blocks always come back: the flusher writes (or, after a failure, skips) every queued
    // block, and a lent one goes when its reader is done or gone.
    std::unique_lock<std::mutex> lock(budget_->mutex);
    budget_->returned.wait(lock, [&] { return budget_->out < budget_->limit; });
    ++budget_->out;
  }
  Block block = BlockPool::Get().Take();
  if (!block) BlockBudget::Return(budget_, nullptr);
  return block;
}

LentBlock BlobStore::Writer::ShareBlock(Block block, size_t size) {
  char* raw = block.release();
  LentBlock shared(new std::string_view(raw, size),
                   [budget = budget_, raw](const std::string_view* view) {
                     delete view;
                     BlockBudget::Return(budget, Block(raw));
                   });
  if (sink_ && size > 0) sink_(shared);
  return shared;
}

void BlobStore::Writer::Discard() {
  (void)StopFlusher(/*drain=*/false);
  fd_.reset();
  if (!temp_path_.empty()) ::unlink(temp_path_.c_str());
  // Once: a later writer may be handed the same temp name.
  temp_path_.clear();
}

Status BlobStore::Writer::Write(const void* bytes, size_t size) {
  if (spent_) return FailedPrecondition("blob writer is finished (committed or failed)");
  if (!staging_) {
    spent_ = true;
    return ResourceExhausted("blob writer: no memory for its write buffer");
  }
  bytes_written_ += size;
  const char* cursor = static_cast<const char*>(bytes);
  while (size > 0) {
    size_t n = std::min(size, kStagingSize - staged_);
    std::memcpy(staging_.get() + staged_, cursor, n);
    staged_ += n;
    cursor += n;
    size -= n;
    if (staged_ == kStagingSize) {
      if (Status handed = HandOff(/*final_block=*/false); !handed.ok()) {
        // The hash and the file would disagree from here on: the writer cannot commit.
        spent_ = true;
        return handed;
      }
    }
  }
  return OkStatus();
}

Status BlobStore::Writer::HandOff(bool final_block) {
  bool inline_flush = false;
  if (!flusher_.joinable()) {
    inline_flush = final_block;  // a small blob
    if (!inline_flush) {
      try {
        flusher_ = std::thread([this] { FlushLoop(); });
      } catch (const std::system_error&) {
        inline_flush = true;  // no thread
      }
    }
  }
  {
    std::lock_guard<std::mutex> lock(flush_mutex_);
    if (!flush_status_.ok()) return flush_status_;
  }
  LentBlock bytes = ShareBlock(std::move(staging_), staged_);
  staged_ = 0;
  if (inline_flush) {
    RETURN_IF_ERROR(FlushBlock(bytes->data(), bytes->size(), final_block));
  } else {
    {
      std::lock_guard<std::mutex> lock(flush_mutex_);
      full_blocks_.push_back({std::move(bytes), final_block});
    }
    flush_changed_.notify_all();
  }
  if (final_block) return OkStatus();
  bytes.reset();  // an inline flush is done with it
  staging_ = TakeBlock();
  if (!staging_) return ResourceExhausted("blob writer: no memory for its write buffer");
  std::lock_guard<std::mutex> lock(flush_mutex_);
  return flush_status_;
}

void BlobStore::Writer::FlushLoop() {
  std::unique_lock<std::mutex> lock(flush_mutex_);
  for (;;) {
    flush_changed_.wait(lock, [&] { return flusher_stopping_ || !full_blocks_.empty(); });
    if (full_blocks_.empty() || (flusher_stopping_ && !flusher_draining_)) return;
    FullBlock next = std::move(full_blocks_.front());
    full_blocks_.pop_front();
    const bool failed_before = !flush_status_.ok();
    lock.unlock();
    Status flushed = failed_before
                         ? OkStatus()
                         : FlushBlock(next.bytes->data(), next.bytes->size(), next.final);
    next.bytes.reset();  // back to the pool, unless a reader still has it
    lock.lock();
    if (!flushed.ok() && flush_status_.ok()) flush_status_ = flushed;
  }
}

Status BlobStore::Writer::StopFlusher(bool drain) {
  if (flusher_.joinable()) {
    {
      std::lock_guard<std::mutex> lock(flush_mutex_);
      flusher_stopping_ = true;
      flusher_draining_ = drain;
    }
    flush_changed_.notify_all();
    flusher_.join();
  }
  std::lock_guard<std::mutex> lock(flush_mutex_);
  return flush_status_;
}

Status BlobStore::Writer::FlushBlock(const char* data, size_t size, bool final_block) {
  hasher_.Update(data, size);
  size_t length = size;
  if (direct_ && final_block && length % kDirectAlignment != 0) {
    // Blocks are kStagingSize long and aligned: the padding fits. Commit truncates it away.
    size_t padded = (length / kDirectAlignment + 1) * kDirectAlignment;
    std::memset(const_cast<char*>(data) + length, 0, padded - length);
    length = padded;
  }
  const char* cursor = data;
  while (length > 0) {
    ssize_t n = ::write(fd_.get(), cursor, length);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0 && errno == EINVAL && direct_) {
      // The file system took O_DIRECT at open but not this write: buffered from here on.
      int flags = ::fcntl(fd_.get(), F_GETFL);
      if (flags >= 0 && ::fcntl(fd_.get(), F_SETFL, flags & ~O_DIRECT) == 0) {
        direct_ = false;
        continue;
      }
    }
    if (n < 0) return ErrnoStatus("write '" + temp_path_ + "'");
    cursor += n;
    length -= static_cast<size_t>(n);
  }
  return OkStatus();
}

StatusOr<std::string> BlobStore::Writer::Commit(std::string_view expected_digest) {
  return CommitAndMaybePin(expected_digest, /*pin=*/false);
}

StatusOr<std::string> BlobStore::Writer::CommitPinned(std::string_view expected_digest) {
  return CommitAndMaybePin(expected_digest, /*pin=*/true);
}

StatusOr<std::string> BlobStore::Writer::CommitAndMaybePin(std::string_view expected_digest,
                                                           bool pin) {
  if (spent_) return FailedPrecondition("blob writer is finished (committed or failed)");
  spent_ = true;  // the hash is final either way
  if (!staging_) return ResourceExhausted("blob writer: no memory for its write buffer");
  Status written = HandOff(/*final_block=*/true);
  Status flushed = StopFlusher(/*drain=*/true);
  if (written.ok()) written = flushed;
  if (!written.ok()) {
    Discard();
    return written;
  }
  std::string digest = hasher_.FinishDigest();
  if (!expected_digest.empty() && digest != expected_digest) {
    Discard();
    return InvalidArgument("digest mismatch: expected " + std::string(expected_digest) + ", got " +
                           digest);
  }
  // The padding of the last direct block goes; fsync makes the size and the data durable.
  struct stat st;
  if (::fstat(fd_.get(), &st) != 0 ||
      (static_cast<uint64_t>(st.st_size) != bytes_written_ &&
       ::ftruncate(fd_.get(), static_cast<off_t>(bytes_written_)) != 0) ||
      ::fsync(fd_.get()) != 0) {
    Status failed = ErrnoStatus("truncate and fsync '" + temp_path_ + "'");
    Discard();
    return failed;
  }
  fd_.reset();
  if (pin) store_->Pin(digest);
  // Replacing an identical blob is harmless: readers keep the inode they opened.
  std::string final_path = store_->BlobPath(digest);
  if (::rename(temp_path_.c_str(), final_path.c_str()) != 0) {
    Status failed = ErrnoStatus("rename '" + temp_path_ + "' to '" + final_path + "'");
    if (pin) store_->Unpin(digest);
    Discard();
    return failed;
  }
  temp_path_.clear();  // it is the blob now
  // A test widens the window between the rename and the caller (DelayPoint's comment).
  DelayPoint("blob.after_rename");
  if (Status synced = SyncParentDirectory(final_path); !synced.ok()) {
    if (pin) store_->Unpin(digest);
    return synced;
  }
  return digest;
}

StatusOr<std::unique_ptr<BlobStore::Writer>> BlobStore::NewWriter() {
  std::string temp_path = root_dir_ + "/tmp/blob-XXXXXX";
  UniqueFd fd(::mkostemp(temp_path.data(), O_CLOEXEC));
  if (!fd) return ErrnoStatus("create '" + temp_path + "'");
  // Without O_DIRECT where the file system refuses it.
  int flags = ::fcntl(fd.get(), F_GETFL);
  bool direct = flags >= 0 && ::fcntl(fd.get(), F_SETFL, flags | O_DIRECT) == 0;
  // From here the Writer owns the temp file and unlinks it on every path.
  std::unique_ptr<Writer> writer(new Writer(this, temp_path, std::move(fd), direct));
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
