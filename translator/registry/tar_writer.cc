#include "registry/tar_writer.h"

#include <unistd.h>

#include <cstring>

namespace boxcar::registry {
namespace {

void Octal(char* field, size_t width, uint64_t value) {
  // width-1 digits and a NUL.
  for (size_t i = width - 1; i-- > 0;) {
    field[i] = static_cast<char>('0' + (value & 7));
    value >>= 3;
  }
  field[width - 1] = '\0';
}

}  // namespace

Status TarWriter::WriteAll(const char* bytes, size_t size) {
  while (size > 0) {
    ssize_t n = ::write(fd_, bytes, size);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return ErrnoStatus("writing the image archive");
    bytes += n;
    size -= static_cast<size_t>(n);
  }
  return OkStatus();
}

Status TarWriter::Header(const std::string& name, uint64_t size, char type) {
  if (name.size() >= 100) return InvalidArgument("tar member name too long: " + name);
  char block[512];
  std::memset(block, 0, sizeof block);
  std::memcpy(block, name.data(), name.size());
  Octal(block + 100, 8, type == '5' ? 0755 : 0644);
  Octal(block + 108, 8, 0);
  Octal(block + 116, 8, 0);
  if (size < (uint64_t{1} << 33)) {
    Octal(block + 124, 12, size);
  } else {  // GNU base-256
    block[124] = static_cast<char>(0x80);
    for (int i = 11; i >= 4; --i) {
      block[124 + i] = static_cast<char>(size & 0xff);
      size >>= 8;
    }
  }
  Octal(block + 136, 12, 0);
  block[156] = type;
  std::memcpy(block + 257, "ustar", 6);
  std::memcpy(block + 263, "00", 2);
  std::memset(block + 148, ' ', 8);
  unsigned sum = 0;
  for (unsigned char c : block) sum += c;
  Octal(block + 148, 7, sum);
  block[155] = ' ';
  return WriteAll(block, sizeof block);
}

Status TarWriter::AddDirectory(const std::string& name) { return Header(name, 0, '5'); }

Status TarWriter::BeginFile(const std::string& name, uint64_t size) {
  file_size_ = size;
  file_written_ = 0;
  return Header(name, size, '0');
}

Status TarWriter::Write(const char* bytes, size_t size) {
  if (file_written_ + size > file_size_) {
    return DataLoss("tar member is larger than its header says");
  }
  file_written_ += size;
  return WriteAll(bytes, size);
}

Status TarWriter::EndFile() {
  if (file_written_ != file_size_) {
    return DataLoss("tar member has " + std::to_string(file_written_) + " bytes, not " +
                    std::to_string(file_size_));
  }
  static const char kZeros[512] = {};
  const size_t pad = (512 - file_size_ % 512) % 512;
  return WriteAll(kZeros, pad);
}

Status TarWriter::AddFile(const std::string& name, const std::string& content) {
  RETURN_IF_ERROR(BeginFile(name, content.size()));
  RETURN_IF_ERROR(Write(content.data(), content.size()));
  return EndFile();
}

Status TarWriter::Finish() {
  static const char kZeros[1024] = {};
  return WriteAll(kZeros, sizeof kZeros);
}

}  // namespace boxcar::registry
