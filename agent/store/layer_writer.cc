#include "store/layer_writer.h"

#include <archive.h>
#include <archive_entry.h>
#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/xattr.h>
#include <unistd.h>

#include <algorithm>
#include <map>
#include <memory>
#include <vector>

#include "store/archive_error.h"
#include "common/unique_fd.h"

namespace boxcar {

namespace {

constexpr const char* kOpaqueXattr = "trusted.overlay.opaque";

struct Walk {
  archive* tar = nullptr;
  BlobStore::Writer* blob = nullptr;
  Status blob_status;
  std::map<std::pair<dev_t, ino_t>, std::string> hard_links;  // first path of each inode
  uint64_t entries = 0;
  IdMapping ids;
};

constexpr uint32_t kOverflowId = 65534;

uint32_t ContainerId(uint32_t host_id, uint32_t host_first, uint32_t size) {
  return host_id >= host_first && host_id - host_first < size ? host_id - host_first : kOverflowId;
}

la_ssize_t WriteToBlob(archive*, void* walk_pointer, const void* bytes, size_t size) {
  auto* walk = static_cast<Walk*>(walk_pointer);
  Status written = walk->blob->Write(bytes, size);
  if (!written.ok()) {
    walk->blob_status = written;
    return -1;
  }
  return static_cast<la_ssize_t>(size);
}

using EntryPtr = std::unique_ptr<archive_entry, decltype(&archive_entry_free)>;

// `st` with the owners the container saw (its user namespace's ids).
struct stat OwnedAsInside(const Walk& walk, struct stat st) {
  if (walk.ids.enabled()) {
    st.st_uid = ContainerId(st.st_uid, walk.ids.host_uid, walk.ids.size);
    st.st_gid = ContainerId(st.st_gid, walk.ids.host_gid, walk.ids.size);
  }
  return st;
}

EntryPtr NewEntry(const std::string& name, const struct stat& st) {
  EntryPtr entry(archive_entry_new(), archive_entry_free);
  archive_entry_set_pathname(entry.get(), name.c_str());
  archive_entry_copy_stat(entry.get(), &st);
  return entry;
}

Status TarError(archive* tar, const std::string& what) {
  return Internal("commit: " + what + ": " + ArchiveErrorText(tar));
}

// Copies the xattrs of `path` except overlay's own.
void CopyXattrs(const std::string& path, archive_entry* entry) {
  ssize_t size = ::llistxattr(path.c_str(), nullptr, 0);
  if (size <= 0) return;
  std::string names(static_cast<size_t>(size), '\0');
  size = ::llistxattr(path.c_str(), names.data(), names.size());
  for (size_t start = 0; size > 0 && start < static_cast<size_t>(size);) {
    std::string name(names.c_str() + start);
    start += name.size() + 1;
    if (name.rfind("trusted.overlay.", 0) == 0) continue;
    ssize_t value_size = ::lgetxattr(path.c_str(), name.c_str(), nullptr, 0);
    if (value_size < 0) continue;
    std::string value(static_cast<size_t>(value_size), '\0');
    value_size = ::lgetxattr(path.c_str(), name.c_str(), value.data(), value.size());
    if (value_size >= 0)
      archive_entry_xattr_add_entry(entry, name.c_str(), value.data(), value_size);
  }
}

Status WriteFileData(Walk& walk, const std::string& path, const std::string& name) {
  UniqueFd fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NOFOLLOW));
  if (!fd) return ErrnoStatus("commit: open '" + name + "'");
  std::string buffer(1 << 20, '\0');
  for (;;) {
    ssize_t n = ::read(fd.get(), buffer.data(), buffer.size());
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return ErrnoStatus("commit: read '" + name + "'");
    if (n == 0) return OkStatus();
    if (archive_write_data(walk.tar, buffer.data(), static_cast<size_t>(n)) != n) {
      return walk.blob_status.ok() ? TarError(walk.tar, "write '" + name + "'") : walk.blob_status;
    }
  }
}

Status WriteHeader(Walk& walk, archive_entry* entry, const std::string& name) {
  ++walk.entries;
  if (archive_write_header(walk.tar, entry) != ARCHIVE_OK) {
    return walk.blob_status.ok() ? TarError(walk.tar, "add '" + name + "'") : walk.blob_status;
  }
  return OkStatus();
}

