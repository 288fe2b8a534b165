#include "store/layer_unpacker.h"

#include <archive.h>
#include <archive_entry.h>
#include <fcntl.h>
#include <linux/openat2.h>
#include <sys/syscall.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/xattr.h>
#include <unistd.h>

#include <memory>
#include <vector>

#include "common/directory_tree.h"
#include "common/sha256.h"
#include "common/unique_fd.h"

namespace boxcar {

namespace {

constexpr size_t kBlockSize = 1 << 20;
constexpr const char* kWhiteoutPrefix = ".wh.";
constexpr const char* kOpaqueMarker = ".wh..wh..opq";

struct ArchiveReadDeleter {
  void operator()(archive* a) const { archive_read_free(a); }
};
struct ArchiveWriteDeleter {
  void operator()(archive* a) const { archive_write_free(a); }
};
using ArchiveReader = std::unique_ptr<archive, ArchiveReadDeleter>;
using ArchiveWriter = std::unique_ptr<archive, ArchiveWriteDeleter>;

// Feeds libarchive from a file descriptor, hashing every byte it hands over.
struct HashingSource {
  int fd;
  Sha256 hasher;
  std::vector<char> buffer = std::vector<char>(kBlockSize);
  bool hash = true;

  static la_ssize_t Read(archive*, void* self, const void** block) {
    auto* source = static_cast<HashingSource*>(self);
    for (;;) {
      ssize_t n = ::read(source->fd, source->buffer.data(), source->buffer.size());
      if (n < 0 && errno == EINTR) continue;
      if (n > 0 && source->hash) source->hasher.Update(source->buffer.data(), static_cast<size_t>(n));
      *block = source->buffer.data();
      return n;
    }
  }
  // Hashes what libarchive did not read (tar padding after the end-of-archive blocks).
  void Drain() {
    for (;;) {
      ssize_t n = ::read(fd, buffer.data(), buffer.size());
      if (n < 0 && errno == EINTR) continue;
      if (n <= 0) return;
      hasher.Update(buffer.data(), static_cast<size_t>(n));
    }
  }
};

Status Refuse(const std::string& member, const std::string& reason) {
  return InvalidArgument("member '" + member + "': " + reason);
}

// Splits a member name into clean components: strips "./" and "/" prefixes (only "/" itself
// may be absolute), drops "." components, refuses "..".
Status NormalizeName(const std::string& raw, std::vector<std::string>* components) {
  components->clear();
  std::string name = raw;
  if (!name.empty() && name[0] == '/' && name.find_first_not_of('/') != std::string::npos) {
    return Refuse(raw, "absolute paths are not allowed in a layer");
  }
  size_t start = 0;
  while (start <= name.size()) {
    size_t end = name.find('/', start);
    if (end == std::string::npos) end = name.size();
    std::string part = name.substr(start, end - start);
    if (part == "..") return Refuse(raw, "'..' components are not allowed");
    if (!part.empty() && part != ".") components->push_back(part);
    start = end + 1;
  }
  return OkStatus();
}

std::string Join(const std::vector<std::string>& components, size_t count) {
  std::string path;
  for (size_t i = 0; i < count; ++i) path += (i ? "/" : "") + components[i];
  return path;
}

// A relative symlink at `components` whose target climbs above the layer root escapes.
bool SymlinkEscapes(const std::vector<std::string>& components, const std::string& target) {
  if (target.empty() || target[0] == '/') return false;
  long depth = static_cast<long>(components.size()) - 1;  // directory holding the link
  size_t start = 0;
  while (start <= target.size()) {
    size_t end = target.find('/', start);
    if (end == std::string::npos) end = target.size();
    std::string part = target.substr(start, end - start);
    if (part == "..") {
      if (--depth < 0) return true;
    } else if (!part.empty() && part != ".") {
      ++depth;
    }
    start = end + 1;
  }
  return false;
}

class LayerWriter {
 public:
  LayerWriter(std::string target_dir, UniqueFd root_fd) : target_dir_(std::move(target_dir)), root_fd_(std::move(root_fd)) {}

