// BlobStore: content-addressed blobs under <root>/blobs/sha256, written through <root>/tmp.
#include "store/blob_store.h"

#include <dirent.h>
#include <gtest/gtest.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "common/atomic_file.h"
#include "common/directory_tree.h"
#include "common/sha256.h"
#include "../temp_dir.h"

namespace boxcar {
namespace {

constexpr const char* kHelloWorldDigest =
    "sha256:b94d27b9934d3e08a52e52d7da7dabfac484efe37a5380ee9088f7ace2efcde9";
constexpr const char* kEmptyDigest =
    "sha256:e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";

std::vector<std::string> ListNames(const std::string& path) { return ListDirectoryNames(path); }

bool IsDirectory(const std::string& path) {
  struct stat st;
  return ::lstat(path.c_str(), &st) == 0 && S_ISDIR(st.st_mode);
}

bool Exists(const std::string& path) {
  struct stat st;
  return ::lstat(path.c_str(), &st) == 0;
}

class BlobStoreTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_NO_FATAL_FAILURE(MakeTempDir("/tmp/boxcar-blob-test-XXXXXX", &dir_));
    root_ = dir_ + "/store";
    auto store = BlobStore::Open(root_);
    ASSERT_TRUE(store.ok()) << store.status().message();
    store_ = std::move(*store);
  }
  void TearDown() override {
    store_.reset();
    if (!dir_.empty()) {
      EXPECT_TRUE(RemoveTree(dir_).ok());
    }
  }

  std::vector<std::string> TempNames() const { return ListNames(root_ + "/tmp"); }

  std::string dir_;
  std::string root_;
  std::unique_ptr<BlobStore> store_;
};

TEST_F(BlobStoreTest, OpenCreatesTheDirectories) {
  std::string nested = dir_ + "/a/b/c";
  ASSERT_FALSE(Exists(nested));
  auto store = BlobStore::Open(nested);
  ASSERT_TRUE(store.ok()) << store.status().message();
  EXPECT_TRUE(IsDirectory(nested + "/blobs/sha256"));
  EXPECT_TRUE(IsDirectory(nested + "/tmp"));
  EXPECT_TRUE((*store)->ListDigests().empty());
  // Opening again over the existing layout is fine.
  EXPECT_TRUE(BlobStore::Open(nested).ok());
}

TEST_F(BlobStoreTest, OpenFailsWhenTheRootIsAFile) {
  std::string file = dir_ + "/plain-file";
  ASSERT_TRUE(WriteFileAtomically(file, "x").ok());
  EXPECT_FALSE(BlobStore::Open(file).ok());
}

TEST_F(BlobStoreTest, WriterCommitReturnsTheDigestAndStoresTheContent) {
  auto writer = store_->NewWriter();
  ASSERT_TRUE(writer.ok()) << writer.status().message();
  ASSERT_TRUE((*writer)->Write("hello ", 6).ok());
  ASSERT_TRUE((*writer)->Write("world", 5).ok());
  EXPECT_EQ((*writer)->bytes_written(), 11u);
  auto digest = (*writer)->Commit();
  ASSERT_TRUE(digest.ok()) << digest.status().message();
  EXPECT_EQ(*digest, kHelloWorldDigest);
  EXPECT_EQ(*digest, Sha256Digest("hello world"));

  EXPECT_TRUE(store_->Contains(*digest));
  EXPECT_EQ(store_->BlobPath(*digest), root_ + "/blobs/sha256/" + std::string(*digest).substr(7));
  auto on_disk = ReadFileToString(store_->BlobPath(*digest));
  ASSERT_TRUE(on_disk.ok());
  EXPECT_EQ(*on_disk, "hello world");
  auto content = store_->ReadBlob(*digest);
  ASSERT_TRUE(content.ok()) << content.status().message();
  EXPECT_EQ(*content, "hello world");
  auto size = store_->BlobSize(*digest);
  ASSERT_TRUE(size.ok());
  EXPECT_EQ(*size, 11u);

  writer->reset();
  EXPECT_TRUE(TempNames().empty());
  // The committed blob outlives its writer.
  EXPECT_TRUE(store_->Contains(*digest));
}

TEST_F(BlobStoreTest, CommitWithTheRightExpectedDigestSucceeds) {
  auto writer = store_->NewWriter();
  ASSERT_TRUE(writer.ok());
  ASSERT_TRUE((*writer)->Write("hello world", 11).ok());
  auto digest = (*writer)->Commit(kHelloWorldDigest);
  ASSERT_TRUE(digest.ok()) << digest.status().message();
  EXPECT_EQ(*digest, kHelloWorldDigest);
  EXPECT_TRUE(store_->Contains(kHelloWorldDigest));
}

