#include "net/cni/cni_netns_pin.h"

#include <fcntl.h>
#include <sys/mount.h>
#include <unistd.h>

#include <cerrno>

#include "common/directory_tree.h"

namespace boxcar {

Status PinNetworkNamespace(pid_t pid, const std::string& path) {
  const std::string dir = path.substr(0, path.rfind('/'));
  RETURN_IF_ERROR(MakeDirectories(dir, 0700));
  // A pin of an earlier start of this container (its stop already DELed it) goes first.
  (void)UnpinNetworkNamespace(path);
  int fd = ::open(path.c_str(), O_CREAT | O_EXCL | O_RDONLY | O_CLOEXEC, 0400);
  if (fd < 0) return ErrnoStatus("create '" + path + "'");
  ::close(fd);
  const std::string source = "/proc/" + std::to_string(pid) + "/ns/net";
  if (::mount(source.c_str(), path.c_str(), nullptr, MS_BIND, nullptr) != 0) {
    Status failed = ErrnoStatus("bind '" + source + "' on '" + path + "'");
    ::unlink(path.c_str());
    return failed;
  }
  return OkStatus();
}

Status UnpinNetworkNamespace(const std::string& path) {
  if (::umount2(path.c_str(), MNT_DETACH) != 0 && errno != EINVAL && errno != ENOENT) {
    return ErrnoStatus("unmount '" + path + "'");
  }
  if (::unlink(path.c_str()) != 0 && errno != ENOENT) return ErrnoStatus("unlink '" + path + "'");
  return OkStatus();
}

}  // namespace boxcar
