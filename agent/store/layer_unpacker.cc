#include "store/layer_unpacker.h"

#include <archive.h>
#include <archive_entry.h>
#include <fcntl.h>
#include <linux/openat2.h>
#include <sched.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/sysmacros.h>
#include <sys/xattr.h>
#include <unistd.h>

#include <algorithm>
#include <cstring>
#include <functional>
#include <memory>
#include <optional>
#include <string_view>
#include <system_error>
#include <vector>

#include "common/directory_tree.h"
#include "common/private_fs_thread.h"
#include "common/sha256.h"
#include "common/unique_fd.h"
#include "store/archive_error.h"
#include "store/archive_reader.h"
#include "store/background_decompressor.h"
#include "store/layer_decompressor.h"
#include "store/member_data.h"
#include "store/plain_file_writer.h"

namespace boxcar {

namespace {
constexpr std::string_view kNotTarArchive = " is not a tar archive: ";
}  // namespace

bool IsNotTarArchive(const Status& status) {
  return status.code() == StatusCode::kInvalidArgument &&
         status.message().find(kNotTarArchive) != std::string::npos;
}

std::string NotTarArchiveReason(const Status& status) {
  const size_t at = status.message().find(kNotTarArchive);
  return at == std::string::npos ? "" : status.message().substr(at + kNotTarArchive.size());
}

namespace {

constexpr size_t kBlockSize = 1 << 20;
constexpr std::string_view kWhiteoutPrefix = ".wh.";
constexpr std::string_view kWhiteoutMetaPrefix = ".wh..wh.";
constexpr std::string_view kOpaqueMarker = ".wh..wh..opq";

struct ArchiveWriteDeleter {
  void operator()(archive* a) const { archive_write_free(a); }
};
using ArchiveWriter = std::unique_ptr<archive, ArchiveWriteDeleter>;

// The decompressed layer (layer_decompressor.h) as the tar reader's input. The tar reader pulls
// its input from here, so every byte it sees is hashed once and the layer is decompressed
// once: that hash is the diff_id.
class DecompressedStream {
 public:
  // `limit`: the most bytes the decompressed stream may have (0: unlimited).
  explicit DecompressedStream(uint64_t limit) : limit_(limit) {}
  void set_source(LayerDecompressor* source) { source_ = source; }

  // archive_read_open callback for the tar reader.
  static la_ssize_t Read(archive* tar_reader, void* self, const void** block) {
    auto* stream = static_cast<DecompressedStream*>(self);
    size_t size = 0;
    if (!stream->Next(block, &size)) {
      archive_set_error(
          tar_reader, EIO, "decompressing the layer: %s",
          stream->exceeded_ ? "size limit reached" : stream->source_->ErrorText().c_str());
      return -1;
    }
    return static_cast<la_ssize_t>(size);
  }

  // Hashes what the tar reader did not ask for (records of padding after the end marker).
  Status Drain() {
    const void* block;
    size_t size = 0;
    do {
      if (!Next(&block, &size)) {
        return InvalidArgument("layer: truncated or corrupt compressed stream: " +
                               source_->ErrorText());
      }
    } while (size > 0);
    return OkStatus();
  }

  // For an uncompressed blob whose digest the blob store verifies: it is the diff id, asked
  // for once the stream has ended.
  void UseKnownDigest(std::function<std::string()> digest) { known_digest_ = std::move(digest); }
  // For a source that hashes its blocks on its own thread (BackgroundDecompressor): the
  // observer it calls. The source must be gone, or at its end, before FinishDigest.
  DecompressedBlockObserver HashElsewhere() {
    hashed_elsewhere_ = true;
    return [this](const void* block, size_t size) { hasher_.Update(block, size); };
  }
  // "" when the known digest turned out to be unknown (the blob was not stored).
  std::string FinishDigest() { return known_digest_ ? known_digest_() : hasher_.FinishDigest(); }
  bool exceeded() const { return exceeded_; }

 private:
  // One more block (size 0 at the end); false on a decompression error.
  bool Next(const void** block, size_t* size) {
    *block = nullptr;
    *size = 0;
    if (at_end_) return true;
    if (!source_->Next(block, size)) return false;
    if (*size == 0) {
      at_end_ = true;
      return true;
    }
    total_ += *size;
    if (limit_ && total_ > limit_) {
      exceeded_ = true;
      return false;
    }
    if (!known_digest_ && !hashed_elsewhere_) hasher_.Update(*block, *size);
    return true;
  }

