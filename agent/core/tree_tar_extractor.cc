#include "core/tree_tar_extractor.h"

#include <archive.h>
#include <archive_entry.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <memory>
#include <vector>

#include "common/path_in_root.h"
#include "common/unique_fd.h"

namespace boxcar {

namespace {

struct ReaderDeleter {
  void operator()(archive* reader) const { archive_read_free(reader); }
};

// libarchive's input: the source's chunks, each kept until the next is asked for.
struct SourceReader {
  const TarSource* source;
  std::string current;
  Status failure;

  static la_ssize_t Read(archive* reader, void* self, const void** block) {
    auto* input = static_cast<SourceReader*>(self);
    auto next = (*input->source)();
    if (!next.ok()) {
      input->failure = next.status();
      archive_set_error(reader, EIO, "%s", input->failure.message().c_str());
      return -1;
    }
    input->current = std::move(*next);
    *block = input->current.data();
    return static_cast<la_ssize_t>(input->current.size());
  }
};

// "./a/b/" -> "a/b"; components split. False for an absolute name or a ".." component.
bool SplitMemberName(std::string name, std::vector<std::string>* components) {
  if (!name.empty() && name.front() == '/') return false;
  size_t start = 0;
  while (start <= name.size()) {
    size_t end = name.find('/', start);
    if (end == std::string::npos) end = name.size();
    std::string component = name.substr(start, end - start);
    if (component == "..") return false;
    if (!component.empty() && component != ".") components->push_back(component);
    start = end + 1;
  }
  return true;
}

std::string Join(const std::vector<std::string>& components, size_t count) {
  std::string joined;
  for (size_t i = 0; i < count; ++i) joined += (i ? "/" : "") + components[i];
  return joined.empty() ? "." : joined;
}

uint32_t Shift(int64_t id, uint32_t first, uint32_t size) {
  uint32_t plain = id < 0 ? 0 : static_cast<uint32_t>(id);
  return size != 0 && plain < size ? first + plain : plain;
}

class Extraction {
 public:
  Extraction(int dir_fd, const HostIdShift& ids, std::string field)
      : dir_fd_(dir_fd), ids_(ids), field_(std::move(field)) {}

  Status Member(archive* reader, archive_entry* entry) {
    const char* raw = archive_entry_pathname(entry);
    name_ = raw ? raw : "";
    std::vector<std::string> components;
    if (!SplitMemberName(name_, &components)) {
      return Refused("its name is absolute or has '..' (it would land outside the target)");
    }
    const mode_t type = archive_entry_filetype(entry);
    const char* hardlink = archive_entry_hardlink(entry);
    if (components.empty()) {
      // "./": the target directory itself, which exists; its metadata is left alone.
      return type == AE_IFDIR ? OkStatus() : Refused("it names the target directory");
    }
    if (!hardlink && type != AE_IFREG && type != AE_IFDIR && type != AE_IFLNK) {
      return Refused("devices, fifos and sockets are not copied into containers");
    }
    ASSIGN_OR_RETURN(UniqueFd parent, OpenParent(components));
    const std::string& base = components.back();
    const uid_t uid = Shift(archive_entry_uid(entry), ids_.first_uid, ids_.size);
    const gid_t gid = Shift(archive_entry_gid(entry), ids_.first_gid, ids_.size);
    const mode_t mode = archive_entry_perm(entry);
    struct stat existing;
    const bool exists =
        ::fstatat(parent.get(), base.c_str(), &existing, AT_SYMLINK_NOFOLLOW) == 0;
    if (type == AE_IFDIR && !hardlink) {
      if (exists && !S_ISDIR(existing.st_mode)) RETURN_IF_ERROR(Unlink(parent.get(), base, false));
      if ((!exists || !S_ISDIR(existing.st_mode)) &&
          ::mkdirat(parent.get(), base.c_str(), 0700) != 0) {
        return ErrnoStatus(Where("mkdir"));
      }
      UniqueFd dir(::openat(parent.get(), base.c_str(),
                            O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC));
      if (!dir) return ErrnoStatus(Where("open directory"));
      return SetOwnerAndMode(dir.get(), uid, gid, mode);
    }
    if (exists && S_ISDIR(existing.st_mode)) return Refused("a directory is there");
    if (exists) RETURN_IF_ERROR(Unlink(parent.get(), base, false));
    if (hardlink) return Link(parent.get(), base, hardlink);
    if (type == AE_IFLNK) {
      const char* target = archive_entry_symlink(entry);
      if (::symlinkat(target ? target : "", parent.get(), base.c_str()) != 0)
        return ErrnoStatus(Where("symlink"));
      if (::fchownat(parent.get(), base.c_str(), uid, gid, AT_SYMLINK_NOFOLLOW) != 0)
        return ErrnoStatus(Where("chown"));
      return OkStatus();
    }
    UniqueFd file(::openat(parent.get(), base.c_str(),
                           O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600));
    if (!file) return ErrnoStatus(Where("create"));
    RETURN_IF_ERROR(CopyData(reader, file.get()));
    RETURN_IF_ERROR(SetOwnerAndMode(file.get(), uid, gid, mode));
    struct timespec times[2] = {{0, UTIME_OMIT},
                                {archive_entry_mtime(entry),
                                 static_cast<long>(archive_entry_mtime_nsec(entry))}};
    if (::futimens(file.get(), times) != 0) return ErrnoStatus(Where("set the mtime of"));
    return OkStatus();
  }

