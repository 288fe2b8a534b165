#include "common/atomic_file.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <atomic>

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

// A name for the finished file next to `path`, unique in this process (threads may write the
// same path at once).
std::string TemporaryNameFor(const std::string& path) {
  static std::atomic<uint64_t> counter{0};
  return path + ".tmp-" + std::to_string(::getpid()) + "-" + std::to_string(counter++);
}

// Gives the unnamed file `fd` (O_TMPFILE) the name `name`: through /proc/self/fd, else with
// AT_EMPTY_PATH (root only).
bool LinkUnnamedFile(int fd, const std::string& name) {
  const std::string proc_path = "/proc/self/fd/" + std::to_string(fd);
  if (::linkat(AT_FDCWD, proc_path.c_str(), AT_FDCWD, name.c_str(), AT_SYMLINK_FOLLOW) == 0) {
    return true;
  }
  return ::linkat(fd, "", AT_FDCWD, name.c_str(), AT_EMPTY_PATH) == 0;
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
  // The content goes into an unnamed file (O_TMPFILE): a crash while it is written leaves
  // nothing behind. It gets a temporary name only once complete, for the rename over `path`.
  // Where the file system has no O_TMPFILE, a named temporary file is written instead.
  const std::string temp_path = TemporaryNameFor(path);
  UniqueFd fd(::open(ParentOf(path).c_str(), O_TMPFILE | O_WRONLY | O_CLOEXEC, mode));
  const bool unnamed = static_cast<bool>(fd);
  if (!unnamed) {
    fd.reset(::open(temp_path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, mode));
  }
  if (!fd) return ErrnoStatus("create '" + temp_path + "'");
  Status written = WriteAll(fd.get(), content, "'" + temp_path + "'");
  if (written.ok() && sync && ::fsync(fd.get()) != 0)
    written = ErrnoStatus("fsync '" + temp_path + "'");
  if (written.ok() && unnamed && !LinkUnnamedFile(fd.get(), temp_path)) {
    return ErrnoStatus("link '" + temp_path + "'");
  }
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