  LayerDecompressor* source_ = nullptr;
  const uint64_t limit_;
  Sha256 hasher_;
  std::function<std::string()> known_digest_;
  bool hashed_elsewhere_ = false;
  uint64_t total_ = 0;
  bool exceeded_ = false;
  bool at_end_ = false;
};

Status Refuse(const std::string& member, const std::string& reason) {
  return InvalidArgument("member '" + member + "': " + reason);
}

// Splits a member name into clean components: strips "./" and "/" prefixes (only "/" itself
// may be absolute), drops "." components, refuses "..".
Status NormalizeName(const std::string& raw, std::vector<std::string>* components) {
  components->clear();
  if (!raw.empty() && raw[0] == '/' && raw.find_first_not_of('/') != std::string::npos) {
    return Refuse(raw, "absolute paths are not allowed in a layer");
  }
  size_t start = 0;
  while (start <= raw.size()) {
    size_t end = raw.find('/', start);
    if (end == std::string::npos) end = raw.size();
    std::string part = raw.substr(start, end - start);
    if (part == "..") return Refuse(raw, "'..' components are not allowed");
    if (!part.empty() && part != ".") components->push_back(std::move(part));
    start = end + 1;
  }
  return OkStatus();
}

std::string Join(const std::vector<std::string>& components, size_t count) {
  std::string path;
  for (size_t i = 0; i < count; ++i) {
    if (i) path += '/';
    path += components[i];
  }
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
    std::string_view part(target.data() + start, end - start);
    if (part == "..") {
      if (--depth < 0) return true;
    } else if (!part.empty() && part != ".") {
      ++depth;
    }
    start = end + 1;
  }
  return false;
}

// Opens the directories that hold members, creating missing ones and refusing symlinks on the
// way. libarchive writes by path; these checks make sure the path means what it says.
class ParentDirectories {
 public:
  explicit ParentDirectories(UniqueFd root_fd) : root_fd_(std::move(root_fd)) {}

  // An fd of the parent directory of `components` (owned by this object, valid until the next
  // call). Missing parents are created 0755 (the unpacking thread's umask is 0).
  // NOTE: the last parent opened is cached. A later member can only replace children of that
  // directory, never the directory or its ancestors (those members have another parent), so
  // the cache stays valid.
  StatusOr<int> Open(const std::vector<std::string>& components, const std::string& member) {
    std::string parent = Join(components, components.size() - 1);
    if (parent_fd_ && parent == parent_path_) return parent_fd_.get();
    parent_fd_.reset();
    UniqueFd current(::dup(root_fd_.get()));
    if (!current) return ErrnoStatus("member '" + member + "': dup the layer root");
    for (size_t i = 0; i + 1 < components.size(); ++i) {
      const char* part = components[i].c_str();
      constexpr int kFlags = O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC;
      int fd = ::openat(current.get(), part, kFlags);
      if (fd < 0 && errno == ENOENT) {
        if (::mkdirat(current.get(), part, 0755) != 0 && errno != EEXIST) {
          return ErrnoStatus("member '" + member + "': mkdir '" + Join(components, i + 1) + "'");
        }
        fd = ::openat(current.get(), part, kFlags);
      }
      if (fd < 0) {
        if (errno == ELOOP || errno == ENOTDIR) {
          return Refuse(member, "its parent '" + Join(components, i + 1) +
                                    "' is not a directory (a symlink?)");
        }
        return ErrnoStatus("member '" + member + "': open '" + Join(components, i + 1) + "'");
      }
      current.reset(fd);
    }
    parent_fd_ = std::move(current);
    parent_path_ = std::move(parent);
    struct stat st;
    parent_setgid_ = ::fstat(parent_fd_.get(), &st) != 0 || (st.st_mode & S_ISGID) != 0;
    return parent_fd_.get();
  }

  int root_fd() const { return root_fd_.get(); }
  // Whether the last parent opened gives new files its group (setgid; true when unknown).
  bool parent_setgid() const { return parent_setgid_; }