 private:
  Status Refused(const std::string& why) const {
    return InvalidArgument(field_ + ": member '" + name_ + "': " + why);
  }
  std::string Where(const std::string& operation) const {
    return operation + " member '" + name_ + "'";
  }

  // The member's parent directory below dir_fd, made (0755, root) where missing; never
  // through a symlink.
  StatusOr<UniqueFd> OpenParent(const std::vector<std::string>& components) {
    const size_t depth = components.size() - 1;
    int fd = OpenBeneathWithoutSymlinks(dir_fd_, Join(components, depth), O_PATH | O_DIRECTORY);
    if (fd >= 0) return UniqueFd(fd);
    if (fd == -ELOOP) return Refused("its parent is, or goes through, a symlink");
    if (fd == -ENOTDIR) return Refused("its parent is not a directory");
    if (fd != -ENOENT) return ErrnoStatus(Where("open the parent of"), -fd);
    UniqueFd current(::dup(dir_fd_));
    for (size_t i = 0; i < depth; ++i) {
      if (::mkdirat(current.get(), components[i].c_str(), 0755) != 0 && errno != EEXIST)
        return ErrnoStatus(Where("make the parents of"));
      int next = ::openat(current.get(), components[i].c_str(),
                          O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
      if (next < 0) {
        return errno == ENOTDIR || errno == ELOOP
                   ? Refused("its parent is, or goes through, a symlink or a file")
                   : ErrnoStatus(Where("open the parents of"));
      }
      current.reset(next);
    }
    return current;
  }

  Status Unlink(int parent_fd, const std::string& base, bool directory) {
    if (::unlinkat(parent_fd, base.c_str(), directory ? AT_REMOVEDIR : 0) != 0)
      return ErrnoStatus(Where("replace"));
    return OkStatus();
  }

  // A hard link to an earlier member: its target is looked up as the member names are.
  Status Link(int parent_fd, const std::string& base, const std::string& target_name) {
    std::vector<std::string> target;
    if (!SplitMemberName(target_name, &target) || target.empty())
      return Refused("its link target '" + target_name + "' is absolute or has '..'");
    int target_fd = OpenBeneathWithoutSymlinks(dir_fd_, Join(target, target.size()),
                                               O_PATH | O_NOFOLLOW);
    if (target_fd < 0) {
      return -target_fd == ELOOP ? Refused("its link target goes through a symlink")
                                 : ErrnoStatus(Where("find the link target of"), -target_fd);
    }
    UniqueFd owned(target_fd);
    struct stat st;
    if (::fstat(target_fd, &st) != 0 || S_ISDIR(st.st_mode))
      return Refused("its link target is a directory");
    if (::linkat(target_fd, "", parent_fd, base.c_str(), AT_EMPTY_PATH) != 0)
      return ErrnoStatus(Where("link"));
    return OkStatus();
  }

  Status CopyData(archive* reader, int fd) {
    const void* block;
    size_t size;
    la_int64_t offset;
    for (;;) {
      int rc = archive_read_data_block(reader, &block, &size, &offset);
      if (rc == ARCHIVE_EOF) return OkStatus();
      if (rc < ARCHIVE_WARN) {
        const char* text = archive_error_string(reader);
        return InvalidArgument(field_ + ": member '" + name_ + "': " + (text ? text : "truncated"));
      }
      const char* cursor = static_cast<const char*>(block);
      while (size > 0) {
        ssize_t n = ::pwrite(fd, cursor, size, offset);
        if (n < 0 && errno == EINTR) continue;
        if (n < 0) return ErrnoStatus(Where("write"));
        cursor += n;
        offset += n;
        size -= static_cast<size_t>(n);
      }
    }
  }

  Status SetOwnerAndMode(int fd, uid_t uid, gid_t gid, mode_t mode) {
    // chown first: it clears set-id bits that the mode may set.
    if (::fchown(fd, uid, gid) != 0) return ErrnoStatus(Where("chown"));
    if (::fchmod(fd, mode) != 0) return ErrnoStatus(Where("chmod"));
    return OkStatus();
  }

  int dir_fd_;
  HostIdShift ids_;
  std::string field_;
  std::string name_;
};

}  // namespace

StatusOr<uint64_t> ExtractTarBelow(int dir_fd, const TarSource& source, const HostIdShift& ids,
                                   const std::string& field) {
  std::unique_ptr<archive, ReaderDeleter> reader(archive_read_new());
  archive_read_support_format_tar(reader.get());
  archive_read_support_format_gnutar(reader.get());
  SourceReader input{&source, {}, OkStatus()};
  if (archive_read_open(reader.get(), &input, nullptr, &SourceReader::Read, nullptr) !=
      ARCHIVE_OK) {
    if (!input.failure.ok()) return input.failure;
    return InvalidArgument(field + ": not a tar stream");
  }
  Extraction extraction(dir_fd, ids, field);
  uint64_t members = 0;
  for (;;) {
    archive_entry* entry;
    int rc = archive_read_next_header(reader.get(), &entry);
    if (rc == ARCHIVE_EOF) return members;
    if (rc < ARCHIVE_WARN) {
      if (!input.failure.ok()) return input.failure;
      const char* text = archive_error_string(reader.get());
      return InvalidArgument(field + ": not a tar stream, or a truncated one: " +
                             (text ? text : "unreadable"));
    }
    RETURN_IF_ERROR(extraction.Member(reader.get(), entry));
    ++members;
  }
}

}  // namespace boxcar
