#include "common/atomic_file.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include "common/unique_fd.h"

namespace boxcar {

namespace {

Status WriteAll(int fd, const char* bytes, size_t size, const std::string& path) {
  while (size > 0) {
    ssize_t n = ::write(fd, bytes, size);
    if (n < 0) {
      if (errno == EINTR) continue;
      return ErrnoStatus("write '" + path + "'");
    }
    bytes += n;
    size -= static_cast<size_t>(n);
  }
  return OkStatus();
}

std::string ParentOf(const std::string& path) {
  auto slash = path.rfind('/');
  if (slash == std::string::npos) return ".";
  if (slash == 0) return "/";
  return path.substr(0, slash);
}

}  // namespace

Status SyncParentDirectory(const std::string& path) {
  std::string dir = ParentOf(path);
  UniqueFd fd(::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
  if (!fd) return ErrnoStatus("open directory '" + dir + "'");
  if (::fsync(fd.get()) != 0) return ErrnoStatus("fsync directory '" + dir + "'");
  return OkStatus();
}

Status WriteFileAtomically(const std::string& path, const std::string& content, mode_t mode) {
  std::string temp_path = path + ".tmp-" + std::to_string(::getpid());
  UniqueFd fd(::open(temp_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, mode));
  if (!fd) return ErrnoStatus("create '" + temp_path + "'");
  Status written = WriteAll(fd.get(), content.data(), content.size(), temp_path);
  if (written.ok() && ::fsync(fd.get()) != 0) written = ErrnoStatus("fsync '" + temp_path + "'");
  fd.reset();
  if (written.ok() && ::rename(temp_path.c_str(), path.c_str()) != 0) {
    written = ErrnoStatus("rename '" + temp_path + "' to '" + path + "'");
  }
  if (!written.ok()) {
    ::unlink(temp_path.c_str());
    return written;
  }
  return SyncParentDirectory(path);
}

StatusOr<std::string> ReadFileToString(const std::string& path) {
  UniqueFd fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC));
  if (!fd) return ErrnoStatus("open '" + path + "'");
  std::string content;
  char buffer[8192];
  for (;;) {
    ssize_t n = ::read(fd.get(), buffer, sizeof buffer);
    if (n < 0) {
      if (errno == EINTR) continue;
      return ErrnoStatus("read '" + path + "'");
    }
    if (n == 0) break;
    content.append(buffer, static_cast<size_t>(n));
  }
  return content;
}

}  // namespace boxcar