 private:
  UniqueFd root_fd_;
  UniqueFd parent_fd_;
  std::string parent_path_;
  bool parent_setgid_ = true;
};

// Removes whatever is at `name` in `parent_fd` (file, link, device or directory tree).
// `path` is the same object relative to the layer root (the current directory); its parents
// were checked to be directories.
Status RemoveExisting(int parent_fd, const std::string& name, const std::string& path,
                      const std::string& member) {
  struct stat st;
  if (::fstatat(parent_fd, name.c_str(), &st, AT_SYMLINK_NOFOLLOW) != 0) return OkStatus();
  if (S_ISDIR(st.st_mode)) return RemoveTree(path).Annotate("member '" + member + "'");
  if (::unlinkat(parent_fd, name.c_str(), 0) != 0 && errno != ENOENT) {
    return ErrnoStatus("member '" + member + "': remove '" + path + "'");
  }
  return OkStatus();
}

// ".wh.NAME" becomes an overlayfs whiteout (char 0:0) at NAME; ".wh..wh..opq" marks its
// directory opaque. Other ".wh..wh." names are aufs bookkeeping and are skipped, as Docker and
// containerd do.
Status ApplyWhiteout(ParentDirectories& parents, const std::vector<std::string>& components,
                     const std::string& member) {
  const std::string& base = components.back();
  if (base.rfind(kWhiteoutMetaPrefix, 0) == 0 && base != kOpaqueMarker) return OkStatus();
  ASSIGN_OR_RETURN(int parent_fd, parents.Open(components, member));
  if (base == kOpaqueMarker) {
    if (::fsetxattr(parent_fd, "trusted.overlay.opaque", "y", 1, 0) != 0) {
      return ErrnoStatus("member '" + member + "': mark directory opaque");
    }
    return OkStatus();
  }
  std::string hidden = base.substr(kWhiteoutPrefix.size());
  if (hidden.empty() || hidden == "." || hidden == "..") {
    return Refuse(member, "whiteout of '" + hidden + "' is not allowed");
  }
  std::string hidden_relative = Join(components, components.size() - 1);
  hidden_relative += (hidden_relative.empty() ? "" : "/") + hidden;
  RETURN_IF_ERROR(RemoveExisting(parent_fd, hidden, hidden_relative, member));
  if (::mknodat(parent_fd, hidden.c_str(), S_IFCHR | 0000, makedev(0, 0)) != 0) {
    return ErrnoStatus("member '" + member + "': create whiteout '" + hidden_relative + "'");
  }
  return OkStatus();
}

// A layer must not steer overlayfs (redirects, fake opaque markers): only our whiteout
// translation writes trusted.overlay.* attributes.
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
    if (std::string_view(name).rfind("trusted.overlay.", 0) == 0) {
      dropped = true;
      continue;
    }
    kept.push_back({name, std::string(static_cast<const char*>(value), size)});
  }
  if (!dropped) return;
  archive_entry_xattr_clear(entry);
  for (const auto& xattr : kept) {
    archive_entry_xattr_add_entry(entry, xattr.name.c_str(), xattr.value.data(),
                                  xattr.value.size());
  }
}

// Checks a hard link's target (relative, inside the layer, already unpacked, not a directory)
// and points the entry at its normalised name.
Status RedirectHardLink(ParentDirectories& parents, archive_entry* entry,
                        const std::string& member) {
  std::string link_target = archive_entry_hardlink(entry);
  if (!link_target.empty() && link_target[0] == '/') {
    return Refuse(member, "hard link to an absolute path '" + link_target + "'");
  }
  std::vector<std::string> link_components;
  Status normalized = NormalizeName(link_target, &link_components);
  if (!normalized.ok() || link_components.empty()) {
    return Refuse(member, "hard link target '" + link_target + "' escapes the layer");
  }
  std::string relative = Join(link_components, link_components.size());
  // Resolve the target beneath the root without following any symlink on the way.
  struct open_how how {};
  how.flags = O_PATH | O_NOFOLLOW | O_CLOEXEC;
  how.resolve = RESOLVE_BENEATH | RESOLVE_NO_SYMLINKS;
  UniqueFd target_fd(static_cast<int>(
      ::syscall(SYS_openat2, parents.root_fd(), relative.c_str(), &how, sizeof how)));
  struct stat st;
  if (!target_fd || ::fstat(target_fd.get(), &st) != 0) {
    return Refuse(member, "hard link target '" + link_target + "' is not in the layer");
  }
  if (S_ISDIR(st.st_mode)) return Refuse(member, "hard link to a directory '" + link_target + "'");
  archive_entry_set_hardlink(entry, relative.c_str());
  // NOTE: pax lets a hard link carry data, which libarchive would write into the shared inode
  // (truncating it first). Like Docker, we ignore it: the link is only a name.
  archive_entry_set_size(entry, 0);
  return OkStatus();
}

