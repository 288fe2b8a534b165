#include "cli/tar_reader.h"

#include <algorithm>
#include <cstring>

namespace boxcar::cli {

namespace {

constexpr size_t kBlock = 512;

uint64_t Octal(const char* field, size_t width) {
  // GNU base-256 for large values: the first byte's high bit.
  if (static_cast<unsigned char>(field[0]) & 0x80) {
    uint64_t value = static_cast<unsigned char>(field[0]) & 0x7f;
    for (size_t i = 1; i < width; ++i) value = value << 8 | static_cast<unsigned char>(field[i]);
    return value;
  }
  uint64_t value = 0;
  for (size_t i = 0; i < width && field[i] != '\0'; ++i) {
    if (field[i] == ' ') continue;
    if (field[i] < '0' || field[i] > '7') break;
    value = value * 8 + static_cast<uint64_t>(field[i] - '0');
  }
  return value;
}

std::string Field(const char* field, size_t width) {
  return std::string(field, strnlen(field, width));
}

}  // namespace

void TarReader::ApplyPax(std::string_view records) {
  while (!records.empty()) {
    size_t space = records.find(' ');
    if (space == std::string_view::npos) return;
    size_t length = std::strtoul(std::string(records.substr(0, space)).c_str(), nullptr, 10);
    if (length <= space || length > records.size()) return;
    std::string_view record = records.substr(space + 1, length - space - 2);  // minus '\n'
    records.remove_prefix(length);
    size_t equals = record.find('=');
    if (equals == std::string_view::npos) continue;
    std::string key(record.substr(0, equals)), value(record.substr(equals + 1));
    if (key == "path") {
      pending_.name = value;
      has_pending_path_ = true;
    } else if (key == "linkpath") {
      pending_.link_name = value;
      has_pending_link_ = true;
    } else if (key == "size") {
      pending_.size = std::strtoull(value.c_str(), nullptr, 10);
      has_pending_size_ = true;
    } else if (key == "mtime") {
      pending_.mtime = std::strtoll(value.c_str(), nullptr, 10);
    }
  }
}

std::string TarReader::ParseHeader(const char* block) {
  if (std::all_of(block, block + kBlock, [](char c) { return c == '\0'; })) {
    ended_ = true;
    return "";
  }
  unsigned sum = 0;
  for (size_t i = 0; i < kBlock; ++i)
    sum += (i >= 148 && i < 156) ? ' ' : static_cast<unsigned char>(block[i]);
  if (sum != Octal(block + 148, 8)) return "the tar stream is corrupt (a header checksum is wrong)";
  TarHeader header;
  header.type = block[156] == '\0' ? '0' : block[156];
  header.mode = static_cast<uint32_t>(Octal(block + 100, 8));
  header.mtime = static_cast<int64_t>(Octal(block + 136, 12));
  header.size = Octal(block + 124, 12);
  header.name = Field(block, 100);
  header.link_name = Field(block + 157, 100);
  if (std::memcmp(block + 257, "ustar", 5) == 0 && block[345] != '\0')
    header.name = Field(block + 345, 155) + "/" + header.name;
  data_left_ = header.size;
  padding_left_ = (kBlock - header.size % kBlock) % kBlock;
  if (header.type == 'x' || header.type == 'g' || header.type == 'L' || header.type == 'K') {
    extension_ = header.type == 'x'   ? Extension::kPax
                 : header.type == 'L' ? Extension::kLongName
                 : header.type == 'K' ? Extension::kLongLink
                                      : Extension::kGlobalPax;  // ignored
    extension_data_.clear();
    in_member_ = true;
    return data_left_ == 0 ? Feed({}) : "";
  }
  if (has_pending_path_) header.name = pending_.name;
  if (has_pending_link_) header.link_name = pending_.link_name;
  if (has_pending_size_) header.size = pending_.size;
  if (pending_.mtime) header.mtime = pending_.mtime;
  pending_ = TarHeader();
  has_pending_path_ = has_pending_link_ = has_pending_size_ = false;
  if (header.type != '0' && header.type != '7') header.size = 0;  // no data for the others
  data_left_ = header.size;
  padding_left_ = (kBlock - header.size % kBlock) % kBlock;
  extension_ = Extension::kNone;
  in_member_ = true;
  std::string error = callbacks_.header(header);
  if (!error.empty()) return error;
  if (data_left_ == 0 && padding_left_ == 0) {
    in_member_ = false;
    return callbacks_.end();
  }
  return "";
}

std::string TarReader::Feed(std::string_view bytes) {
  for (;;) {
    if (ended_) return "";
    if (in_member_) {
      size_t n = static_cast<size_t>(std::min<uint64_t>(data_left_, bytes.size()));
      if (n > 0) {
        std::string_view piece = bytes.substr(0, n);
        if (extension_ != Extension::kNone) {
          extension_data_.append(piece);
        } else if (std::string error = callbacks_.data(piece); !error.empty()) {
          return error;
        }
        data_left_ -= n;
        bytes.remove_prefix(n);
      }
      size_t pad = static_cast<size_t>(std::min<uint64_t>(padding_left_, bytes.size()));
      padding_left_ -= pad;
      bytes.remove_prefix(pad);
      if (data_left_ > 0 || padding_left_ > 0) return "";
      in_member_ = false;
      if (extension_ == Extension::kPax) {
        ApplyPax(extension_data_);
      } else if (extension_ == Extension::kLongName) {
        pending_.name = extension_data_.c_str();
        has_pending_path_ = true;
      } else if (extension_ == Extension::kLongLink) {
        pending_.link_name = extension_data_.c_str();
        has_pending_link_ = true;
      } else if (extension_ == Extension::kGlobalPax) {
      } else if (std::string error = callbacks_.end(); !error.empty()) {
        return error;
      }
      extension_ = Extension::kNone;
      continue;
    }
    if (bytes.empty()) return "";
    size_t n = std::min(kBlock - block_.size(), bytes.size());
    block_.append(bytes.substr(0, n));
    bytes.remove_prefix(n);
    if (block_.size() < kBlock) return "";
    std::string header = std::move(block_);
    block_.clear();
    if (std::string error = ParseHeader(header.data()); !error.empty()) return error;
  }
}

std::string TarReader::Finish() const {
  if (in_member_ || !block_.empty()) return "the tar stream ended inside a member";
  return "";
}

}  // namespace boxcar::cli
