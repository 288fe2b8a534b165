#include "snapshot/overlay_snapshotter.h"

#include <dirent.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <unistd.h>

#include <memory>

#include "common/directory_tree.h"

namespace boxcar {

namespace {

bool IsMountPoint(const std::string& path) {
  struct stat self, parent;
  if (::lstat(path.c_str(), &self) != 0 || ::lstat((path + "/..").c_str(), &parent) != 0) return false;
  return self.st_dev != parent.st_dev;
}

}  // namespace

StatusOr<std::unique_ptr<OverlaySnapshotter>> OverlaySnapshotter::Create(const std::string& snapshots_dir) {
  RETURN_IF_ERROR(MakeDirectories(snapshots_dir, 0700));
  return std::unique_ptr<OverlaySnapshotter>(new OverlaySnapshotter(snapshots_dir));
}

Status OverlaySnapshotter::Prepare(const std::string& key) {
  std::string dir = SnapshotDir(key);
  if (::mkdir(dir.c_str(), 0700) != 0) return ErrnoStatus("create snapshot directory '" + dir + "'");
  for (const char* part : {"/upper", "/work", "/rootfs"}) {
    if (::mkdir((dir + part).c_str(), 0755) != 0) {
      Status failed = ErrnoStatus(std::string("create snapshot ") + (part + 1) + " in '" + dir + "'");
      (void)RemoveTree(dir);
      return failed;
    }
  }
  return OkStatus();
}

std::string OverlaySnapshotter::RootfsDir(const std::string& key) const {
  return SnapshotDir(key) + "/rootfs";
}

StatusOr<std::string> OverlaySnapshotter::Mount(const std::string& key,
                                                const std::vector<std::string>& lower_dirs) {
  if (lower_dirs.empty()) return InvalidArgument("overlay snapshot '" + key + "' needs at least one layer");
  std::string dir = SnapshotDir(key);
  std::string rootfs = dir + "/rootfs";
  if (IsMountPoint(rootfs)) return rootfs;
  // Overlay lists the top layer first; we keep layers lowest first.
  std::string options = "lowerdir=";
  for (auto it = lower_dirs.rbegin(); it != lower_dirs.rend(); ++it) {
    if (it != lower_dirs.rbegin()) options += ':';
    options += *it;
  }
  options += ",upperdir=" + dir + "/upper,workdir=" + dir + "/work";
  if (options.size() >= static_cast<size_t>(::getpagesize())) {
    return ResourceExhausted("overlay mount options for '" + key + "' exceed one page (" +
                             std::to_string(lower_dirs.size()) + " layers)");
  }
  if (::mount("overlay", rootfs.c_str(), "overlay", 0, options.c_str()) != 0) {
    return ErrnoStatus("mount overlay on '" + rootfs + "'");
  }
  return rootfs;
}

bool OverlaySnapshotter::IsMounted(const std::string& key) const {
  return IsMountPoint(RootfsDir(key));
}

Status OverlaySnapshotter::Unmount(const std::string& key) {
  std::string rootfs = RootfsDir(key);
  if (!IsMountPoint(rootfs)) return OkStatus();
  // NOTE: MNT_DETACH so a process that still holds a cwd inside cannot pin the mount (EBUSY);
  // the payload and everything in its pid namespace is dead by the time we get here.
  if (::umount2(rootfs.c_str(), MNT_DETACH) != 0 && errno != EINVAL && errno != ENOENT) {
    return ErrnoStatus("unmount '" + rootfs + "'");
  }
  return OkStatus();
}

Status OverlaySnapshotter::Remove(const std::string& key) {
  RETURN_IF_ERROR(Unmount(key));
  return RemoveTree(SnapshotDir(key));
}

std::vector<std::string> OverlaySnapshotter::ListKeys() const {
  std::vector<std::string> keys;
  std::unique_ptr<DIR, int (*)(DIR*)> dir(::opendir(snapshots_dir_.c_str()), ::closedir);
  if (!dir) return keys;
  while (struct dirent* entry = ::readdir(dir.get())) {
    std::string name = entry->d_name;
    if (name != "." && name != "..") keys.push_back(name);
  }
  return keys;
}

}  // namespace boxcar