TEST_F(BlobStoreTest, CommitWithAWrongExpectedDigestLeavesNothing) {
  auto writer = store_->NewWriter();
  ASSERT_TRUE(writer.ok());
  ASSERT_TRUE((*writer)->Write("hello world", 11).ok());
  auto digest = (*writer)->Commit(kEmptyDigest);
  ASSERT_FALSE(digest.ok());
  EXPECT_EQ(digest.status().code(), StatusCode::kInvalidArgument);
  EXPECT_NE(digest.status().message().find(kEmptyDigest), std::string::npos)
      << digest.status().message();
  EXPECT_NE(digest.status().message().find(kHelloWorldDigest), std::string::npos)
      << digest.status().message();
  EXPECT_FALSE(store_->Contains(kHelloWorldDigest));
  EXPECT_FALSE(store_->Contains(kEmptyDigest));
  // The temp file goes with the failed commit, not only with the writer.
  EXPECT_TRUE(TempNames().empty());
  EXPECT_TRUE(store_->ListDigests().empty());
  // The writer is spent: no retry that would hash a finished digest.
  EXPECT_EQ((*writer)->Commit().status().code(), StatusCode::kFailedPrecondition);
  EXPECT_EQ((*writer)->Write("x", 1).code(), StatusCode::kFailedPrecondition);
  writer->reset();
  EXPECT_TRUE(TempNames().empty());
  EXPECT_FALSE(store_->Contains(kHelloWorldDigest));
}

TEST_F(BlobStoreTest, CommittingAnExistingBlobAgainIsFine) {
  auto first = store_->WriteBlob("hello world");
  ASSERT_TRUE(first.ok()) << first.status().message();
  auto writer = store_->NewWriter();
  ASSERT_TRUE(writer.ok());
  ASSERT_TRUE((*writer)->Write("hello world", 11).ok());
  auto second = (*writer)->Commit(kHelloWorldDigest);
  ASSERT_TRUE(second.ok()) << second.status().message();
  EXPECT_EQ(*second, *first);
  EXPECT_EQ(store_->ListDigests(), std::vector<std::string>{kHelloWorldDigest});
  auto content = store_->ReadBlob(kHelloWorldDigest);
  ASSERT_TRUE(content.ok());
  EXPECT_EQ(*content, "hello world");
  writer->reset();
  EXPECT_TRUE(TempNames().empty());
}

TEST_F(BlobStoreTest, LargeStreamedBlobMatchesItsDigest) {
  std::string content;
  for (int i = 0; content.size() < (3 << 20); ++i) content += std::to_string(i) + ",";
  auto writer = store_->NewWriter();
  ASSERT_TRUE(writer.ok());
  for (size_t offset = 0; offset < content.size(); offset += 65521) {
    size_t size = std::min<size_t>(65521, content.size() - offset);
    ASSERT_TRUE((*writer)->Write(content.data() + offset, size).ok());
  }
  EXPECT_EQ((*writer)->bytes_written(), content.size());
  auto digest = (*writer)->Commit(Sha256Digest(content));
  ASSERT_TRUE(digest.ok()) << digest.status().message();
  auto size = store_->BlobSize(*digest);
  ASSERT_TRUE(size.ok());
  EXPECT_EQ(*size, content.size());
  auto stored = ReadFileToString(store_->BlobPath(*digest));
  ASSERT_TRUE(stored.ok());
  EXPECT_TRUE(*stored == content);
}

// Blobs are written in aligned 1 MiB blocks (O_DIRECT on this file system), the last one padded
// and the file cut back: every size around a block or page boundary keeps exactly its bytes.
TEST_F(BlobStoreTest, BlobsOfEverySizeAroundTheWriteBlocksKeepExactlyTheirBytes) {
  constexpr size_t kMiB = 1 << 20;
  for (size_t size : {size_t{0}, size_t{1}, size_t{4095}, size_t{4096}, size_t{4097}, kMiB - 1,
                      kMiB, kMiB + 1, 2 * kMiB + 4097}) {
    std::string content(size, '\0');
    for (size_t i = 0; i < size; ++i) content[i] = static_cast<char>('a' + (i * 7 + i / 4096) % 26);
    auto writer = store_->NewWriter();
    ASSERT_TRUE(writer.ok());
    for (size_t offset = 0; offset < size; offset += 7919) {
      ASSERT_TRUE(
          (*writer)->Write(content.data() + offset, std::min<size_t>(7919, size - offset)).ok());
    }
    auto digest = (*writer)->Commit(Sha256Digest(content));
    ASSERT_TRUE(digest.ok()) << size << ": " << digest.status().message();
    auto stored = ReadFileToString(store_->BlobPath(*digest));
    ASSERT_TRUE(stored.ok()) << size;
    EXPECT_EQ(stored->size(), size);
    EXPECT_TRUE(*stored == content) << size;
  }
  EXPECT_TRUE(TempNames().empty());
}