// The members of the layer, written under the working directory.
Status UnpackMembers(archive* reader, archive* disk, ParentDirectories& parents,
                     const UnpackLimits& limits, UnpackedLayer* result) {
  std::vector<std::string> components;
  for (;;) {
    archive_entry* entry;
    int rc = archive_read_next_header(reader, &entry);
    if (rc == ARCHIVE_EOF) return OkStatus();
    if (rc != ARCHIVE_OK && rc != ARCHIVE_WARN) {
      return InvalidArgument("layer: truncated or corrupt archive after " +
                             std::to_string(result->entry_count) +
                             " members: " + ArchiveErrorText(reader));
    }
    const char* raw_name = archive_entry_pathname(entry);
    if (raw_name == nullptr || *raw_name == '\0') {
      return InvalidArgument("layer: member " + std::to_string(result->entry_count + 1) +
                             " has no (readable) name");
    }
    const std::string member = raw_name;
    ++result->entry_count;
    RETURN_IF_ERROR(NormalizeName(member, &components));
    // "/", "." or "./": the layer root itself. Like containerd, ignore it: the caller owns
    // target_dir's mode and owner.
    if (components.empty()) continue;

    // aufs bookkeeping (/.wh..wh.plnk/..., /.wh..wh.aufs): skipped, as Docker does.
    if (components[0].rfind(kWhiteoutMetaPrefix, 0) == 0 && components[0] != kOpaqueMarker) {
      continue;
    }
    if (components.back().rfind(kWhiteoutPrefix, 0) == 0) {
      RETURN_IF_ERROR(ApplyWhiteout(parents, components, member));
      continue;
    }
    const mode_t type = archive_entry_filetype(entry);
    const bool is_hardlink = archive_entry_hardlink(entry) != nullptr;
    if (!is_hardlink &&
        (type == AE_IFBLK || type == AE_IFCHR || type == AE_IFIFO || type == AE_IFSOCK)) {
      continue;  // dropped: see the header
    }
    ASSIGN_OR_RETURN(int parent_fd, parents.Open(components, member));
    const std::string path = Join(components, components.size());

    if (is_hardlink) {
      RETURN_IF_ERROR(RedirectHardLink(parents, entry, member));
    } else if (type == AE_IFLNK) {
      const char* target = archive_entry_symlink(entry);
      if (target && SymlinkEscapes(components, target)) {
        return Refuse(member, "symlink target '" + std::string(target) + "' escapes the layer");
      }
    } else if (type == AE_IFREG) {
      result->unpacked_bytes +=
          static_cast<uint64_t>(std::max<la_int64_t>(0, archive_entry_size(entry)));
      if (limits.max_unpacked_bytes && result->unpacked_bytes > limits.max_unpacked_bytes) {
        return ResourceExhausted("layer unpacks to more than the " +
                                 std::to_string(limits.max_unpacked_bytes) +
                                 "-byte limit (at member '" + member + "')");
      }
    }
    DropOverlayXattrs(entry);
    if (IsPlainFile(entry)) {
      bool stream_ended = false;
      RETURN_IF_ERROR(WritePlainFile(reader, entry, parent_fd, parents.parent_setgid(),
                                     components.back(), member, &stream_ended, [&] {
                                       return RemoveExisting(parent_fd, components.back(), path,
                                                             member);
                                     }));
      if (stream_ended) return OkStatus();
      continue;
    }
    if (IsPlainSymlink(entry)) {
      RETURN_IF_ERROR(WritePlainSymlink(
          entry, parent_fd, parents.parent_setgid(), components.back(), member,
          [&] { return RemoveExisting(parent_fd, components.back(), path, member); }));
      continue;
    }
    // The later member wins. libarchive replaces files and links itself, but can only rmdir
    // an empty directory in the way.
    if (type != AE_IFDIR || is_hardlink) {
      struct stat st;
      if (::fstatat(parent_fd, components.back().c_str(), &st, AT_SYMLINK_NOFOLLOW) == 0 &&
          S_ISDIR(st.st_mode)) {
        RETURN_IF_ERROR(RemoveTree(path).Annotate("member '" + member + "'"));
      }
    }
    archive_entry_set_pathname(entry, path.c_str());
    rc = archive_write_header(disk, entry);
    if (rc != ARCHIVE_OK && rc != ARCHIVE_WARN) {
      return InvalidArgument("member '" + member + "': " + ArchiveErrorText(disk));
    }
    bool stream_ended = false;
    if (!is_hardlink && archive_entry_size(entry) > 0) {
      RETURN_IF_ERROR(ForEachMemberBlock(
          reader, member, archive_entry_size(entry), &stream_ended,
          [&](const void* block, size_t size, la_int64_t offset) -> Status {
            if (archive_write_data_block(disk, block, size, offset) < ARCHIVE_WARN) {
              return Internal("member '" + member + "': write: " + ArchiveErrorText(disk));
            }
            return OkStatus();
          }));
    }
    rc = archive_write_finish_entry(disk);
    if (rc != ARCHIVE_OK && rc != ARCHIVE_WARN) {
      return Internal("member '" + member + "': " + ArchiveErrorText(disk));
    }
    if (stream_ended) return OkStatus();
  }
}

