// OpenLayerDecompressor: gzip through igzip (members, CRC, truncation, trailing bytes, the
// fallback to libarchive), the other compressions through libarchive. Streams are made with
// libarchive's writer and fed in small pieces, as a registry's bytes arrive.
#include "store/layer_decompressor.h"

#include <archive.h>
#include <archive_entry.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <memory>
#include <random>
#include <string>

namespace boxcar {
namespace {

struct ArchiveWriteFree {
  void operator()(archive* a) const { archive_write_free(a); }
};

// `bytes` compressed with libarchive's `filter` ("gzip", "zstd", "none"), `level` its option.
std::string Compress(const std::string& bytes, const std::string& filter,
                     const std::string& level = "") {
  std::unique_ptr<archive, ArchiveWriteFree> writer(archive_write_new());
  archive_write_set_format_raw(writer.get());
  if (filter != "none") archive_write_add_filter_by_name(writer.get(), filter.c_str());
  if (!level.empty())
    archive_write_set_filter_option(writer.get(), nullptr, "compression-level", level.c_str());
  archive_write_set_bytes_in_last_block(writer.get(), 1);
  std::string out(bytes.size() * 2 + (1 << 20), '\0');
  size_t used = 0;
  EXPECT_EQ(archive_write_open_memory(writer.get(), out.data(), out.size(), &used), ARCHIVE_OK);
  archive_entry* entry = archive_entry_new();
  archive_entry_set_pathname(entry, "data");
  archive_entry_set_filetype(entry, AE_IFREG);
  archive_entry_set_size(entry, static_cast<la_int64_t>(bytes.size()));
  EXPECT_EQ(archive_write_header(writer.get(), entry), ARCHIVE_OK);
  archive_entry_free(entry);
  EXPECT_EQ(archive_write_data(writer.get(), bytes.data(), bytes.size()),
            static_cast<la_ssize_t>(bytes.size()));
  EXPECT_EQ(archive_write_close(writer.get()), ARCHIVE_OK) << archive_error_string(writer.get());
  out.resize(used);
  return out;
}

// Half random, half repetitive: stored and Huffman-coded deflate blocks alike.
std::string Payload(size_t size, uint32_t seed) {
  std::mt19937 generator(seed);
  std::string bytes(size, '\0');
  for (size_t i = 0; i < size; ++i) {
    bytes[i] =
        (i / 4096) % 2 ? static_cast<char>(generator() & 0xff) : static_cast<char>('a' + i % 7);
  }
  return bytes;
}

// Hands `stream` over in `piece`-byte blocks (a copy each, invalidated by the next call).
class PieceReader {
 public:
  PieceReader(std::string stream, size_t piece) : stream_(std::move(stream)), piece_(piece) {}
  LayerBlockReader reader() {
    return [this](const void** block, size_t* size) {
      if (fail_at_ && offset_ >= fail_at_) return false;
      current_ = stream_.substr(offset_, piece_);
      offset_ += current_.size();
      *block = current_.data();
      *size = current_.size();
      return true;
    };
  }
  size_t fail_at_ = 0;  // a read error from this offset on (0: never)

