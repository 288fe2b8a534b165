// An image archive read while it arrives: a thread of its own parses the tar as the import's
// chunks come in and stores its members as blobs, so the archive itself is never written out
// (its bytes reach the disk once, as blobs, instead of twice).
#pragma once

#include <archive.h>

#include <condition_variable>
#include <deque>
#include <mutex>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include "common/status.h"
#include "store/blob_store.h"
#include "store/image_archive.h"

namespace boxcar {

// True when `head`, the first bytes of an import, begins like an image archive: its first
// entry that is not a directory is one an OCI layout or a docker-archive holds (oci-layout,
// index.json, manifest.json, repositories, blobs/sha256/<hex>, <hex>.tar, <hex>.json, and
// <hex>/layer.tar, json or VERSION), also when the tar is gzip, zstd, xz or bzip2 compressed.
// False for anything else: a rootfs tarball, or a head too short to tell.
bool StartsLikeImageArchive(std::string_view head);

class ImageArchiveStream {
 public:
  // `blobs` and `tap` (may be null: see ReadImageArchive) outlive the stream.
  explicit ImageArchiveStream(BlobStore* blobs, MemberTap* tap = nullptr);
  // Abort()s if Finish() was not called.
  ~ImageArchiveStream();
  ImageArchiveStream(const ImageArchiveStream&) = delete;
  ImageArchiveStream& operator=(const ImageArchiveStream&) = delete;

  // Queues the next bytes for the reader (waiting while it is several chunks behind). Once
  // the reader has failed, its error: the archive is refused. Bytes after the archive's end
  // are ignored.
  Status Write(std::string&& chunk);
  // End of the stream: waits for the reader and returns the images (see ReadImageArchive).
  StatusOr<ImageArchive> Finish();
  // Stops the reader at its next read.
  void Abort();
  // Every blob the reader stored, also after a failure; valid once Finish() or Abort() returned.
  const std::vector<std::string>& stored_blobs() const { return stored_blobs_; }

 private:
  // libarchive's read callback, on the reader thread: the next queued chunk.
  static la_ssize_t Read(::archive* reader, void* self, const void** block);
  void Run();
  void Stop(bool abort);

  BlobStore* blobs_;
  MemberTap* tap_;
  std::mutex mutex_;
  std::condition_variable changed_;
  std::deque<std::string> chunks_;
  bool closed_ = false;   // no more chunks: end of the stream
  bool aborted_ = false;  // the import was dropped
  bool done_ = false;     // the reader returned; outcome_ is set
  std::string current_;   // the chunk libarchive reads from (reader thread only)
  StatusOr<ImageArchive> outcome_ = Internal("image archive: still being read");
  std::vector<std::string> stored_blobs_;  // reader thread until it is joined
  std::thread reader_;
};

}  // namespace boxcar