  // Opens (creating 0755 when missing) the parent directories of `components`, refusing
  // symlinks on the way. Returns an fd of the parent directory.
  StatusOr<int> OpenParent(const std::vector<std::string>& components, const std::string& member) {
    std::string parent = Join(components, components.size() - 1);
    if (parent_fd_ && parent == parent_path_) return parent_fd_.get();
    UniqueFd current(::dup(root_fd_.get()));
    for (size_t i = 0; i + 1 < components.size(); ++i) {
      const char* part = components[i].c_str();
      int fd = ::openat(current.get(), part, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
      if (fd < 0 && errno == ENOENT) {
        if (::mkdirat(current.get(), part, 0755) != 0 && errno != EEXIST) {
          return Status(StatusCode::kInternal, "member '" + member + "': mkdir '" + Join(components, i + 1) + "': " + std::strerror(errno));
        }
        fd = ::openat(current.get(), part, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
      }
      if (fd < 0) {
        if (errno == ELOOP || errno == ENOTDIR) {
          return Refuse(member, "its parent '" + Join(components, i + 1) + "' is not a directory (a symlink?)");
        }
        return Status(StatusCode::kInternal, "member '" + member + "': open '" + Join(components, i + 1) + "': " + std::strerror(errno));
      }
      current.reset(fd);
    }
    parent_fd_ = std::move(current);
    parent_path_ = parent;
    return parent_fd_.get();
  }

  // Anything created or replaced may change what a cached parent path means.
  void ForgetParent() {
    parent_fd_.reset();
    parent_path_.clear();
  }

  int root_fd() const { return root_fd_.get(); }
  const std::string& target_dir() const { return target_dir_; }

 private:
  std::string target_dir_;
  UniqueFd root_fd_;
  UniqueFd parent_fd_;
  std::string parent_path_;
};

// Removes whatever is at name inside dir_fd (file, link or directory tree).
Status RemoveAt(int dir_fd, const std::string& name, const std::string& display) {
  struct stat st;
  if (::fstatat(dir_fd, name.c_str(), &st, AT_SYMLINK_NOFOLLOW) != 0) return OkStatus();
  if (S_ISDIR(st.st_mode)) {
    char proc_path[64];
    std::snprintf(proc_path, sizeof proc_path, "/proc/self/fd/%d", dir_fd);
    char resolved[PATH_MAX];
    ssize_t n = ::readlink(proc_path, resolved, sizeof resolved - 1);
    if (n <= 0) return ErrnoStatus("resolve '" + display + "'");
    return RemoveTree(std::string(resolved, static_cast<size_t>(n)) + "/" + name);
  }
  if (::unlinkat(dir_fd, name.c_str(), 0) != 0) return ErrnoStatus("remove '" + display + "'");
  return OkStatus();
}

Status ApplyWhiteout(LayerWriter& writer, const std::vector<std::string>& components, const std::string& member) {
  const std::string& base = components.back();
  ASSIGN_OR_RETURN(int parent_fd, writer.OpenParent(components, member));
  if (base == kOpaqueMarker) {
    if (::fsetxattr(parent_fd, "trusted.overlay.opaque", "y", 1, 0) != 0) {
      return ErrnoStatus("member '" + member + "': mark directory opaque");
    }
    return OkStatus();
  }
  std::string hidden = base.substr(std::strlen(kWhiteoutPrefix));
  if (hidden.empty() || hidden == "." || hidden == ".." || hidden.find('/') != std::string::npos) {
    return Refuse(member, "whiteout of '" + hidden + "' is not allowed");
  }
  RETURN_IF_ERROR(RemoveAt(parent_fd, hidden, member));
  if (::mknodat(parent_fd, hidden.c_str(), S_IFCHR | 0000, makedev(0, 0)) != 0) {
    return ErrnoStatus("member '" + member + "': create whiteout");
  }
  writer.ForgetParent();
  return OkStatus();
}

void DropOverlayXattrs(archive_entry* entry) {
  if (archive_entry_xattr_reset(entry) == 0) return;
  struct Xattr {
    std::string name;
    std::string value;
  };
  std::vector<Xattr> kept;
  const char* name;
  const void* value;
  size_t size;
  bool dropped = false;
  while (archive_entry_xattr_next(entry, &name, &value, &size) == ARCHIVE_OK) {
    if (std::string(name).rfind("trusted.overlay.", 0) == 0) {
      dropped = true;
      continue;
    }
    kept.push_back({name, std::string(static_cast<const char*>(value), size)});
  }
  if (!dropped) return;
  archive_entry_xattr_clear(entry);
  for (const auto& xattr : kept) {
    archive_entry_xattr_add_entry(entry, xattr.name.c_str(), xattr.value.data(), xattr.value.size());
  }
}

StatusOr<std::string> HashDecompressed(const std::string& blob_path) {
  ArchiveReader reader(archive_read_new());
  archive_read_support_filter_all(reader.get());
  archive_read_support_format_raw(reader.get());
  if (archive_read_open_filename(reader.get(), blob_path.c_str(), kBlockSize) != ARCHIVE_OK) {
    return InvalidArgument(std::string("layer: ") + archive_error_string(reader.get()));
  }
  archive_entry* entry;
  if (archive_read_next_header(reader.get(), &entry) != ARCHIVE_OK) {
    return InvalidArgument(std::string("layer: ") + archive_error_string(reader.get()));
  }
  Sha256 hasher;
  const void* block;
  size_t size;
  la_int64_t offset;
  for (;;) {
    int rc = archive_read_data_block(reader.get(), &block, &size, &offset);
    if (rc == ARCHIVE_EOF) break;
    if (rc != ARCHIVE_OK) {
      return InvalidArgument(std::string("layer: truncated or corrupt compressed stream: ") +
                             archive_error_string(reader.get()));
    }
    hasher.Update(block, size);
  }
  return hasher.FinishDigest();
}

}  // namespace

StatusOr<UnpackedLayer> UnpackLayer(const std::string& blob_path, const std::string& target_dir,
                                    const UnpackLimits& limits) {
  UniqueFd blob_fd(::open(blob_path.c_str(), O_RDONLY | O_CLOEXEC));
  if (!blob_fd) return ErrnoStatus("open layer '" + blob_path + "'");
  UniqueFd root_fd(::open(target_dir.c_str(), O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC));
  if (!root_fd) return ErrnoStatus("open '" + target_dir + "'");
  LayerWriter writer(target_dir, std::move(root_fd));

  HashingSource source{blob_fd.get()};
  ArchiveReader reader(archive_read_new());
  archive_read_support_filter_all(reader.get());
  archive_read_support_format_tar(reader.get());
  archive_read_support_format_gnutar(reader.get());
  if (archive_read_open(reader.get(), &source, nullptr, &HashingSource::Read, nullptr) != ARCHIVE_OK) {
    return InvalidArgument(std::string("layer is not a tar archive: ") + archive_error_string(reader.get()));
  }
  ArchiveWriter disk(archive_write_disk_new());
  // Our lexical and openat checks come first; libarchive's SECURE_* flags are the second line.
  // NOABSOLUTEPATHS cannot be set: we hand libarchive absolute paths under target_dir.
  archive_write_disk_set_options(disk.get(), ARCHIVE_EXTRACT_OWNER | ARCHIVE_EXTRACT_PERM | ARCHIVE_EXTRACT_TIME |
                                                 ARCHIVE_EXTRACT_XATTR | ARCHIVE_EXTRACT_ACL |
                                                 ARCHIVE_EXTRACT_UNLINK |
                                                 ARCHIVE_EXTRACT_SECURE_SYMLINKS |
                                                 ARCHIVE_EXTRACT_SECURE_NODOTDOT);

  UnpackedLayer result;
  std::vector<std::string> components;
  std::vector<std::string> link_components;
  for (;;) {
    archive_entry* entry;
    int rc = archive_read_next_header(reader.get(), &entry);
    if (rc == ARCHIVE_EOF) break;
    if (rc < ARCHIVE_WARN) {
      return InvalidArgument(std::string("layer: truncated or corrupt archive: ") + archive_error_string(reader.get()));
    }
    const std::string member = archive_entry_pathname(entry) ? archive_entry_pathname(entry) : "";
    ++result.entry_count;
    RETURN_IF_ERROR(NormalizeName(member, &components));
    if (components.empty()) continue;  // "/", "." or "./": the layer root itself

    const std::string& base = components.back();
    if (base.rfind(kWhiteoutPrefix, 0) == 0) {
      RETURN_IF_ERROR(ApplyWhiteout(writer, components, member));
      continue;
    }
    mode_t type = archive_entry_filetype(entry);
    const char* hardlink = archive_entry_hardlink(entry);
    if (!hardlink && (type == AE_IFBLK || type == AE_IFCHR || type == AE_IFIFO || type == AE_IFSOCK)) {
      continue;  // devices, FIFOs and sockets are dropped (documented in the header)
    }
    ASSIGN_OR_RETURN(int parent_fd, writer.OpenParent(components, member));
    (void)parent_fd;
    std::string relative = Join(components, components.size());
    if (hardlink) {
      std::string link_target = hardlink;
      if (!link_target.empty() && link_target[0] == '/') return Refuse(member, "hard link to an absolute path");
      Status normalized = NormalizeName(link_target, &link_components);
      if (!normalized.ok() || link_components.empty()) return Refuse(member, "hard link target '" + link_target + "' escapes the layer");
      // Resolve the target beneath the root without following any symlink on the way.
      struct open_how how {};
      how.flags = O_PATH | O_NOFOLLOW | O_CLOEXEC;
      how.resolve = RESOLVE_BENEATH | RESOLVE_NO_SYMLINKS;
      UniqueFd target_fd(static_cast<int>(::syscall(SYS_openat2, writer.root_fd(),
                                                    Join(link_components, link_components.size()).c_str(), &how, sizeof how)));
      struct stat st;
      if (!target_fd || ::fstat(target_fd.get(), &st) != 0) {
        return Refuse(member, "hard link target '" + link_target + "' is not in the layer");
      }
      if (S_ISDIR(st.st_mode)) return Refuse(member, "hard link to a directory");
      archive_entry_set_hardlink(entry, (writer.target_dir() + "/" + Join(link_components, link_components.size())).c_str());
    } else if (type == AE_IFLNK) {
      const char* target = archive_entry_symlink(entry);
      if (target && SymlinkEscapes(components, target)) {
        return Refuse(member, "symlink target '" + std::string(target) + "' escapes the layer");
      }
    } else if (type == AE_IFREG) {
      result.unpacked_bytes += static_cast<uint64_t>(std::max<la_int64_t>(0, archive_entry_size(entry)));
      if (limits.max_unpacked_bytes && result.unpacked_bytes > limits.max_unpacked_bytes) {
        return ResourceExhausted("layer unpacks to more than the " + std::to_string(limits.max_unpacked_bytes) +
                                 "-byte limit (at member '" + member + "')");
      }
    }
    DropOverlayXattrs(entry);
    archive_entry_set_pathname(entry, (writer.target_dir() + "/" + relative).c_str());
    if (type == AE_IFDIR || type == AE_IFLNK) writer.ForgetParent();
    rc = archive_write_header(disk.get(), entry);
    if (rc < ARCHIVE_WARN) {
      return InvalidArgument("member '" + member + "': " + archive_error_string(disk.get()));
    }
    if (archive_entry_size(entry) > 0 && !hardlink) {
      const void* block;
      size_t size;
      la_int64_t offset;
      for (;;) {
        rc = archive_read_data_block(reader.get(), &block, &size, &offset);
        if (rc == ARCHIVE_EOF) break;
        if (rc < ARCHIVE_WARN) {
          return InvalidArgument("member '" + member + "': truncated or corrupt data: " +
                                 archive_error_string(reader.get()));
        }
        if (archive_write_data_block(disk.get(), block, size, offset) < ARCHIVE_WARN) {
          return Internal("member '" + member + "': " + archive_error_string(disk.get()));
        }
      }
    }
    if (archive_write_finish_entry(disk.get()) < ARCHIVE_WARN) {
      return Internal("member '" + member + "': " + archive_error_string(disk.get()));
    }
  }
  if (archive_write_close(disk.get()) < ARCHIVE_WARN) {
    return Internal(std::string("layer: finishing directory times and modes: ") + archive_error_string(disk.get()));
  }
  bool compressed = archive_filter_code(reader.get(), 0) != ARCHIVE_FILTER_NONE;
  archive_read_close(reader.get());
  if (compressed) {
    ASSIGN_OR_RETURN(result.diff_id, HashDecompressed(blob_path));
  } else {
    source.Drain();
    result.diff_id = source.hasher.FinishDigest();
  }
  return result;
}

}  // namespace boxcar