// Blocks beyond the first are hashed and written by a flusher thread: a large blob with the
// wrong digest, and one dropped halfway with blocks in flight, leave nothing behind.
TEST_F(BlobStoreTest, LargeBlobsWithAWrongDigestOrDroppedHalfwayLeaveNothing) {
  std::string content(5 << 20, 'z');
  {
    auto writer = store_->NewWriter();
    ASSERT_TRUE(writer.ok());
    ASSERT_TRUE((*writer)->Write(content.data(), content.size()).ok());
    auto digest = (*writer)->Commit(std::string("sha256:") + std::string(64, '0'));
    ASSERT_FALSE(digest.ok());
    EXPECT_NE(digest.status().message().find("digest mismatch"), std::string::npos);
    EXPECT_FALSE((*writer)->Write("x", 1).ok()) << "spent after a failed commit";
  }
  {
    auto writer = store_->NewWriter();
    ASSERT_TRUE(writer.ok());
    ASSERT_TRUE((*writer)->Write(content.data(), content.size()).ok());
  }  // dropped without Commit
  EXPECT_TRUE(TempNames().empty());
  EXPECT_TRUE(store_->ListDigests().empty());
}

// A writer that lends its blocks (to an early unpack) hands over every byte once, in order,
// in blocks the reader may keep past the writer's end, and stores the blob as before.
TEST_F(BlobStoreTest, LentBlocksCarryTheBlobInOrderAndOutliveTheWriter) {
  constexpr size_t kMiB = 1 << 20;
  for (size_t size : {size_t{1}, kMiB - 1, kMiB, 3 * kMiB + 4097}) {
    std::string content(size, '\0');
    for (size_t i = 0; i < size; ++i) content[i] = static_cast<char>('a' + (i * 13 + i / 999) % 26);
    std::mutex mutex;
    std::vector<LentBlock> lent;
    auto writer = store_->NewWriter();
    ASSERT_TRUE(writer.ok());
    (*writer)->LendBlocks(
        [&](LentBlock block) {
          std::lock_guard<std::mutex> lock(mutex);
          lent.push_back(std::move(block));
        },
        8 * kMiB);
    for (size_t offset = 0; offset < size; offset += 7919) {
      ASSERT_TRUE(
          (*writer)->Write(content.data() + offset, std::min<size_t>(7919, size - offset)).ok());
    }
    auto digest = (*writer)->Commit(Sha256Digest(content));
    ASSERT_TRUE(digest.ok()) << size << ": " << digest.status().message();
    writer->reset();  // the blocks stay the reader's
    std::string received;
    for (const auto& block : lent) received.append(*block);
    EXPECT_EQ(received.size(), size);
    EXPECT_TRUE(received == content) << size;
    auto stored = ReadFileToString(store_->BlobPath(*digest));
    ASSERT_TRUE(stored.ok());
    EXPECT_TRUE(*stored == content) << size;
  }
  EXPECT_TRUE(TempNames().empty());
}

