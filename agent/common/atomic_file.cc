#include "common/atomic_file.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include "common/fd_io.h"
#include "common/unique_fd.h"

namespace boxcar {

namespace {

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

Status WriteFileAtomically(const std::string& path, const std::string& content, mode_t mode,
                           Durability durability) {
  const bool sync = durability == Durability::kHostCrash;
  std::string temp_path = path + ".tmp-" + std::to_string(::getpid());
  UniqueFd fd(::open(temp_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, mode));
  if (!fd) return ErrnoStatus("create '" + temp_path + "'");
  Status written = WriteAll(fd.get(), content, "'" + temp_path + "'");
  if (written.ok() && sync && ::fsync(fd.get()) != 0)
    written = ErrnoStatus("fsync '" + temp_path + "'");
  fd.reset();
  if (written.ok() && ::rename(temp_path.c_str(), path.c_str()) != 0) {
    written = ErrnoStatus("rename '" + temp_path + "' to '" + path + "'");
  }
  if (!written.ok()) {
    ::unlink(temp_path.c_str());
    return written;
  }
  return sync ? SyncParentDirectory(path) : OkStatus();
}

StatusOr<std::string> ReadFileToString(const std::string& path) {
  UniqueFd fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC));
  if (!fd) return ErrnoStatus("open '" + path + "'");
  return ReadAll(fd.get(), "'" + path + "'");
}

}  // namespace boxcar
