// `boxcar cp`: StatPath, CopyFrom and CopyTo. Paths resolve inside the container's root with
// openat2(RESOLVE_IN_ROOT); a tar coming in is created below its target without following a
// symlink (tree_tar_extractor.h).
#include <fcntl.h>
#include <linux/magic.h>
#include <signal.h>
#include <spdlog/spdlog.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/vfs.h>
#include <unistd.h>

#include "common/disk_full.h"
#include "common/identifiers.h"
#include "common/path_in_root.h"
#include "core/container_etc_files.h"
#include "core/container_mounts.h"
#include "core/container_service.h"
#include "core/container_states.h"
#include "core/copy_root_mounts.h"
#include "core/host_id_blocks.h"
#include "net/container_name_files.h"

namespace boxcar {

namespace {

// "/a/b/" -> "b"; "/" -> "/".
std::string LastComponent(std::string path) {
  while (path.size() > 1 && path.back() == '/') path.pop_back();
  size_t slash = path.rfind('/');
  return path == "/" ? "/" : path.substr(slash + 1);
}

Status CheckPath(const std::string& path, const std::string& field = "path") {
  if (path.empty() || path.front() != '/') {
    return InvalidArgument(field + ": '" + path + "' must be an absolute path inside the container");
  }
  if (path.find('\0') != std::string::npos) return InvalidArgument(field + ": contains a NUL byte");
  // The last component is opened from its parent without RESOLVE_IN_ROOT (so that a symlink
  // is seen as one): a last "..", of the root, would leave the container.
  if (LastComponent(path) == "..") {
    return InvalidArgument(field + ": '" + path +
                           "' ends in '..'; give the directory by its own path");
  }
  return OkStatus();
}

StatusOr<v1::PathStat> StatOf(int fd, const std::string& path) {
  struct stat st;
  if (::fstatat(fd, "", &st, AT_EMPTY_PATH | AT_SYMLINK_NOFOLLOW) != 0)
    return ErrnoStatus("path: stat '" + path + "'");
  v1::PathStat stat;
  stat.set_name(LastComponent(path));
  stat.set_mode(st.st_mode);
  stat.set_size_bytes(static_cast<uint64_t>(st.st_size));
  stat.set_modified_unix_seconds(st.st_mtim.tv_sec);
  if (S_ISLNK(st.st_mode)) {
    std::string target(static_cast<size_t>(st.st_size) + 256, '\0');
    ssize_t n = ::readlinkat(fd, "", target.data(), target.size());
    if (n >= 0) stat.set_link_target(target.substr(0, static_cast<size_t>(n)));
  }
  return stat;
}

bool ProcessAlive(int pidfd) {
  return pidfd >= 0 && ::syscall(SYS_pidfd_send_signal, pidfd, 0, nullptr, 0) == 0;
}

// Where a path's last component is looked up: the path without it, and it ("." for "/").
std::pair<std::string, std::string> SplitLast(std::string path) {
  while (path.size() > 1 && path.back() == '/') path.pop_back();
  size_t slash = path.rfind('/');
  if (path == "/") return {"/", "."};
  return {path.substr(0, slash + 1), path.substr(slash + 1)};
}

}  // namespace

StatusOr<ContainerService::RootForCopy> ContainerService::OpenRootForCopy(
    const std::string& container, const std::string& field, RootView view) {
  ASSIGN_OR_RETURN(EntryPtr entry, Lookup(container, field));
  RootForCopy root;
  root.lock = std::unique_lock<std::mutex>(entry->mutex);
  const v1::Container& record = entry->record;
  if (entry->removed) return NotFound(field + ": '" + container + "' was removed");
  const IdMapping ids = IdMappingOf(record.spec());
  root.ids = {ids.host_uid, ids.host_gid, ids.size};
  root.container_id = record.id();
  root.image_id = record.image_id();
  if (IsLive(record.state()) && view == RootView::kFilesystemOnly) {
    // Its overlay alone (OPEN_TREE_CLONE without AT_RECURSIVE): nothing mounted below it
    // comes along, and the clone lives while the descriptor does, whatever Stop unmounts.
    const std::string rootfs_dir = snapshotter_->RootfsDir(record.id());
    root.root_fd.reset(
        ::open_tree(AT_FDCWD, rootfs_dir.c_str(), OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC));
    if (!root.root_fd)
      return ErrnoStatus("container: clone the root filesystem '" + rootfs_dir + "'");
    struct statfs fs {};
    if (::fstatfs(root.root_fd.get(), &fs) != 0 ||
        static_cast<unsigned long>(fs.f_type) != OVERLAYFS_SUPER_MAGIC) {
      return FailedPrecondition("container: the root filesystem of " + record.name() +
                                " is not mounted (it exited meanwhile?); try again");
    }
    root.lock.unlock();
    return root;
  }
  if (IsLive(record.state())) {
    // As its processes see it, volumes and tmpfs mounts included: the payload's root.
    const std::string proc_root = "/proc/" + std::to_string(record.pid()) + "/root";
    root.root_fd.reset(::open(proc_root.c_str(), O_PATH | O_DIRECTORY | O_CLOEXEC));
    if (!root.root_fd) return ErrnoStatus("container: open the root of " + record.name());
    // The pid could have been reused before the open: the pidfd says it was not.
    if (!ProcessAlive(entry->init_pidfd.get())) {
      return FailedPrecondition("container: " + record.name() + " exited meanwhile; try again");
    }
    root.lock.unlock();  // the descriptor keeps that root; Stop and Start need not wait
    return root;
  }
  // Its snapshot, mounted for this call while the job lock keeps a Start away. An exit's
  // clean-up in flight would unmount it: waited for first.
  entry->changed.wait(root.lock, [&] {
    return !entry->exit_cleanup_pending && !entry->exit_cleanup_running;
  });
  if (entry->removed) return NotFound(field + ": '" + container + "' was removed");
  const std::string id = record.id();
  ASSIGN_OR_RETURN(std::vector<std::string> layer_dirs, images_->LayerDirectories(record.image_id()));
  // Its /etc files as its last run had them (container_etc_files.h), once it has run.
  const bool etc_files = view == RootView::kPayloadView && config_.networks != nullptr &&
                         ImageEtcIsDirectoryOrAbsent(layer_dirs) &&
                         ::access((StateDir(id) + "/" + kHostsFile).c_str(), F_OK) == 0;
  if (etc_files) layer_dirs.push_back(EtcMountPointsLayer(config_.root_dir));
  ASSIGN_OR_RETURN(std::string rootfs_dir, snapshotter_->Mount(id, layer_dirs, ids));
  root.release = [this, id] { WarnIfFailed(id, snapshotter_->Unmount(id)); };
  if (view == RootView::kFilesystemOnly) {
    root.root_fd.reset(::open(rootfs_dir.c_str(), O_PATH | O_DIRECTORY | O_CLOEXEC));
    if (!root.root_fd)
      return ErrnoStatus("container: open the root filesystem '" + rootfs_dir + "'");
    return root;
  }
  // With its volumes and binds, as its payload saw them; a volume removed since, or a kernel
  // that cannot attach below a detached tree, leaves the bare root filesystem.
  auto mounts = LaunchMountsOf(record.spec(), config_.volumes);
  if (mounts.ok() && etc_files) {
    for (auto& mount : EtcFileMounts(StateDir(id), record.spec())) mounts->push_back(mount);
  }
  auto with_mounts = mounts.ok() ? OpenRootWithMounts(rootfs_dir, *mounts, ids) : mounts.status();
  if (with_mounts.ok()) {
    root.root_fd = std::move(*with_mounts);
    return root;
  }
  spdlog::warn("container {}: cp without its volumes: {}", ShortId(id),
               with_mounts.status().message());
  root.root_fd.reset(::open(rootfs_dir.c_str(), O_PATH | O_DIRECTORY | O_CLOEXEC));
  if (!root.root_fd) return ErrnoStatus("container: open the root filesystem '" + rootfs_dir + "'");
  return root;
}

StatusOr<v1::PathStat> ContainerService::StatPath(const std::string& container,
                                                  const std::string& path) {
  RETURN_IF_ERROR(CheckPath(path));
  ASSIGN_OR_RETURN(RootForCopy root, OpenRootForCopy(container));
  // The last component is not followed (a symlink is reported as one), the rest is.
  auto [parent_path, last] = SplitLast(path);
  ASSIGN_OR_RETURN(UniqueFd parent,
                   OpenInRoot(root.root_fd.get(), parent_path, O_PATH | O_DIRECTORY, "path"));
  UniqueFd object(::openat(parent.get(), last.c_str(), O_PATH | O_NOFOLLOW | O_CLOEXEC));
  if (!object) return ErrnoStatus("path: '" + path + "' inside the container");
  return StatOf(object.get(), path);
}

Status ContainerService::CopyFrom(const std::string& container, const std::string& path,
                                  const std::function<Status(const v1::PathStat&)>& stat,
                                  const TarSink& sink) {
  RETURN_IF_ERROR(CheckPath(path));
  ASSIGN_OR_RETURN(RootForCopy root, OpenRootForCopy(container));
  // "DIR/." archives what DIR holds, as "./..." (docker cp's "copy the contents").
  const bool contents = path.size() >= 2 && path.compare(path.size() - 2, 2, "/.") == 0;
  auto [parent_path, last] = SplitLast(contents ? path.substr(0, path.size() - 1) : path);
  UniqueFd object;
  if (contents) {
    ASSIGN_OR_RETURN(object, OpenInRoot(root.root_fd.get(), path, O_PATH | O_DIRECTORY, "path"));
  } else {
    ASSIGN_OR_RETURN(UniqueFd parent,
                     OpenInRoot(root.root_fd.get(), parent_path, O_PATH | O_DIRECTORY, "path"));
    object.reset(::openat(parent.get(), last.c_str(), O_PATH | O_NOFOLLOW | O_CLOEXEC));
    if (!object) return ErrnoStatus("path: '" + path + "' inside the container");
  }
  ASSIGN_OR_RETURN(v1::PathStat described, StatOf(object.get(), contents ? path.substr(0, path.size() - 2) : path));
  RETURN_IF_ERROR(stat(described));
  const std::string member = contents ? "." : (last == "." ? "." : last);
  Status written = WriteTreeAsTar(object.get(), member, root.ids, sink);
  if (!written.ok()) {
    spdlog::warn("container {}: copy of '{}' failed: {}", container, path, written.message());
  }
  return written;
}

StatusOr<uint64_t> ContainerService::CopyTo(const std::string& container, const std::string& path,
                                            const TarSource& source) {
  RETURN_IF_ERROR(CheckPath(path, "header.path"));
  ASSIGN_OR_RETURN(RootForCopy root, OpenRootForCopy(container, "header.container"));
  auto target = OpenInRoot(root.root_fd.get(), path, O_PATH | O_DIRECTORY, "header.path");
  if (!target.ok()) {
    if (target.status().code() == StatusCode::kNotFound ||
        target.status().message().find("Not a directory") != std::string::npos) {
      return FailedPrecondition("header.path: '" + path +
                                "' is not an existing directory inside the container");
    }
    return target.status();
  }
  // An O_PATH descriptor serves as the directory for *at calls.
  auto members = ExtractTarBelow(target->get(), source, root.ids, "chunk", config_.root_dir);
  if (!members.ok()) {
    Status failed = ExplainDiskFull(members.status(), config_.root_dir);
    spdlog::warn("container {}: copy into '{}' failed: {}", container, path, failed.message());
    return failed;
  }
  spdlog::info("container {}: copied {} members into '{}'", container, *members, path);
  return *members;
}

}  // namespace boxcar
