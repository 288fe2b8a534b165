#include "store/layer_decompressor.h"

#include <archive.h>
#include <archive_entry.h>

#include <utility>

#include "store/archive_error.h"
#include "store/archive_reader.h"
#include "store/igzip_decompressor.h"

namespace boxcar {

namespace {

// gzip's magic and its only compression method (deflate).
constexpr unsigned char kGzipHead[] = {0x1f, 0x8b, 0x08};

// libarchive's "raw" format over its compression filters: the data blocks of its one entry
// are the decompressed stream.
class LibarchiveDecompressor : public LayerDecompressor {
 public:
  LibarchiveDecompressor(std::string head, const LayerBlockReader& read)
      : head_(std::move(head)), read_(read), reader_(archive_read_new()) {}

  Status Open() {
    SupportImageCompressions(reader_.get());
    archive_read_support_format_raw(reader_.get());
    if (archive_read_open(reader_.get(), this, nullptr, &ReadBlock, nullptr) != ARCHIVE_OK) {
      return InvalidArgument(ArchiveErrorText(reader_.get()));
    }
    archive_entry* raw_entry;
    if (archive_read_next_header(reader_.get(), &raw_entry) != ARCHIVE_OK) {
      return InvalidArgument(ArchiveErrorText(reader_.get()));
    }
    return OkStatus();
  }

  bool Next(const void** block, size_t* size) override {
    *block = nullptr;
    *size = 0;
    if (at_end_) return true;
    la_int64_t offset;
    int rc = archive_read_data_block(reader_.get(), block, size, &offset);
    if (rc == ARCHIVE_EOF) {
      at_end_ = true;
      *block = nullptr;
      *size = 0;
      return true;
    }
    return rc == ARCHIVE_OK;
  }

  std::string ErrorText() const override { return ArchiveErrorText(reader_.get()); }
  bool compressed() const override {
    return archive_filter_code(reader_.get(), 0) != ARCHIVE_FILTER_NONE;
  }
  const char* name() const override { return "libarchive"; }

 private:
  // archive_read_open callback: `head` first, then the reader's blocks.
  static la_ssize_t ReadBlock(archive* reader, void* self, const void** block) {
    auto* source = static_cast<LibarchiveDecompressor*>(self);
    if (!source->head_sent_) {
      source->head_sent_ = true;
      if (!source->head_.empty()) {
        *block = source->head_.data();
        return static_cast<la_ssize_t>(source->head_.size());
      }
    }
    size_t size = 0;
    if (!source->read_(block, &size)) {
      archive_set_error(reader, EIO, "reading the layer failed");
      return -1;
    }
    return static_cast<la_ssize_t>(size);
  }

  const std::string head_;
  bool head_sent_ = false;
  const LayerBlockReader& read_;
  ArchiveReader reader_;
  bool at_end_ = false;
};

}  // namespace

StatusOr<std::unique_ptr<LayerDecompressor>> OpenLibarchiveDecompressor(
    std::string head, const LayerBlockReader& read) {
  auto decompressor = std::make_unique<LibarchiveDecompressor>(std::move(head), read);
  RETURN_IF_ERROR(decompressor->Open());
  return std::unique_ptr<LayerDecompressor>(std::move(decompressor));
}

StatusOr<std::unique_ptr<LayerDecompressor>> OpenLayerDecompressor(const LayerBlockReader& read) {
  // Enough of the stream to see gzip's magic (blocks may be tiny when read from a pipe).
  std::string head;
  while (head.size() < sizeof kGzipHead) {
    const void* block = nullptr;
    size_t size = 0;
    if (!read(&block, &size)) return InvalidArgument("reading the layer failed");
    if (size == 0) break;
    head.append(static_cast<const char*>(block), size);
  }
  if (head.compare(0, sizeof kGzipHead, reinterpret_cast<const char*>(kGzipHead),
                   sizeof kGzipHead) == 0) {
    return OpenIgzipDecompressor(std::move(head), read);
  }
  return OpenLibarchiveDecompressor(std::move(head), read);
}

}  // namespace boxcar