// Writes the members below `dir` (the tar name prefix `prefix`, "" or "a/b/").
Status WalkDirectory(Walk& walk, const std::string& dir, const std::string& prefix) {
  std::vector<std::string> names;
  {
    std::unique_ptr<DIR, int (*)(DIR*)> handle(::opendir(dir.c_str()), ::closedir);
    if (!handle) return ErrnoStatus("commit: open directory '" + dir + "'");
    while (struct dirent* entry = ::readdir(handle.get())) {
      std::string name = entry->d_name;
      if (name != "." && name != "..") names.push_back(name);
    }
  }
  std::sort(names.begin(), names.end());
  for (const auto& base : names) {
    const std::string path = dir + "/" + base;
    const std::string name = prefix + base;
    struct stat st;
    if (::lstat(path.c_str(), &st) != 0) return ErrnoStatus("commit: stat '" + name + "'");
    if (S_ISCHR(st.st_mode) && st.st_rdev == makedev(0, 0)) {
      // Overlay's whiteout: the file was deleted from a lower layer.
      struct stat empty = st;
      empty.st_mode = S_IFREG | 0000;
      empty.st_size = 0;
      empty.st_rdev = 0;
      // Overlayfs makes whiteouts with the mounter's ids, host root's even in a user namespace.
      empty.st_uid = 0;
      empty.st_gid = 0;
      EntryPtr entry = NewEntry(prefix + ".wh." + base, empty);
      RETURN_IF_ERROR(WriteHeader(walk, entry.get(), name));
      continue;
    }
    if (S_ISSOCK(st.st_mode)) continue;  // not representable in a layer
    EntryPtr entry = NewEntry(S_ISDIR(st.st_mode) ? name + "/" : name, OwnedAsInside(walk, st));
    if (S_ISLNK(st.st_mode)) {
      std::string target(PATH_MAX, '\0');
      ssize_t length = ::readlink(path.c_str(), target.data(), target.size());
      if (length < 0) return ErrnoStatus("commit: readlink '" + name + "'");
      target.resize(static_cast<size_t>(length));
      archive_entry_set_symlink(entry.get(), target.c_str());
    }
    if (S_ISREG(st.st_mode) && st.st_nlink > 1) {
      auto [link, inserted] = walk.hard_links.emplace(std::make_pair(st.st_dev, st.st_ino), name);
      if (!inserted) {
        archive_entry_set_hardlink(entry.get(), link->second.c_str());
        archive_entry_set_size(entry.get(), 0);
        RETURN_IF_ERROR(WriteHeader(walk, entry.get(), name));
        continue;
      }
    }
    CopyXattrs(path, entry.get());
    RETURN_IF_ERROR(WriteHeader(walk, entry.get(), name));
    if (S_ISREG(st.st_mode) && st.st_size > 0) RETURN_IF_ERROR(WriteFileData(walk, path, name));
    if (S_ISDIR(st.st_mode)) {
      char opaque = 0;
      if (::lgetxattr(path.c_str(), kOpaqueXattr, &opaque, 1) == 1 && opaque == 'y') {
        // Overlay's opaque directory: nothing of the lower layers' version shows through.
        struct stat marker = st;
        marker.st_mode = S_IFREG | 0000;
        marker.st_size = 0;
        marker.st_nlink = 1;
        EntryPtr wh = NewEntry(name + "/.wh..wh..opq", OwnedAsInside(walk, marker));
        RETURN_IF_ERROR(WriteHeader(walk, wh.get(), name + "/.wh..wh..opq"));
      }
      RETURN_IF_ERROR(WalkDirectory(walk, path, name + "/"));
    }
  }
  return OkStatus();
}

}  // namespace

StatusOr<WrittenLayer> WriteLayerFromDirectory(const std::string& upper_dir, const IdMapping& ids,
                                               BlobStore* blobs) {
  ASSIGN_OR_RETURN(auto blob, blobs->NewWriter());
  Walk walk;
  walk.blob = blob.get();
  walk.ids = ids;
  std::unique_ptr<archive, decltype(&archive_write_free)> tar(archive_write_new(),
                                                              archive_write_free);
  walk.tar = tar.get();
  archive_write_set_format_pax_restricted(tar.get());
  if (archive_write_open(tar.get(), &walk, nullptr, &WriteToBlob, nullptr) != ARCHIVE_OK) {
    return TarError(tar.get(), "start the layer");
  }
  RETURN_IF_ERROR(WalkDirectory(walk, upper_dir, ""));
  if (archive_write_close(tar.get()) != ARCHIVE_OK) {
    return walk.blob_status.ok() ? TarError(tar.get(), "finish the layer") : walk.blob_status;
  }
  WrittenLayer layer;
  layer.size = blob->bytes_written();
  layer.entries = walk.entries;
  ASSIGN_OR_RETURN(layer.digest, blob->Commit());
  return layer;
}

}  // namespace boxcar
