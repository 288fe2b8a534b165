#include "common/directory_tree.h"

#include <dirent.h>
#include <fcntl.h>
#include <linux/fs.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>

#include "common/unique_fd.h"

namespace boxcar {

std::vector<std::string> ListDirectoryNames(const std::string& path) {
  std::vector<std::string> names;
  DIR* dir = ::opendir(path.c_str());
  if (dir == nullptr) return names;
  while (struct dirent* entry = ::readdir(dir)) {
    std::string name = entry->d_name;
    if (name != "." && name != "..") names.push_back(name);
  }
  ::closedir(dir);
  std::sort(names.begin(), names.end());
  return names;
}

bool MarkTopDirectory(const std::string& path) {
  UniqueFd fd(::open(path.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC | O_NOFOLLOW));
  int flags = 0;
  if (!fd || ::ioctl(fd.get(), FS_IOC_GETFLAGS, &flags) != 0) return false;
  if (flags & FS_TOPDIR_FL) return true;
  flags |= FS_TOPDIR_FL;
  return ::ioctl(fd.get(), FS_IOC_SETFLAGS, &flags) == 0;
}

Status MakeDirectories(const std::string& path, mode_t mode) {
  if (path.empty()) return InvalidArgument("empty directory path");
  std::string prefix;
  size_t pos = 0;
  while (pos != std::string::npos) {
    pos = path.find('/', pos + 1);
    prefix = path.substr(0, pos);
    if (prefix.empty()) continue;
    if (::mkdir(prefix.c_str(), mode) != 0 && errno != EEXIST) {
      return ErrnoStatus("mkdir '" + prefix + "'");
    }
  }
  struct stat st;
  if (::stat(path.c_str(), &st) != 0) return ErrnoStatus("stat '" + path + "'");
  if (!S_ISDIR(st.st_mode)) return FailedPrecondition("'" + path + "' is not a directory");
  return OkStatus();
}

namespace {

// Empties the directory open at `dir_fd`, whose device is `device`.
Status RemoveContents(int dir_fd, dev_t device, const std::string& display_path) {
  int dup_fd = ::dup(dir_fd);
  if (dup_fd < 0) return ErrnoStatus("dup '" + display_path + "'");
  DIR* dir = ::fdopendir(dup_fd);
  if (dir == nullptr) {
    ::close(dup_fd);
    return ErrnoStatus("opendir '" + display_path + "'");
  }
  Status result;
  while (struct dirent* entry = ::readdir(dir)) {
    std::string name = entry->d_name;
    if (name == "." || name == "..") continue;
    struct stat st;
    if (::fstatat(dir_fd, name.c_str(), &st, AT_SYMLINK_NOFOLLOW) != 0) {
      if (errno == ENOENT) continue;
      result = ErrnoStatus("stat '" + display_path + "/" + name + "'");
      break;
    }
    if (S_ISDIR(st.st_mode)) {
      if (st.st_dev != device) {
        result = FailedPrecondition("'" + display_path + "/" + name +
                                    "' is a mount point; unmount it before removing");
        break;
      }
      UniqueFd child(
          ::openat(dir_fd, name.c_str(), O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC));
      if (!child) {
        result = ErrnoStatus("open '" + display_path + "/" + name + "'");
        break;
      }
      result = RemoveContents(child.get(), device, display_path + "/" + name);
      if (!result.ok()) break;
      if (::unlinkat(dir_fd, name.c_str(), AT_REMOVEDIR) != 0 && errno != ENOENT) {
        result = ErrnoStatus("rmdir '" + display_path + "/" + name + "'");
        break;
      }
    } else if (::unlinkat(dir_fd, name.c_str(), 0) != 0 && errno != ENOENT) {
      result = ErrnoStatus("unlink '" + display_path + "/" + name + "'");
      break;
    }
  }
  ::closedir(dir);
  return result;
}

}  // namespace

Status RemoveTree(const std::string& path) {
  struct stat st;
  if (::lstat(path.c_str(), &st) != 0) {
    if (errno == ENOENT) return OkStatus();
    return ErrnoStatus("stat '" + path + "'");
  }
  if (!S_ISDIR(st.st_mode)) {
    if (::unlink(path.c_str()) != 0 && errno != ENOENT) return ErrnoStatus("unlink '" + path + "'");
    return OkStatus();
  }
  {
    UniqueFd dir(::open(path.c_str(), O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC));
    if (!dir) return ErrnoStatus("open '" + path + "'");
    RETURN_IF_ERROR(RemoveContents(dir.get(), st.st_dev, path));
  }
  if (::rmdir(path.c_str()) != 0 && errno != ENOENT) return ErrnoStatus("rmdir '" + path + "'");
  return OkStatus();
}

}  // namespace boxcar