// The blocks a reader holds count against the writer: it waits for them to come back before
// running further ahead (the unpacker holds the download back), and goes on when they do.
TEST_F(BlobStoreTest, AWriterWaitsForItsLentBlocksToComeBack) {
  constexpr size_t kMiB = 1 << 20;
  const std::string content(16 * kMiB, 'q');
  std::mutex mutex;
  std::vector<LentBlock> held;
  std::atomic<bool> hold{true};
  std::atomic<size_t> received{0};
  auto writer = store_->NewWriter();
  ASSERT_TRUE(writer.ok());
  (*writer)->LendBlocks(
      [&](LentBlock block) {
        received += block->size();
        std::lock_guard<std::mutex> lock(mutex);
        if (hold) held.push_back(std::move(block));
      },
      2 * kMiB);
  std::atomic<size_t> written{0};
  std::thread write([&] {
    for (size_t offset = 0; offset < content.size(); offset += kMiB / 4) {
      ASSERT_TRUE((*writer)->Write(content.data() + offset, kMiB / 4).ok());
      written += kMiB / 4;
    }
  });
  std::this_thread::sleep_for(std::chrono::milliseconds(300));
  {
    std::lock_guard<std::mutex> lock(mutex);
    // The 2 MiB lent and the writer's own 4 blocks, all of which it may have lent by now; the
    // one Write fills is not written yet.
    EXPECT_LE(held.size(), 6u);
    EXPECT_LE(written.load(), 7 * kMiB) << "the writer ran past its lent blocks";
    hold = false;
    held.clear();
  }
  write.join();
  auto digest = (*writer)->Commit(Sha256Digest(content));
  ASSERT_TRUE(digest.ok()) << digest.status().message();
  EXPECT_EQ(received.load(), content.size());
}

