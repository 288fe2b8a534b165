#include "store/igzip_decompressor.h"

#include <isa-l/igzip_lib.h>

#include <algorithm>
#include <cstdint>
#include <utility>

namespace boxcar {

namespace {

// Decompressed bytes handed over per block: the tar reader and the diff id hash take them
// while they are still in the cache.
constexpr uint32_t kOutputBytes = 256 << 10;

std::string InflateErrorText(int rc) {
  switch (rc) {
    case ISAL_INVALID_BLOCK:
      return "invalid deflate block";
    case ISAL_INVALID_SYMBOL:
      return "invalid deflate symbol";
    case ISAL_INVALID_LOOKBACK:
      return "invalid deflate distance";
    case ISAL_INVALID_WRAPPER:
      return "invalid gzip header";
    case ISAL_UNSUPPORTED_METHOD:
      return "unsupported gzip compression method";
    case ISAL_INCORRECT_CHECKSUM:
      return "gzip CRC32 or size mismatch";
    default:
      return "igzip error " + std::to_string(rc);
  }
}

class IgzipDecompressor : public LayerDecompressor {
 public:
  IgzipDecompressor(std::string head, const LayerBlockReader& read)
      : head_(std::move(head)),
        read_(read),
        state_(std::make_unique<inflate_state>()),
        output_(std::make_unique<uint8_t[]>(kOutputBytes)) {
    isal_inflate_init(state_.get());
    state_->crc_flag = ISAL_GZIP;
    state_->next_in = reinterpret_cast<uint8_t*>(head_.data());
    state_->avail_in = static_cast<uint32_t>(head_.size());
  }

  bool Next(const void** block, size_t* size) override {
    if (fallback_) return fallback_->Next(block, size);
    return Inflate(output_.get(), kOutputBytes, block, size);
  }

  // igzip falls back to libarchive only before its first byte of output: from there on, it
  // can inflate into the caller's buffers.
  bool writes_into_buffers() const override { return !fallback_ && total_output_ > 0; }

  bool NextInto(char* buffer, size_t capacity, size_t* size) override {
    const void* block = nullptr;
    return Inflate(reinterpret_cast<uint8_t*>(buffer),
                   static_cast<uint32_t>(std::min<size_t>(capacity, UINT32_MAX)), &block, size);
  }

  std::string ErrorText() const override { return fallback_ ? fallback_->ErrorText() : error_; }
  bool compressed() const override { return true; }
  const char* name() const override { return fallback_ ? fallback_->name() : "igzip"; }

 private:
  // Inflates into `out` until its `capacity` bytes are full or the stream ends; Next's
  // contract, the block being `out` (or the fallback's first block).
  bool Inflate(uint8_t* out, uint32_t capacity, const void** block, size_t* size) {
    *block = nullptr;
    *size = 0;
    if (!error_.empty()) return false;
    if (at_end_) return true;
    out_ = out;
    capacity_ = capacity;
    state_->next_out = out;
    state_->avail_out = capacity;
    while (state_->avail_out > 0 && !at_end_) {
      if (state_->avail_in == 0 && !input_ended_ && !Refill()) return Fail(error_, block, size);
      if (state_->block_state == ISAL_BLOCK_FINISH) {
        // A member ended: another one follows, or the stream ends (anything else is ignored).
        if (state_->avail_in == 0 || state_->next_in[0] != 0x1f) {
          at_end_ = true;
          break;
        }
        isal_inflate_reset(state_.get());
        state_->crc_flag = ISAL_GZIP;
        member_output_ = 0;
        ++member_;
      }
      const uint32_t in_before = state_->avail_in;
      const uint32_t out_before = state_->avail_out;
      const int rc = isal_inflate(state_.get());
      const uint32_t produced = out_before - state_->avail_out;
      total_output_ += produced;
      member_output_ += produced;
      if (rc != ISAL_DECOMP_OK && rc != ISAL_END_INPUT && rc != ISAL_OUT_OVERFLOW) {
        if (total_output_ == 0) return FallBack(rc, block, size);
        if (member_ > 0 && member_output_ == 0) {
          at_end_ = true;  // trailing bytes that are not a gzip member: ignored, as libarchive does
          break;
        }
        return Fail(InflateErrorText(rc), block, size);
      }
      if (state_->block_state == ISAL_BLOCK_FINISH || produced > 0) continue;
      if (state_->avail_in == 0 && input_ended_) {
        if (member_ > 0 && member_output_ == 0) {
          at_end_ = true;  // a cut header after the last member: ignored, as above
          break;
        }
        if (total_output_ == 0) return FallBack(ISAL_END_INPUT, block, size);
        return Fail("truncated gzip stream", block, size);
      }
      if (state_->avail_in == in_before) return Fail("igzip made no progress", block, size);
    }
    *size = capacity_ - state_->avail_out;
    if (*size > 0) *block = out_;
    return true;
  }

  // The bytes decompressed before the error go out first (the tar reader names the member they
  // cut); the error comes with the next call.
  bool Fail(std::string error, const void** block, size_t* size) {
    error_ = std::move(error);
    *size = capacity_ - state_->avail_out;
    if (*size == 0) return false;
    *block = out_;
    return true;
  }

  // The next input block; the blocks read before the first output are kept for FallBack.
  bool Refill() {
    const void* block = nullptr;
    size_t size = 0;
    if (!read_(&block, &size)) {
      error_ = "reading the layer failed";
      return false;
    }
    if (size == 0) {
      input_ended_ = true;
      return true;
    }
    if (total_output_ == 0) replay_.append(static_cast<const char*>(block), size);
    state_->next_in = static_cast<uint8_t*>(const_cast<void*>(block));
    state_->avail_in = static_cast<uint32_t>(size);
    return true;
  }

  // igzip refused the stream before producing a byte: libarchive (zlib) decodes it from its
  // first byte, or reports why it cannot either.
  bool FallBack(int rc, const void** block, size_t* size) {
    auto fallback = OpenLibarchiveDecompressor(head_ + replay_, read_);
    if (!fallback.ok()) {
      error_ = InflateErrorText(rc) + "; " + fallback.status().message();
      return false;
    }
    fallback_ = std::move(*fallback);
    head_.clear();
    replay_.clear();
    return fallback_->Next(block, size);
  }

  std::string head_;
  std::string replay_;  // blocks read after `head_` while nothing was decompressed
  const LayerBlockReader& read_;
  std::unique_ptr<inflate_state> state_;
  std::unique_ptr<uint8_t[]> output_;  // Next's blocks
  uint8_t* out_ = nullptr;             // where the current call inflates to
  uint32_t capacity_ = 0;              // its size
  std::unique_ptr<LayerDecompressor> fallback_;
  uint64_t total_output_ = 0;
  uint64_t member_output_ = 0;
  int member_ = 0;  // the member being decompressed, from 0
  bool input_ended_ = false;
  bool at_end_ = false;
  std::string error_;
};

}  // namespace

StatusOr<std::unique_ptr<LayerDecompressor>> OpenIgzipDecompressor(std::string head,
                                                                   const LayerBlockReader& read) {
  return std::unique_ptr<LayerDecompressor>(new IgzipDecompressor(std::move(head), read));
}

}  // namespace boxcar