// The most bytes a layer's decompressed tar stream may have: twice the limit on its files'
// sizes, plus 1 MiB, leaves room for the headers of legitimate layers and still stops a
// layer made of headers alone (millions of empty files) or of one huge pax header.
uint64_t StreamLimit(const UnpackLimits& limits) {
  if (limits.max_unpacked_bytes == 0) return 0;
  return 2 * limits.max_unpacked_bytes + (1 << 20);
}

// Runs on a thread of its own whose working directory is the layer root (see UnpackLayer).
// NOTE: everything that uses relative paths, including the deferred directory fix-ups that
// archive_write_free applies on an early return, must stay inside this function.
// `source` names the layer in errors.
StatusOr<UnpackedLayer> UnpackInWorkingDirectory(const std::string& source,
                                                 const LayerBlockReader& read, UniqueFd root_fd,
                                                 const UnpackLimits& limits,
                                                 const std::function<std::string()>& blob_digest) {
  ParentDirectories parents(std::move(root_fd));

  auto decompressor = OpenLayerDecompressor(read);
  if (!decompressor.ok()) return decompressor.status().Annotate("layer " + source);
  DecompressedStream stream(StreamLimit(limits));
  // Declared after `stream`: a background thread stops before the hasher it feeds goes.
  std::unique_ptr<LayerDecompressor> decompressed = std::move(*decompressor);
  if (decompressed->compressed()) {
    // Inflate and the diff id hash on a thread of their own; this one writes the files.
    decompressed = std::make_unique<BackgroundDecompressor>(std::move(decompressed),
                                                            stream.HashElsewhere());
  } else if (blob_digest) {
    stream.UseKnownDigest(blob_digest);
  }
  stream.set_source(decompressed.get());

  ArchiveReader reader(archive_read_new());
  archive_read_support_format_tar(reader.get());
  archive_read_support_format_gnutar(reader.get());
  if (archive_read_open(reader.get(), &stream, nullptr, &DecompressedStream::Read, nullptr) !=
      ARCHIVE_OK) {
    return InvalidArgument("layer " + source + std::string(kNotTarArchive) +
                           ArchiveErrorText(reader.get()));
  }

  ArchiveWriter disk(archive_write_disk_new());
  // Our lexical and openat checks come first, libarchive's SECURE_* flags second; paths are
  // relative to the working directory, so all three apply. No FFLAGS: an immutable file would
  // make the layer undeletable. No UNLINK: libarchive creates files with O_EXCL and replaces
  // whatever is in the way (never writing through a symlink), which saves an unlink per file.
  archive_write_disk_set_options(
      disk.get(), ARCHIVE_EXTRACT_OWNER | ARCHIVE_EXTRACT_PERM | ARCHIVE_EXTRACT_TIME |
                      ARCHIVE_EXTRACT_XATTR | ARCHIVE_EXTRACT_ACL |
                      ARCHIVE_EXTRACT_SECURE_SYMLINKS | ARCHIVE_EXTRACT_SECURE_NODOTDOT |
                      ARCHIVE_EXTRACT_SECURE_NOABSOLUTEPATHS);

  UnpackedLayer result;
  Status unpacked = UnpackMembers(reader.get(), disk.get(), parents, limits, &result);
  if (unpacked.ok()) {
    // Directory modes and times are applied last (a 0555 directory still gets its children).
    int closed = archive_write_close(disk.get());
    if (closed != ARCHIVE_OK && closed != ARCHIVE_WARN) {
      return Internal("layer: setting directory modes and times: " + ArchiveErrorText(disk.get()));
    }
    unpacked = stream.Drain();
  }
  if (stream.exceeded()) {
    return ResourceExhausted("layer decompresses to more than " +
                             std::to_string(StreamLimit(limits)) + " bytes (the " +
                             std::to_string(limits.max_unpacked_bytes) +
                             "-byte limit, twice over plus 1 MiB for tar headers) after " +
                             std::to_string(result.entry_count) + " members");
  }
  RETURN_IF_ERROR(unpacked);
  result.diff_id = stream.FinishDigest();
  if (result.diff_id.empty())
    return FailedPrecondition("layer " + source + ": its blob was not stored");
  return result;
}

}  // namespace