TEST_F(BlobStoreTest, BlobsAreReadOnlyForOthers) {
  auto digest = store_->WriteBlob("mode");
  ASSERT_TRUE(digest.ok());
  struct stat st;
  ASSERT_EQ(::stat(store_->BlobPath(*digest).c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0644u);
}

TEST_F(BlobStoreTest, CommitTwiceAndWriteAfterCommitAreRefused) {
  auto writer = store_->NewWriter();
  ASSERT_TRUE(writer.ok());
  ASSERT_TRUE((*writer)->Write("x", 1).ok());
  ASSERT_TRUE((*writer)->Commit().ok());
  EXPECT_EQ((*writer)->Commit().status().code(), StatusCode::kFailedPrecondition);
  EXPECT_EQ((*writer)->Write("y", 1).code(), StatusCode::kFailedPrecondition);
  auto content = store_->ReadBlob(Sha256Digest("x"));
  ASSERT_TRUE(content.ok());
  EXPECT_EQ(*content, "x");
}

TEST_F(BlobStoreTest, DroppedWriterLeavesTmpEmpty) {
  {
    auto writer = store_->NewWriter();
    ASSERT_TRUE(writer.ok());
    ASSERT_TRUE((*writer)->Write("abandoned", 9).ok());
    std::vector<std::string> temp = TempNames();
    ASSERT_EQ(temp.size(), 1u);
    EXPECT_EQ(temp[0].rfind("blob-", 0), 0u) << temp[0];
  }
  EXPECT_TRUE(TempNames().empty());
  EXPECT_TRUE(store_->ListDigests().empty());
  EXPECT_FALSE(store_->Contains(Sha256Digest("abandoned")));
}

TEST_F(BlobStoreTest, ReadBlobOfAnUnknownDigestIsNotFound) {
  auto content = store_->ReadBlob(kHelloWorldDigest);
  ASSERT_FALSE(content.ok());
  EXPECT_EQ(content.status().code(), StatusCode::kNotFound);
  EXPECT_NE(content.status().message().find(kHelloWorldDigest), std::string::npos);
  EXPECT_EQ(store_->BlobSize(kHelloWorldDigest).status().code(), StatusCode::kNotFound);
  EXPECT_FALSE(store_->Contains(kHelloWorldDigest));
}

TEST_F(BlobStoreTest, MalformedDigestsAreInvalidArguments) {
  const std::string upper =
      "sha256:B94D27B9934D3E08A52E52D7DA7DABFAC484EFE37A5380EE9088F7ACE2EFCDE9";
  for (const std::string& bad :
       {std::string("sha256:xyz"), std::string("xyz"), std::string(""), upper,
        std::string("sha256:../../../../etc/passwd"), std::string(kHelloWorldDigest).substr(7)}) {
    auto content = store_->ReadBlob(bad);
    ASSERT_FALSE(content.ok()) << bad;
    EXPECT_EQ(content.status().code(), StatusCode::kInvalidArgument) << bad;
    EXPECT_NE(content.status().message().find("'" + bad + "'"), std::string::npos)
        << content.status().message();
    EXPECT_EQ(store_->Delete(bad).code(), StatusCode::kInvalidArgument) << bad;
    EXPECT_EQ(store_->BlobSize(bad).status().code(), StatusCode::kInvalidArgument) << bad;
    EXPECT_FALSE(store_->Contains(bad)) << bad;
  }
}

TEST_F(BlobStoreTest, DeleteRemovesTheBlobAndIsIdempotent) {
  auto keep = store_->WriteBlob("keep");
  auto gone = store_->WriteBlob("gone");
  ASSERT_TRUE(keep.ok() && gone.ok());
  ASSERT_TRUE(store_->Contains(*gone));
  ASSERT_TRUE(store_->Delete(*gone).ok());
  EXPECT_FALSE(store_->Contains(*gone));
  EXPECT_FALSE(Exists(store_->BlobPath(*gone)));
  EXPECT_EQ(store_->ReadBlob(*gone).status().code(), StatusCode::kNotFound);
  EXPECT_TRUE(store_->Delete(*gone).ok());
  EXPECT_TRUE(store_->Contains(*keep));
}

// An import's clean-up deletes the blobs no record keeps unless pinned: a blob committed for
// an import is pinned before its name appears, so a Delete racing with the commit cannot take
// it before the writer's caller has it (six imports of one archive once lost a manifest so).
TEST_F(BlobStoreTest, ABlobCommittedPinnedSurvivesDeletesRacingWithItsCommit) {
  std::atomic<bool> stop{false};
  std::thread deleter([&] {
    while (!stop) (void)store_->Delete(kHelloWorldDigest);
  });
  int lost = 0;
  for (int attempt = 0; attempt < 200; ++attempt) {
    auto writer = store_->NewWriter();
    ASSERT_TRUE(writer.ok());
    ASSERT_TRUE((*writer)->Write("hello world", 11).ok());
    auto digest = (*writer)->CommitPinned();
    ASSERT_TRUE(digest.ok()) << digest.status().message();
    if (!store_->Contains(*digest)) ++lost;
    store_->Unpin(*digest);
  }
  stop = true;
  deleter.join();
  EXPECT_EQ(lost, 0) << "of 200 commits, deleted before their caller could use them";
}

TEST_F(BlobStoreTest, WriteBlobIsContentAddressed) {
  auto first = store_->WriteBlob("same");
  auto second = store_->WriteBlob("same");
  auto empty = store_->WriteBlob("");
  ASSERT_TRUE(first.ok() && second.ok() && empty.ok());
  EXPECT_EQ(*first, *second);
  EXPECT_EQ(*first, Sha256Digest("same"));
  EXPECT_EQ(*empty, kEmptyDigest);
  EXPECT_EQ(store_->ListDigests().size(), 2u);
  auto content = store_->ReadBlob(*empty);
  ASSERT_TRUE(content.ok());
  EXPECT_EQ(*content, "");
  EXPECT_TRUE(TempNames().empty());
}

TEST_F(BlobStoreTest, ListDigestsReturnsOnlyBlobs) {
  std::vector<std::string> written;
  for (const char* content : {"one", "two", "three"}) {
    auto digest = store_->WriteBlob(content);
    ASSERT_TRUE(digest.ok());
    written.push_back(*digest);
  }
  // Files in the blob directory that are not lower-case sha256 hex are not blobs.
  std::string blob_dir = root_ + "/blobs/sha256/";
  ASSERT_TRUE(WriteFileAtomically(blob_dir + "not-a-digest", "x").ok());
  std::string upper = std::string(kHelloWorldDigest).substr(7);
  std::transform(upper.begin(), upper.end(), upper.begin(), ::toupper);
  ASSERT_TRUE(WriteFileAtomically(blob_dir + upper, "x").ok());

  // Sorted, so callers and logs see a stable order.
  std::sort(written.begin(), written.end());
  EXPECT_EQ(store_->ListDigests(), written);
}

TEST_F(BlobStoreTest, RemoveTempFilesRemovesOnlyBlobLeftovers) {
  std::string tmp = root_ + "/tmp/";
  ASSERT_TRUE(WriteFileAtomically(tmp + "blob-AAAAAA", "crash leftover").ok());
  ASSERT_TRUE(WriteFileAtomically(tmp + "blob-BBBBBB", "").ok());
  ASSERT_TRUE(WriteFileAtomically(tmp + "other-file", "keep").ok());
  ASSERT_EQ(::mkdir((tmp + "unpack-keep").c_str(), 0700), 0);
  auto blob = store_->WriteBlob("committed");
  ASSERT_TRUE(blob.ok());

  ASSERT_TRUE(store_->RemoveTempFiles().ok());
  EXPECT_EQ(TempNames(), (std::vector<std::string>{"other-file", "unpack-keep"}));
  EXPECT_TRUE(store_->Contains(*blob));
}

}  // namespace
}  // namespace boxcar
