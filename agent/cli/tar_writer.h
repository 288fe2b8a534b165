// A tar stream written by hand (ustar, with pax records for long names and large sizes), for
// the CLI, which is linked statically and carries no libarchive: the build context and
// `boxcar cp`'s uploads. Owners are written as 0:0 (the receiver sets its own); modes, mtimes
// and symlink targets are kept.
#pragma once

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <functional>
#include <string>
#include <vector>

namespace boxcar::cli {

inline constexpr size_t kTarChunk = 1 << 20;

// `sink` gets the stream in chunks of about 1 MiB and returns false to stop it.
class TarWriter {
 public:
  explicit TarWriter(const std::function<bool(const std::string&)>& sink) : sink_(sink) {}

  bool Header(const std::string& name, const struct stat& st, char type,
              const std::string& link) {
    uint64_t size = type == '0' ? static_cast<uint64_t>(st.st_size) : 0;
    std::string pax;
    if (name.size() > 99) pax += Record("path", name);
    if (link.size() > 99) pax += Record("linkpath", link);
    if (size > 077777777777ULL) pax += Record("size", std::to_string(size));
    if (!pax.empty()) {
      struct stat pax_stat = {};
      pax_stat.st_mode = 0644;
      if (!Block("PaxHeader", pax_stat, 'x', "", pax.size())) return false;
      if (!Data(pax)) return false;
    }
    return Block(name.substr(0, 99), st, type, link.substr(0, 99), size);
  }

  bool Data(const std::string& bytes) {
    buffer_ += bytes;
    size_t pad = (512 - bytes.size() % 512) % 512;
    buffer_.append(pad, '\0');
    return FlushIfFull();
  }

  // The file's bytes, padded; false when it could not be read (`error` says why).
  bool File(const std::string& path, uint64_t size, std::string* error) {
    int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
    if (fd < 0) {
      *error = "open '" + path + "': " + std::strerror(errno);
      return false;
    }
    uint64_t left = size;
    std::vector<char> buffer(kTarChunk);
    while (left > 0) {
      ssize_t got = ::read(fd, buffer.data(), std::min<uint64_t>(left, buffer.size()));
      if (got < 0 && errno == EINTR) continue;
      if (got <= 0) {
        *error = "read '" + path + "': " + (got < 0 ? std::strerror(errno) : "file shrank");
        ::close(fd);
        return false;
      }
      buffer_.append(buffer.data(), static_cast<size_t>(got));
      left -= static_cast<uint64_t>(got);
      if (!FlushIfFull()) {
        ::close(fd);
        *error = "the agent stopped reading the context";
        return false;
      }
    }
    ::close(fd);
    buffer_.append((512 - size % 512) % 512, '\0');
    return FlushIfFull();
  }

  bool Finish() {
    buffer_.append(1024, '\0');
    return Flush();
  }

 private:
  static std::string Record(const std::string& key, const std::string& value) {
    std::string body = " " + key + "=" + value + "\n";
    size_t length = body.size() + 1;
    while (std::to_string(length).size() + body.size() != length) ++length;
    return std::to_string(length) + body;
  }

  static void Octal(char* field, size_t width, uint64_t value) {
    std::snprintf(field, width, "%0*llo", static_cast<int>(width - 1),
                  static_cast<unsigned long long>(value));
  }

  bool Block(const std::string& name, const struct stat& st, char type, const std::string& link,
             uint64_t size) {
    char header[512] = {};
    std::memcpy(header, name.data(), std::min<size_t>(name.size(), 100));
    Octal(header + 100, 8, st.st_mode & 07777);
    Octal(header + 108, 8, 0);
    Octal(header + 116, 8, 0);
    Octal(header + 124, 12, size > 077777777777ULL ? 0 : size);
    Octal(header + 136, 12, static_cast<uint64_t>(st.st_mtime < 0 ? 0 : st.st_mtime));
    header[156] = type;
    std::memcpy(header + 157, link.data(), std::min<size_t>(link.size(), 100));
    std::memcpy(header + 257, "ustar", 6);
    std::memcpy(header + 263, "00", 2);
    std::memset(header + 148, ' ', 8);
    unsigned sum = 0;
    for (unsigned char byte : header) sum += byte;
    std::snprintf(header + 148, 8, "%06o", sum);
    buffer_.append(header, sizeof header);
    return FlushIfFull();
  }

  bool FlushIfFull() { return buffer_.size() < kTarChunk || Flush(); }
  bool Flush() {
    if (buffer_.empty()) return true;
    bool ok = sink_(buffer_);
    buffer_.clear();
    return ok;
  }

  const std::function<bool(const std::string&)>& sink_;
  std::string buffer_;
};

}  // namespace boxcar::cli
