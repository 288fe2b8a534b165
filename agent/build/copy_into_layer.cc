#include "build/copy_into_layer.h"

#include <dirent.h>
#include <fcntl.h>
#include <sys/sendfile.h>
#include <sys/time.h>
#include <unistd.h>

#include <algorithm>
#include <cstring>

#include "common/directory_tree.h"
#include "common/unique_fd.h"
#include "store/layer_unpacker.h"

namespace boxcar {
namespace {

struct Copier {
  const std::string& layer_dir;
  const CopyOptions& options;
  const ImageRootfsView& image;
  // ADD of a local archive: its members keep their owners (unless --chown), as Docker's.
  bool keep_source_owners = false;

  uid_t uid() const { return options.owner ? options.owner->first : 0; }
  gid_t gid() const { return options.owner ? options.owner->second : 0; }
  // Who a copied entry belongs to: --chown's, the archive's (keep_source_owners) or root.
  std::pair<uid_t, gid_t> OwnerOf(const struct stat& st) const {
    if (options.owner) return *options.owner;
    if (keep_source_owners) return {st.st_uid, st.st_gid};
    return {0, 0};
  }

  // Makes the parents of `path` (absolute in the image) in the layer.
  Status MakeParents(const std::string& path) {
    std::string so_far;
    size_t start = 1;
    while (true) {
      size_t end = path.find('/', start);
      if (end == std::string::npos) return OkStatus();
      so_far = path.substr(0, end);
      start = end + 1;
      if (so_far.size() <= 1) continue;
      RETURN_IF_ERROR(MakeDirectory(so_far, false));
    }
  }

  // Makes `path` (absolute in the image) in the layer as a directory, taking the image's owner
  // and mode when it has one there; a copied directory (`copied`) takes the COPY's owner and
  // `copied_mode`.
  Status MakeDirectory(const std::string& path, bool copied, mode_t copied_mode = 0755,
                       std::optional<std::pair<uid_t, gid_t>> copied_owner = std::nullopt) {
    std::string host = layer_dir + path;
    struct stat st;
    if (::lstat(host.c_str(), &st) == 0) {
      if (S_ISDIR(st.st_mode)) return OkStatus();
      if (::unlink(host.c_str()) != 0) return ErrnoStatus("unlink '" + host + "'");
    }
    // New directories take the COPY's owner (as BuildKit and buildah), existing ones keep the
    // image's.
    mode_t mode = copied ? copied_mode : 0755;
    uid_t owner_uid = copied_owner ? copied_owner->first : uid();
    gid_t owner_gid = copied_owner ? copied_owner->second : gid();
    if (!copied) {
      if (auto existing = image.Stat(path); existing && S_ISDIR(existing->st_mode)) {
        mode = existing->st_mode & 07777;
        owner_uid = existing->st_uid;
        owner_gid = existing->st_gid;
      }
    }
    if (::mkdir(host.c_str(), 0700) != 0) return ErrnoStatus("mkdir '" + host + "'");
    if (::lchown(host.c_str(), owner_uid, owner_gid) != 0) {
      return ErrnoStatus("chown '" + host + "'");
    }
    if (::chmod(host.c_str(), mode) != 0) return ErrnoStatus("chmod '" + host + "'");
    return OkStatus();
  }

  Status CheckCancelled() const {
    if (options.cancelled && options.cancelled()) {
      return Status(StatusCode::kCancelled, "the client went away");
    }
    return OkStatus();
  }