 private:
  std::string stream_;
  size_t piece_;
  size_t offset_ = 0;
  std::string current_;
};

struct Decoded {
  bool ok = false;
  std::string bytes;
  std::string error;
  std::string name;
  bool compressed = false;
};

Decoded Decode(const std::string& stream, size_t piece, size_t fail_at = 0) {
  PieceReader pieces(stream, piece);
  pieces.fail_at_ = fail_at;
  LayerBlockReader read = pieces.reader();
  Decoded result;
  auto decompressor = OpenLayerDecompressor(read);
  if (!decompressor.ok()) {
    result.error = decompressor.status().message();
    return result;
  }
  for (;;) {
    const void* block = nullptr;
    size_t size = 0;
    if (!(*decompressor)->Next(&block, &size)) {
      result.error = (*decompressor)->ErrorText();
      result.name = (*decompressor)->name();
      return result;
    }
    if (size == 0) break;
    result.bytes.append(static_cast<const char*>(block), size);
  }
  result.ok = true;
  result.name = (*decompressor)->name();
  result.compressed = (*decompressor)->compressed();
  return result;
}

TEST(LayerDecompressorTest, GzipGoesThroughIgzipInAnyPieceSize) {
  const std::string payload = Payload(3 << 20, 1);
  for (const std::string level : {"6", "0", "9"}) {
    const std::string gz = Compress(payload, "gzip", level);
    for (size_t piece : {size_t{1}, size_t{7}, size_t{4096}, size_t{256 << 10}, gz.size()}) {
      if (piece == 1 && level != "6") continue;  // one byte at a time once is enough
      Decoded decoded = Decode(gz, piece);
      ASSERT_TRUE(decoded.ok) << "level " << level << ", pieces of " << piece << ": "
                              << decoded.error;
      EXPECT_EQ(decoded.name, "igzip");
      EXPECT_TRUE(decoded.compressed);
      EXPECT_TRUE(decoded.bytes == payload) << "level " << level << ", pieces of " << piece;
    }
  }
}

TEST(LayerDecompressorTest, ConcatenatedGzipMembersAreOneStream) {
  const std::string first = Payload(300 << 10, 2);
  const std::string second = Payload(200 << 10, 3);
  Decoded decoded = Decode(Compress(first, "gzip") + Compress(second, "gzip"), 5000);
  ASSERT_TRUE(decoded.ok) << decoded.error;
  EXPECT_TRUE(decoded.bytes == first + second);
}

TEST(LayerDecompressorTest, TrailingZerosAfterTheLastMemberAreIgnored) {
  const std::string payload = Payload(100 << 10, 4);
  Decoded decoded = Decode(Compress(payload, "gzip") + std::string(10240, '\0'), 3000);
  ASSERT_TRUE(decoded.ok) << decoded.error;
  EXPECT_TRUE(decoded.bytes == payload);
}

TEST(LayerDecompressorTest, WrongCrcIsAnError) {
  std::string gz = Compress(Payload(100 << 10, 5), "gzip");
  gz[gz.size() - 8] ^= 0x01;  // the trailer: CRC32, then the size
  Decoded decoded = Decode(gz, 4096);
  EXPECT_FALSE(decoded.ok);
  EXPECT_NE(decoded.error.find("CRC32"), std::string::npos) << decoded.error;
}

TEST(LayerDecompressorTest, WrongSizeIsAnError) {
  std::string gz = Compress(Payload(100 << 10, 6), "gzip");
  gz[gz.size() - 1] ^= 0x01;
  EXPECT_FALSE(Decode(gz, 4096).ok);
}

TEST(LayerDecompressorTest, CorruptDeflateDataIsAnError) {
  std::string gz = Compress(Payload(1 << 20, 7), "gzip");
  for (size_t i = gz.size() / 2; i < gz.size() / 2 + 64; ++i) gz[i] = static_cast<char>(0xff);
  EXPECT_FALSE(Decode(gz, 4096).ok);
}

TEST(LayerDecompressorTest, TruncatedStreamIsAnErrorWhereverItIsCut) {
  const std::string gz = Compress(Payload(200 << 10, 8), "gzip");
  for (size_t keep : {gz.size() - 1, gz.size() - 4, gz.size() - 8, gz.size() / 2}) {
    Decoded decoded = Decode(gz.substr(0, keep), 4096);
    EXPECT_FALSE(decoded.ok) << "cut at " << keep << " of " << gz.size();
  }
}

TEST(LayerDecompressorTest, ReadErrorIsAnError) {
  const std::string gz = Compress(Payload(1 << 20, 9), "gzip");
  Decoded decoded = Decode(gz, 4096, gz.size() / 2);
  EXPECT_FALSE(decoded.ok);
  EXPECT_NE(decoded.error.find("reading the layer"), std::string::npos) << decoded.error;
}

// A header CRC (FHCRC) that libarchive's reader skips and igzip checks: igzip refuses the
// stream, libarchive takes it from its first byte.
TEST(LayerDecompressorTest, StreamIgzipRefusesAtItsStartFallsBackToLibarchive) {
  const std::string payload = Payload(200 << 10, 10);
  std::string gz = Compress(payload, "gzip");
  ASSERT_EQ(gz[3], '\0');  // no optional header fields
  gz[3] = 0x02;            // FHCRC, with a CRC16 that is wrong
  gz.insert(10, std::string("\x12\x34", 2));
  Decoded decoded = Decode(gz, 4096);
  ASSERT_TRUE(decoded.ok) << decoded.error;
  EXPECT_TRUE(decoded.bytes == payload);
  EXPECT_EQ(decoded.name, "libarchive");
}

TEST(LayerDecompressorTest, ZstdAndUncompressedGoThroughLibarchive) {
  const std::string payload = Payload(1 << 20, 11);
  Decoded zstd = Decode(Compress(payload, "zstd"), 4096);
  ASSERT_TRUE(zstd.ok) << zstd.error;
  EXPECT_EQ(zstd.name, "libarchive");
  EXPECT_TRUE(zstd.compressed);
  EXPECT_TRUE(zstd.bytes == payload);
  Decoded plain = Decode(payload, 1);  // also: a head gathered from one-byte blocks
  ASSERT_TRUE(plain.ok) << plain.error;
  EXPECT_EQ(plain.name, "libarchive");
  EXPECT_FALSE(plain.compressed);
  EXPECT_TRUE(plain.bytes == payload);
}

}  // namespace
}  // namespace boxcar
