#include "lxc_shim/lxc_mount_namespace.h"

#include <sched.h>
#include <sys/mount.h>
#include <sys/stat.h>

#include <cerrno>
#include <fstream>
#include <sstream>
#include <vector>

namespace boxcar {

namespace {

struct MountPoint {
  std::string path;
  std::string type;
};

// mountinfo escapes white space and backslashes as \ooo.
std::string Unescape(const std::string& field) {
  std::string text;
  for (size_t i = 0; i < field.size(); ++i) {
    if (field[i] == '\\' && i + 3 < field.size()) {
      text += static_cast<char>(((field[i + 1] - '0') << 6) | ((field[i + 2] - '0') << 3) |
                                (field[i + 3] - '0'));
      i += 3;
    } else {
      text += field[i];
    }
  }
  return text;
}

// In mount order: a mount comes after the one it is mounted on.
std::vector<MountPoint> ReadMountPoints() {
  std::vector<MountPoint> mounts;
  std::ifstream mountinfo("/proc/self/mountinfo");
  for (std::string line; std::getline(mountinfo, line);) {
    auto separator = line.find(" - ");
    if (separator == std::string::npos) continue;
    std::istringstream before(line.substr(0, separator)), after(line.substr(separator + 3));
    std::string field, path, type;
    for (int i = 0; i < 5 && before >> field; ++i) {
      if (i == 4) path = Unescape(field);
    }
    after >> type;
    if (!path.empty()) mounts.push_back({path, type});
  }
  return mounts;
}

bool IsUnder(const std::string& path, const std::string& directory) {
  return path == directory ||
         (path.size() > directory.size() && path.compare(0, directory.size(), directory) == 0 &&
          (directory == "/" || path[directory.size()] == '/'));
}

}  // namespace

Status EnterLxcMountNamespace(const std::string& rootfs_dir, const std::string& lxcpath) {
  for (const std::string& path : {rootfs_dir, lxcpath}) {
    if (IsUnder(path, "/run")) {
      return FailedPrecondition("lxc backend: '" + path +
                                "' lies under /run, which the lxc shim hides behind a private "
                                "tmpfs; run the agent with a --root outside /run");
    }
  }
  if (::unshare(CLONE_NEWNS) != 0) return ErrnoStatus("unshare the mount namespace");
  // Nothing done below may propagate back to the host.
  if (::mount(nullptr, "/", nullptr, MS_REC | MS_PRIVATE, nullptr) != 0) {
    return ErrnoStatus("make the lxc shim's mounts private");
  }
  std::string snapshots_dir = rootfs_dir.substr(0, rootfs_dir.rfind('/'));
  if (snapshots_dir.empty()) snapshots_dir = "/";
  std::vector<MountPoint> mounts = ReadMountPoints();
  for (auto mount = mounts.rbegin(); mount != mounts.rend(); ++mount) {
    bool cgroup = mount->type == "cgroup" || mount->type == "cgroup2";
    bool other_rootfs = IsUnder(mount->path, snapshots_dir) && mount->path != snapshots_dir &&
                        !IsUnder(mount->path, rootfs_dir);
    // EINVAL: already gone with a mount it sat on.
    if ((cgroup || other_rootfs) && ::umount2(mount->path.c_str(), MNT_DETACH) != 0 &&
        errno != EINVAL && errno != ENOENT) {
      return ErrnoStatus("detach '" + mount->path + "' from the lxc shim's mount namespace");
    }
  }
  if (::mount("tmpfs", "/run", "tmpfs", MS_NOSUID | MS_NODEV | MS_NOEXEC, "mode=0755,size=1m") !=
      0) {
    return ErrnoStatus("mount a private tmpfs on /run for LXC's lock files");
  }
  return OkStatus();
}

StatusOr<UserNamespacePaths> MakeUserNamespacePaths(const std::string& rootfs_dir) {
  UserNamespacePaths paths{"/run/boxcar-lxc", "/run/boxcar-lxc/rootfs"};
  for (const std::string& dir : {paths.lxcpath, paths.rootfs_dir}) {
    if (::mkdir(dir.c_str(), 0755) != 0) return ErrnoStatus("mkdir '" + dir + "'");
  }
  if (::mount(rootfs_dir.c_str(), paths.rootfs_dir.c_str(), nullptr, MS_BIND | MS_REC, nullptr) !=
      0) {
    return ErrnoStatus("bind the rootfs '" + rootfs_dir + "' on '" + paths.rootfs_dir + "'");
  }
  return paths;
}

}  // namespace boxcar