  Status CopyFile(const std::string& from, const std::string& to, const struct stat& st) {
    UniqueFd in(::open(from.c_str(), O_RDONLY | O_CLOEXEC | O_NOFOLLOW));
    if (!in) return ErrnoStatus("open '" + from + "'");
    ::unlink(to.c_str());
    UniqueFd out(::open(to.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, 0600));
    if (!out) return ErrnoStatus("create '" + to + "'");
    // In chunks, so that a large file does not hold up a cancel.
    constexpr off_t kChunkBytes = 64 << 20;
    off_t left = st.st_size;
    while (left > 0) {
      RETURN_IF_ERROR(CheckCancelled());
      const size_t chunk = static_cast<size_t>(std::min(left, kChunkBytes));
      ssize_t sent = ::copy_file_range(in.get(), nullptr, out.get(), nullptr, chunk, 0);
      if (sent < 0 && (errno == EXDEV || errno == ENOSYS || errno == EINVAL)) {
        sent = ::sendfile(out.get(), in.get(), nullptr, chunk);
      }
      if (sent < 0) {
        if (errno == EINTR) continue;
        return ErrnoStatus("copy '" + from + "' to '" + to + "'");
      }
      if (sent == 0) break;  // the source shrank
      left -= sent;
    }
    mode_t mode = options.mode ? *options.mode : (st.st_mode & 07777);
    const auto [owner_uid, owner_gid] = OwnerOf(st);
    if (::fchown(out.get(), owner_uid, owner_gid) != 0) return ErrnoStatus("chown '" + to + "'");
    if (::fchmod(out.get(), mode) != 0) return ErrnoStatus("chmod '" + to + "'");
    struct timespec times[2] = {st.st_atim, st.st_mtim};
    ::futimens(out.get(), times);
    return OkStatus();
  }

  // Copies `from` (host path, not followed if a link) to `to` (absolute in the image).
  Status CopyEntry(const std::string& from, const std::string& to) {
    RETURN_IF_ERROR(CheckCancelled());
    struct stat st;
    if (::lstat(from.c_str(), &st) != 0) return ErrnoStatus("lstat '" + from + "'");
    std::string host = layer_dir + to;
    if (S_ISDIR(st.st_mode)) {
      RETURN_IF_ERROR(
          MakeDirectory(to, true, options.mode ? *options.mode : st.st_mode & 07777, OwnerOf(st)));
      return CopyContents(from, to);
    }
    if (S_ISLNK(st.st_mode)) {
      char target[4096];
      ssize_t length = ::readlink(from.c_str(), target, sizeof target - 1);
      if (length < 0) return ErrnoStatus("readlink '" + from + "'");
      target[length] = '\0';
      (void)RemoveTree(host);
      if (::symlink(target, host.c_str()) != 0) return ErrnoStatus("symlink '" + host + "'");
      const auto [owner_uid, owner_gid] = OwnerOf(st);
      if (::lchown(host.c_str(), owner_uid, owner_gid) != 0) {
        return ErrnoStatus("chown '" + host + "'");
      }
      return OkStatus();
    }
    if (S_ISREG(st.st_mode)) {
      struct stat existing;
      if (::lstat(host.c_str(), &existing) == 0 && S_ISDIR(existing.st_mode)) {
        RETURN_IF_ERROR(RemoveTree(host));
      }
      return CopyFile(from, host, st);
    }
    return OkStatus();  // devices, fifos and sockets are not copied (as layers drop them)
  }

  // The entries of directory `from` into directory `to` (which exists in the layer).
  Status CopyContents(const std::string& from, const std::string& to) {
    std::vector<std::string> names;
    DIR* stream = ::opendir(from.c_str());
    if (!stream) return ErrnoStatus("opendir '" + from + "'");
    while (struct dirent* entry = ::readdir(stream)) {
      std::string name = entry->d_name;
      if (name != "." && name != "..") names.push_back(name);
    }
    ::closedir(stream);
    std::sort(names.begin(), names.end());
    for (const auto& name : names) {
      RETURN_IF_ERROR(CopyEntry(from + "/" + name, (to == "/" ? "" : to) + "/" + name));
    }
    return OkStatus();
  }
};

bool IsArchive(const std::string& path) {
  UniqueFd fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC));
  if (!fd) return false;
  unsigned char head[512] = {};
  ssize_t got = ::read(fd.get(), head, sizeof head);
  if (got < 6) return false;
  if (head[0] == 0x1f && head[1] == 0x8b) return true;                       // gzip
  if (std::memcmp(head, "BZh", 3) == 0) return true;                         // bzip2
  if (std::memcmp(head, "\xfd" "7zXZ", 6) == 0) return true;                 // xz
  if (std::memcmp(head, "\x28\xb5\x2f\xfd", 4) == 0) return true;            // zstd
  return got >= 262 && std::memcmp(head + 257, "ustar", 5) == 0;             // tar
}

}  // namespace

