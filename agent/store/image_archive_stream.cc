#include "store/image_archive_stream.h"

#include <archive.h>
#include <archive_entry.h>

#include <memory>

#include "store/archive_error.h"
#include "store/archive_reader.h"

namespace boxcar {

namespace {

// The reader keeps at most this many 1 MiB chunks waiting: enough to overlap receiving with
// storing, little memory.
constexpr size_t kMaxQueuedChunks = 8;
// Entries looked at before a head is called "not an archive" (directories come first).
constexpr int kMaxHeadEntries = 64;

bool IsHexDigest(std::string_view text) {
  return text.size() == 64 && text.find_first_not_of("0123456789abcdef") == std::string_view::npos;
}

// A member of an OCI layout or of a docker-archive (skopeo's or `docker save`'s).
bool IsArchiveMemberName(std::string_view name) {
  while (name.substr(0, 2) == "./") name.remove_prefix(2);
  if (name == "oci-layout" || name == "index.json" || name == "manifest.json" ||
      name == "repositories") {
    return true;
  }
  if (name.substr(0, 13) == "blobs/sha256/") return IsHexDigest(name.substr(13));
  if (name.size() > 64 && IsHexDigest(name.substr(0, 64))) {
    std::string_view rest = name.substr(64);
    return rest == ".tar" || rest == ".json" || rest == "/layer.tar" || rest == "/json" ||
           rest == "/VERSION";
  }
  return false;
}

// Tar, as `docker save` writes it or compressed (`docker save | gzip`, which docker load
// takes too): gzip, zstd, xz or bzip2, decompressed as it is read.
void SupportArchiveFormats(archive* reader) {
  archive_read_support_format_tar(reader);
  archive_read_support_format_gnutar(reader);
  SupportImageCompressions(reader);
}

}  // namespace

bool StartsLikeImageArchive(std::string_view head) {
  ArchiveReader reader(archive_read_new());
  SupportArchiveFormats(reader.get());
  if (archive_read_open_memory(reader.get(), head.data(), head.size()) != ARCHIVE_OK) return false;
  archive_entry* entry;
  for (int i = 0; i < kMaxHeadEntries; ++i) {
    if (archive_read_next_header(reader.get(), &entry) != ARCHIVE_OK) return false;
    if (archive_entry_filetype(entry) == AE_IFDIR) continue;
    const char* name = archive_entry_pathname(entry);
    return name != nullptr && IsArchiveMemberName(name);
  }
  return false;
}

ImageArchiveStream::ImageArchiveStream(BlobStore* blobs, MemberTap* tap)
    : blobs_(blobs), tap_(tap) {
  reader_ = std::thread([this] { Run(); });
}

ImageArchiveStream::~ImageArchiveStream() { Stop(/*abort=*/true); }

void ImageArchiveStream::Run() {
  ArchiveReader reader(archive_read_new());
  SupportArchiveFormats(reader.get());
  StatusOr<ImageArchive> outcome = Internal("image archive: not read");
  if (archive_read_open(reader.get(), this, nullptr, &ImageArchiveStream::Read, nullptr) !=
      ARCHIVE_OK) {
    outcome = InvalidArgument(std::string("image archive: not a tar archive: ") +
                              ArchiveErrorText(reader.get()));
  } else {
    outcome = ReadImageArchive(reader.get(), blobs_, &stored_blobs_, tap_);
  }
  std::lock_guard<std::mutex> lock(mutex_);
  outcome_ = std::move(outcome);
  done_ = true;
  changed_.notify_all();
}

la_ssize_t ImageArchiveStream::Read(archive* reader, void* self, const void** block) {
  auto* stream = static_cast<ImageArchiveStream*>(self);
  std::unique_lock<std::mutex> lock(stream->mutex_);
  stream->changed_.wait(
      lock, [&] { return stream->aborted_ || stream->closed_ || !stream->chunks_.empty(); });
  if (stream->aborted_) {
    archive_set_error(reader, ECANCELED, "the import was abandoned");
    return -1;
  }
  if (stream->chunks_.empty()) return 0;  // the end of the stream
  // NOTE: libarchive may read the previous block until it asks for the next one, so the
  // chunk it reads lives in current_ until then.
  stream->current_ = std::move(stream->chunks_.front());
  stream->chunks_.pop_front();
  stream->changed_.notify_all();
  *block = stream->current_.data();
  return static_cast<la_ssize_t>(stream->current_.size());
}

Status ImageArchiveStream::Write(std::string&& chunk) {
  if (chunk.empty()) return OkStatus();  // an empty chunk would read as the end of the stream
  std::unique_lock<std::mutex> lock(mutex_);
  changed_.wait(lock, [&] { return done_ || chunks_.size() < kMaxQueuedChunks; });
  if (done_) return outcome_.ok() ? OkStatus() : outcome_.status();
  chunks_.push_back(std::move(chunk));
  changed_.notify_all();
  return OkStatus();
}

void ImageArchiveStream::Stop(bool abort) {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    (abort ? aborted_ : closed_) = true;
    changed_.notify_all();
  }
  if (reader_.joinable()) reader_.join();
}

StatusOr<ImageArchive> ImageArchiveStream::Finish() {
  Stop(/*abort=*/false);
  return std::move(outcome_);
}

void ImageArchiveStream::Abort() { Stop(/*abort=*/true); }

}  // namespace boxcar
