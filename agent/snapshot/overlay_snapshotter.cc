#include "snapshot/overlay_snapshotter.h"

#include <dirent.h>
#include <fcntl.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/xattr.h>
#include <unistd.h>

#include <cerrno>
#include <memory>

#include "common/directory_tree.h"
#include "common/private_fs_thread.h"
#include "snapshot/idmapped_overlay.h"
#include "snapshot/overlay_lower_dirs.h"

namespace boxcar {

namespace {

bool IsMountPoint(const std::string& path) {
  struct stat self, parent;
  if (::lstat(path.c_str(), &self) != 0 || ::lstat((path + "/..").c_str(), &parent) != 0)
    return false;
  return self.st_dev != parent.st_dev;
}

}  // namespace

StatusOr<std::unique_ptr<OverlaySnapshotter>> OverlaySnapshotter::Create(
    const std::string& snapshots_dir, TrashCan* trash) {
  RETURN_IF_ERROR(MakeDirectories(snapshots_dir, 0700));
  (void)MarkTopDirectory(snapshots_dir);  // see directory_tree.h
  return std::unique_ptr<OverlaySnapshotter>(new OverlaySnapshotter(snapshots_dir, trash));
}

namespace {
constexpr const char* kParts[] = {"upper", "work", "rootfs"};
}  // namespace

Status OverlaySnapshotter::Prepare(const std::string& key, const IdMapping& ids) {
  for (const char* part : kParts) {
    std::string dir = PartDir(key, part);
    if (::mkdir(dir.c_str(), 0755) != 0) {
      Status failed = ErrnoStatus("create snapshot directory '" + dir + "'");
      (void)Remove(key);
      return failed;
    }
  }
  if (Status chowned = ChownUpper(key, ids); !chowned.ok()) {
    (void)Remove(key);
    return chowned;
  }
  return OkStatus();
}

Status OverlaySnapshotter::ChownUpper(const std::string& key, const IdMapping& ids) const {
  // The upper directory is the root of the merged tree: owned by the mapped root, it is
  // container root's. (The work directory is overlayfs's own, used with the mounter's ids.)
  std::string upper = PartDir(key, "upper");
  if (ids.enabled() && ::chown(upper.c_str(), ids.host_uid, ids.host_gid) != 0) {
    return ErrnoStatus("chown snapshot directory '" + upper + "' to " +
                       std::to_string(ids.host_uid) + ":" + std::to_string(ids.host_gid));
  }
  return OkStatus();
}

Status OverlaySnapshotter::Rekey(const std::string& from, const std::string& to,
                                 const IdMapping& ids) {
  size_t moved = 0;
  Status failure;
  for (const char* part : kParts) {
    if (::rename(PartDir(from, part).c_str(), PartDir(to, part).c_str()) != 0) {
      failure = ErrnoStatus("rename snapshot directory '" + PartDir(from, part) + "'");
      break;
    }
    ++moved;
  }
  if (failure.ok()) failure = ChownUpper(to, ids);
  if (!failure.ok()) {
    for (size_t i = 0; i < moved; ++i)
      (void)::rename(PartDir(to, kParts[i]).c_str(), PartDir(from, kParts[i]).c_str());
  }
  return failure;
}

namespace {

// The attributes of a container's root that its user may have changed (they are the upper
// directory's), back to a fresh directory's: no extended attributes (container root's own,
// ACLs, overlay's), owner and mode those of `fresh` (made by the same Prepare, out of the
// container's reach), times now.
Status ResetRootAttributes(const std::string& dir, const std::string& fresh) {
  struct stat like {};
  if (::lstat(fresh.c_str(), &like) != 0) return ErrnoStatus("stat '" + fresh + "'");
  ssize_t size = ::llistxattr(dir.c_str(), nullptr, 0);
  if (size < 0) return ErrnoStatus("list extended attributes of '" + dir + "'");
  std::string names(static_cast<size_t>(size), '\0');
  if (size > 0) {
    size = ::llistxattr(dir.c_str(), names.data(), names.size());
    if (size < 0) return ErrnoStatus("list extended attributes of '" + dir + "'");
    names.resize(static_cast<size_t>(size));
  }
  for (size_t at = 0; at < names.size();) {
    const std::string name = names.c_str() + at;
    at += name.size() + 1;
    if (name.empty()) continue;
    if (::lremovexattr(dir.c_str(), name.c_str()) != 0 && errno != ENODATA) {
      return ErrnoStatus("remove extended attribute " + name + " of '" + dir + "'");
    }
  }
  // chown first: it clears set-id bits, which the chmod then sets as `fresh` has them.
  if (::lchown(dir.c_str(), like.st_uid, like.st_gid) != 0) return ErrnoStatus("chown '" + dir + "'");
  if (::chmod(dir.c_str(), like.st_mode & 07777) != 0) return ErrnoStatus("chmod '" + dir + "'");
  if (::utimensat(AT_FDCWD, dir.c_str(), nullptr, AT_SYMLINK_NOFOLLOW) != 0) {
    return ErrnoStatus("touch '" + dir + "'");
  }
  return OkStatus();
}

}  // namespace

Status OverlaySnapshotter::Reset(const std::string& key) {
  const std::string rootfs = RootfsDir(key);
  if (IsMountPoint(rootfs)) {
    return FailedPrecondition("snapshot '" + key + "' is mounted on '" + rootfs +
                              "'; unmount it before resetting it");
  }
  for (const char* part : kParts) RETURN_IF_ERROR(DiscardContents(trash_, PartDir(key, part)));
  return ResetRootAttributes(PartDir(key, "upper"), PartDir(key, "work"));
}

std::string OverlaySnapshotter::RootfsDir(const std::string& key) const {
  return PartDir(key, "rootfs");
}

StatusOr<std::string> OverlaySnapshotter::Mount(const std::string& key,
                                                const std::vector<std::string>& layer_dirs,
                                                const IdMapping& ids) {
  if (layer_dirs.empty())
    return InvalidArgument("overlay snapshot '" + key + "' needs at least one layer");
  const std::vector<std::string> lower_dirs = DistinctLowerDirs(layer_dirs);
  std::string rootfs = RootfsDir(key);
  if (IsMountPoint(rootfs)) return rootfs;
  if (ids.enabled()) {
    RETURN_IF_ERROR(
        MountIdmappedOverlay(lower_dirs, PartDir(key, "upper"), PartDir(key, "work"), rootfs, ids));
    return rootfs;
  }
  // Overlay lists the top layer first; we keep layers lowest first.
  // `relative_to`: a directory whose children are named relative to it, the others in full.
  auto build_options = [&](const std::string& relative_to) {
    std::string options = "lowerdir=";
    for (auto it = lower_dirs.rbegin(); it != lower_dirs.rend(); ++it) {
      if (it != lower_dirs.rbegin()) options += ':';
      const bool relative = !relative_to.empty() && it->substr(0, it->rfind('/')) == relative_to;
      options += relative ? it->substr(it->rfind('/') + 1) : *it;
    }
    // volatile: overlay skips syncing the upper filesystem, above all at unmount, which is on
    // the path of every container exit (~0.4 ms). A container's writable layer does not
    // survive a host crash intact anyway; the stale work directory such a crash leaves is
    // cleared below before the next mount.
    return options + ",upperdir=" + PartDir(key, "upper") + ",workdir=" + PartDir(key, "work") +
           ",volatile";
  };
  // A volatile mount leaves <workdir>/work/incompat/volatile behind, even after a clean
  // unmount, and overlay refuses that work directory until it is gone (it cannot tell a clean
  // unmount from a crash). It goes to the trash right after each mount (one rename; which
  // keeps a snapshot at 16 KiB) and, should a crash come in between, before the next one.
  const std::string incompat = PartDir(key, "work") + "/work/incompat";
  if (::access(incompat.c_str(), F_OK) == 0) RETURN_IF_ERROR(RemoveTree(incompat));
  auto mounted = [&]() -> StatusOr<std::string> {
    (void)(trash_ ? trash_->Discard(incompat) : RemoveTree(incompat));
    return rootfs;
  };
  const size_t page = static_cast<size_t>(::getpagesize());
  std::string options = build_options("");
  if (options.size() < page) {
    if (::mount("overlay", rootfs.c_str(), "overlay", 0, options.c_str()) != 0) {
      return ErrnoStatus("mount overlay on '" + rootfs + "'");
    }
    return mounted();
  }
  // Mount data is limited to one page: with many layers, name them relative to their common
  // parent (layers/<number>), from a thread whose working directory is that parent. A lower
  // directory elsewhere (the mount points of the /etc files) keeps its full path.
  std::string parent = lower_dirs.front().substr(0, lower_dirs.front().rfind('/'));
  options = build_options(parent);
  if (options.size() >= page) {
    return ResourceExhausted("overlay mount options for '" + key + "' exceed one page even " +
                             "with relative layer paths (" + std::to_string(lower_dirs.size()) +
                             " layers)");
  }
  RETURN_IF_ERROR(RunWithPrivateFs("mounting '" + rootfs + "'", [&]() -> Status {
    if (::chdir(parent.c_str()) != 0) return ErrnoStatus("chdir '" + parent + "'");
    if (::mount("overlay", rootfs.c_str(), "overlay", 0, options.c_str()) != 0) {
      return ErrnoStatus("mount overlay of " + std::to_string(lower_dirs.size()) + " layers on '" +
                         rootfs + "'");
    }
    return OkStatus();
  }));
  return mounted();
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
  for (const char* part : kParts) {
    RETURN_IF_ERROR(trash_ ? trash_->Discard(PartDir(key, part)) : RemoveTree(PartDir(key, part)));
  }
  return OkStatus();
}

std::vector<std::string> OverlaySnapshotter::ListKeys() const {
  std::vector<std::string> keys;
  for (const auto& name : ListDirectoryNames(snapshots_dir_)) {
    // Every part names the key; count each key once, by its upper directory.
    constexpr std::string_view kSuffix = ".upper";
    if (name.size() > kSuffix.size() &&
        name.compare(name.size() - kSuffix.size(), kSuffix.size(), kSuffix) == 0) {
      keys.push_back(name.substr(0, name.size() - kSuffix.size()));
    }
  }
  return keys;
}

}  // namespace boxcar
