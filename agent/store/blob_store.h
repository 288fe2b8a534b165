// Content-addressed, immutable blobs: <root>/blobs/sha256/<hex>. Written to <root>/tmp while
// hashed, verified, fsynced and renamed into place, so a blob is complete or absent.
//
// Blobs are written with O_DIRECT where the file system takes it (1 MiB aligned blocks, the
// last one padded and the file truncated back): a blob is read rarely (export, check), and
// copying hundreds of megabytes into the page cache cost an import more CPU than hashing them
// and writing them to the disk (tests/bench/RESULTS.md). Elsewhere (tmpfs) writes are buffered.
#pragma once

#include <condition_variable>
#include <cstdint>
#include <cstdlib>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <set>
#include <string>
#include <string_view>
#include <thread>
#include <utility>
#include <vector>

#include "common/sha256.h"
#include "common/status.h"
#include "common/unique_fd.h"

namespace boxcar {

// A block of a blob being written, lent to a reader of the blob's bytes as they arrive
// (BlobStore::Writer::LendBlocks): it goes back to its writer when the last reference goes.
using LentBlock = std::shared_ptr<const std::string_view>;
// Takes lent blocks, in order, on the writing thread, as each fills (before it is hashed and
// written). It may outlive the writer.
using LentBlockSink = std::function<void(LentBlock)>;

class BlobStore {
 public:
  static StatusOr<std::unique_ptr<BlobStore>> Open(const std::string& root_dir);

  // A blob being written, hashed as it goes; dropped without a successful Commit() it leaves
  // nothing behind. The store must outlive its writers. After a failed Write() or Commit()
  // the writer is spent: further calls return kFailedPrecondition.
  class Writer {
   public:
    ~Writer();
    Writer(const Writer&) = delete;
    Writer& operator=(const Writer&) = delete;

    Status Write(const void* bytes, size_t size);
    uint64_t bytes_written() const { return bytes_written_; }
    // Hands each block, as soon as it fills (before it is hashed and written), to `sink`
    // instead of reusing it at once: a reader of the blob as it arrives (an early unpack) reads
    // the bytes in place, where it needed a copy of its own. Its blocks out (lent, staged, queued, being written) are at most
    // `max_lent_bytes` plus 4 MiB: Write waits for lent ones to come back meanwhile. Call before
    // the first Write.
    void LendBlocks(LentBlockSink sink, size_t max_lent_bytes);
    // Verifies `expected_digest` when non-empty (kInvalidArgument "digest mismatch: expected X,
    // got Y"), fsyncs, renames into place (an existing identical blob is fine), fsyncs the
    // directory and returns "sha256:<hex>".
    StatusOr<std::string> Commit(std::string_view expected_digest = "");
    // Commit for an import: the blob is pinned (Pin) before it appears under its name, so that
    // another import's clean-up cannot delete it between the rename and a pin by the caller
    // (six imports of one archive once lost its manifest that way). The caller Unpins it.
    StatusOr<std::string> CommitPinned(std::string_view expected_digest = "");

   private:
    friend class BlobStore;
    struct UnmapBlock {
      void operator()(char* block) const;
    };
    using Block = std::unique_ptr<char, UnmapBlock>;
    // A filled block on its way to the flusher; `bytes` goes back to the pool when the flusher
    // and any reader it was lent to are done with it.
    struct FullBlock {
      LentBlock bytes;
      bool final;
    };
    class BlockPool;
    struct BlockBudget;
    Writer(BlobStore* store, std::string temp_path, UniqueFd fd, bool direct);
    StatusOr<std::string> CommitAndMaybePin(std::string_view expected_digest, bool pin);
    // Closes and unlinks the temp file, once.
    void Discard();
    // Hands the staged block to the flusher (the last one of a small blob is flushed here)
    // and takes an empty one, waiting while every block is in flight.
    Status HandOff(bool final_block);
    // Hashes a block and writes it; a final block of a direct writer is padded.
    Status FlushBlock(const char* data, size_t size, bool final_block);
    // A block for staging, waiting while the writer has as many out as its budget allows.
    Block TakeBlock();
    // The `size` bytes staged in `block`, shared from here on (and lent to the sink if any).
    LentBlock ShareBlock(Block block, size_t size);
    // The flusher thread: full blocks in order, until stopped with nothing left.
    void FlushLoop();
    // Joins the flusher; `drain`: after it has written every handed block. Its first failure.
    Status StopFlusher(bool drain);

    BlobStore* store_;
    std::string temp_path_;  // empty once committed or discarded
    UniqueFd fd_;
    bool direct_;    // O_DIRECT: every write a multiple of kDirectAlignment from a block
    Block staging_;  // the block Write fills
    size_t staged_ = 0;
    // Blobs larger than a block: full blocks are hashed and written by flusher_ while Write
    // fills the next one (hashing and writing were most of an import's reading thread).
    std::thread flusher_;
    std::mutex flush_mutex_;
    std::condition_variable flush_changed_;
    std::deque<FullBlock> full_blocks_;  // handed to the flusher, in order
    // Blocks come from, and go back to, one pool all writers share for the agent's life (a
    // block is a fresh mapping to fault in otherwise); the budget counts this writer's, lent
    // ones included.
    std::shared_ptr<BlockBudget> budget_;
    LentBlockSink sink_;
    bool flusher_stopping_ = false;
    bool flusher_draining_ = false;
    Status flush_status_;
    Sha256 hasher_;  // the flusher's while it runs
    uint64_t bytes_written_ = 0;
    bool spent_ = false;  // a Write or Commit failed, or Commit succeeded
  };

  StatusOr<std::unique_ptr<Writer>> NewWriter();
  // Small blobs (configs, manifests) in one call.
  StatusOr<std::string> WriteBlob(std::string_view content);
  // kInvalidArgument for a malformed digest, kNotFound when absent.
  StatusOr<std::string> ReadBlob(std::string_view digest) const;
  // Path of a blob; `digest` must satisfy IsSha256Digest.
  std::string BlobPath(std::string_view digest) const;
  // False for a malformed digest.
  bool Contains(std::string_view digest) const;
  StatusOr<uint64_t> BlobSize(std::string_view digest) const;
  // A missing blob is not an error; a pinned one is left in place.
  Status Delete(std::string_view digest);
  // An import in flight pins each blob it stores until it ends: another import of the same
  // content cleaning up, a prune or an image removal then cannot delete it from under it.
  // Pins count: a blob stays pinned until every Pin has its Unpin.
  void Pin(std::string_view digest);
  void Unpin(std::string_view digest);
  // Sorted.
  std::vector<std::string> ListDigests() const;
  // Called at start-up: clears the temp files a crash left in <root>/tmp. Only "blob-*": the
  // image store keeps its unpack directories in the same tmp dir.
  Status RemoveTempFiles();

 private:
  explicit BlobStore(std::string root_dir) : root_dir_(std::move(root_dir)) {}
  std::string root_dir_;
  std::mutex pins_mutex_;
  std::multiset<std::string, std::less<>> pins_;
};

}  // namespace boxcar