// Unpacks on a thread with a private working directory (see the NOTE below).
StatusOr<UnpackedLayer> UnpackLayerStream(const std::string& source, const LayerBlockReader& read,
                                          const std::string& target_dir, const UnpackLimits& limits,
                                          const std::function<std::string()>& blob_digest) {
  UniqueFd root_fd(::open(target_dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
  if (!root_fd) return ErrnoStatus("open '" + target_dir + "'");

  // NOTE: libarchive sets the umask to 0 and back for every member, and the umask and working
  // directory belong to the whole process: in the multi-threaded agent, other threads would
  // create files with umask 0 meanwhile. A thread that unshares CLONE_FS gets its own umask
  // and working directory, so libarchive gets relative paths (shorter symlink checks,
  // SECURE_NOABSOLUTEPATHS) and nobody else is affected.
  std::optional<StatusOr<UnpackedLayer>> outcome;
  Status ran = RunWithPrivateFs("unpacking into '" + target_dir + "'", [&]() -> Status {
    ::umask(0);
    if (::fchdir(root_fd.get()) != 0) return ErrnoStatus("chdir '" + target_dir + "'");
    outcome = UnpackInWorkingDirectory(source, read, std::move(root_fd), limits, blob_digest);
    return OkStatus();
  });
  if (!ran.ok()) return ran;
  return std::move(*outcome);
}

StatusOr<UnpackedLayer> UnpackLayerStream(const std::string& source, int source_fd,
                                          const std::string& target_dir, const UnpackLimits& limits,
                                          const std::function<std::string()>& blob_digest) {
  std::unique_ptr<char[]> buffer(new char[kBlockSize]);
  LayerBlockReader read = [&](const void** block, size_t* size) {
    ssize_t n;
    do {
      n = ::read(source_fd, buffer.get(), kBlockSize);
    } while (n < 0 && errno == EINTR);
    if (n < 0) return false;
    *block = buffer.get();
    *size = static_cast<size_t>(n);
    return true;
  };
  return UnpackLayerStream(source, read, target_dir, limits, blob_digest);
}

StatusOr<UnpackedLayer> UnpackLayer(const std::string& blob_path, const std::string& target_dir,
                                    const UnpackLimits& limits, const std::string& blob_digest) {
  UniqueFd blob_fd(::open(blob_path.c_str(), O_RDONLY | O_CLOEXEC));
  if (!blob_fd) return ErrnoStatus("open layer '" + blob_path + "'");
  std::function<std::string()> known_digest;
  if (!blob_digest.empty()) known_digest = [&blob_digest] { return blob_digest; };
  // Named by its digest where known (its path is the agent's business).
  const std::string name = blob_digest.empty() ? "'" + blob_path + "'" : blob_digest;
  return UnpackLayerStream(name, blob_fd.get(), target_dir, limits, known_digest);
}

}  // namespace boxcar