bool ParseOctalMode(const std::string& text, mode_t* mode) {
  if (text.empty() || text.size() > 5 || text.find_first_not_of("01234567") != std::string::npos) {
    return false;
  }
  unsigned long value = std::stoul(text, nullptr, 8);
  if (value > 07777) return false;
  *mode = static_cast<mode_t>(value);
  return true;
}

Status MakeDirectoryInLayer(const std::string& path, const std::string& layer_dir,
                            const ImageRootfsView& image) {
  CopyOptions options;
  options.destination = path;
  Copier copier{layer_dir, options, image};
  return copier.MakeParents(path == "/" ? "/" : path + "/");
}

Status CopyIntoLayer(const std::vector<ContextSource>& sources, const std::string& layer_dir,
                     const CopyOptions& options, const ImageRootfsView& image) {
  Copier copier{layer_dir, options, image};
  const std::string& destination = options.destination;
  // Named as a directory: a trailing "/", or a last "." (COPY x . is "into the WORKDIR").
  const bool named_directory =
      destination.back() == '/' ||
      (destination.size() >= 2 && destination.compare(destination.size() - 2, 2, "/.") == 0);
  // The image's symlinks on the way are followed inside its root, as Docker does: COPY into
  // /lib2/ where /lib2 -> usr/lib2 writes /usr/lib2/..., and the link stays.
  ASSIGN_OR_RETURN(std::string dest, image.Resolve(destination, /*follow_last=*/false));
  auto in_image = image.Stat(dest);
  if (in_image && S_ISLNK(in_image->st_mode)) {
    ASSIGN_OR_RETURN(std::string followed, image.Resolve(dest, /*follow_last=*/true));
    auto target = image.Stat(followed);
    if (named_directory || (target && S_ISDIR(target->st_mode))) {
      dest = followed;
      in_image = target;
    }
  }
  const bool into_directory =
      named_directory || sources.size() > 1 || (in_image && S_ISDIR(in_image->st_mode));
  RETURN_IF_ERROR(copier.MakeParents(dest == "/" ? "/" : dest + (into_directory ? "/" : "")));
  for (const auto& source : sources) {
    struct stat st;
    if (::lstat(source.path.c_str(), &st) != 0) return ErrnoStatus("lstat '" + source.path + "'");
    if (S_ISDIR(st.st_mode)) {
      if (dest != "/") RETURN_IF_ERROR(copier.MakeDirectory(dest, false));
      RETURN_IF_ERROR(copier.CopyContents(source.path, dest));
      continue;
    }
    if (options.extract_archives && !source.downloaded && S_ISREG(st.st_mode) &&
        IsArchive(source.path)) {
      // Unpacked with the layer unpacker's checks into a directory of its own, then merged.
      std::string scratch = layer_dir + ".archive";
      (void)RemoveTree(scratch);
      if (::mkdir(scratch.c_str(), 0755) != 0) return ErrnoStatus("mkdir '" + scratch + "'");
      auto unpacked = UnpackLayer(source.path, scratch, UnpackLimits{});
      // A compressed file that holds no tar is copied as it is (as Docker's ADD).
      if (unpacked.ok() || !IsNotTarArchive(unpacked.status())) {
        Status merged = unpacked.ok() ? OkStatus() : unpacked.status();
        if (merged.ok() && dest != "/") merged = copier.MakeDirectory(dest, false);
        if (merged.ok()) {
          CopyOptions archive_options{dest, options.owner, options.mode, false, options.cancelled};
          Copier archive_copier{layer_dir, archive_options, image, /*keep_source_owners=*/true};
          merged = archive_copier.CopyContents(scratch, dest);
        }
        (void)RemoveTree(scratch);
        RETURN_IF_ERROR(merged.Annotate("ADD '" + source.relative_path + "'"));
        continue;
      }
      (void)RemoveTree(scratch);
    }
    std::string name = source.relative_path.substr(source.relative_path.rfind('/') + 1);
    std::string target = into_directory ? (dest == "/" ? "" : dest) + "/" + name : dest;
    RETURN_IF_ERROR(copier.CopyEntry(source.path, target));
  }
  return OkStatus();
}

}  // namespace boxcar
