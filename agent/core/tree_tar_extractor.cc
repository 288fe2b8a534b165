#include "core/tree_tar_extractor.h"

#include <archive.h>
#include <archive_entry.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <memory>
#include <vector>

#include "common/fd_io.h"
#include "common/path_in_root.h"
#include "common/unique_fd.h"
#include "core/tar_extraction_plan.h"

namespace boxcar {

namespace {

struct ReaderDeleter {
  void operator()(archive* reader) const { archive_read_free(reader); }
};

uint32_t Shift(int64_t id, uint32_t first, uint32_t size) {
  uint32_t plain = id < 0 ? 0 : static_cast<uint32_t>(id);
  return size != 0 && plain < size ? first + plain : plain;
}

class Extraction {
 public:
  Extraction(int dir_fd, const HostIdShift& ids, std::string field)
      : dir_fd_(dir_fd), ids_(ids), field_(std::move(field)) {}

  // Creates `member`, whose data `reader` holds next.
  Status Member(archive* reader, archive_entry* entry, const TarMember& member) {
    name_ = member.name;
    const std::vector<std::string>& components = member.components;
    if (components.empty()) return OkStatus();
    const mode_t type = member.type;
    const bool hardlink = member.is_hardlink;
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
      if (!exists || !S_ISDIR(existing.st_mode)) {
        if (::mkdirat(parent.get(), base.c_str(), 0700) != 0) return ErrnoStatus(Where("mkdir"));
        Created(components, components.size() - 1, true);
      }
      UniqueFd dir(::openat(parent.get(), base.c_str(),
                            O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC));
      if (!dir) return ErrnoStatus(Where("open directory"));
      return SetOwnerAndMode(dir.get(), uid, gid, mode);
    }
    if (exists && S_ISDIR(existing.st_mode)) return Refused("a directory is there");
    if (!hardlink && type != AE_IFLNK) {
      return RegularFile(reader, entry, parent.get(), components, exists, uid, gid, mode);
    }
    if (exists) RETURN_IF_ERROR(Unlink(parent.get(), base, false));
    if (hardlink) {
      RETURN_IF_ERROR(Link(parent.get(), base, member.hardlink));
    } else {
      const char* target = archive_entry_symlink(entry);
      if (::symlinkat(target ? target : "", parent.get(), base.c_str()) != 0)
        return ErrnoStatus(Where("symlink"));
      Created(components, components.size() - 1, false);
      if (::fchownat(parent.get(), base.c_str(), uid, gid, AT_SYMLINK_NOFOLLOW) != 0)
        return ErrnoStatus(Where("chown"));
      return OkStatus();
    }
    Created(components, components.size() - 1, false);
    return OkStatus();
  }

  // After a failure midway (a full disk, say): removes what this extraction created, the
  // latest first (a directory after what it made in it). What was there before stays; a
  // file or link an earlier member replaced keeps its new content.
  void Undo() {
    for (auto made = created_.rbegin(); made != created_.rend(); ++made) {
      const std::vector<std::string>& components = made->components;
      const size_t depth = components.size() - 1;
      int parent = OpenBeneathWithoutSymlinks(dir_fd_, JoinComponents(components, depth),
                                              O_PATH | O_DIRECTORY);
      if (parent < 0) continue;
      UniqueFd owned(parent);
      (void)::unlinkat(parent, components.back().c_str(), made->directory ? AT_REMOVEDIR : 0);
    }
    created_.clear();
  }

 private:
  struct Made {
    std::vector<std::string> components;  // its path below dir_fd_
    bool directory;
  };

  void Created(const std::vector<std::string>& components, size_t index, bool directory) {
    created_.push_back({{components.begin(), components.begin() + index + 1}, directory});
  }

  // A regular file: written under a temporary name, then renamed to its own, so that a write
  // failing midway (a full disk) leaves neither a partial file nor, where a file of that name
  // was, a lost one.
  Status RegularFile(archive* reader, archive_entry* entry, int parent_fd,
                     const std::vector<std::string>& components, bool replaces, uid_t uid,
                     gid_t gid, mode_t mode) {
    const std::string& base = components.back();
    const std::string temp_name =
        ".boxcar-cp-" + std::to_string(::getpid()) + "." + std::to_string(temp_files_++);
    UniqueFd file(::openat(parent_fd, temp_name.c_str(),
                           O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600));
    if (!file) return ErrnoStatus(Where("create"));
    Status written = CopyData(reader, file.get());
    if (written.ok()) written = SetOwnerAndMode(file.get(), uid, gid, mode);
    struct timespec times[2] = {{0, UTIME_OMIT},
                                {archive_entry_mtime(entry),
                                 static_cast<long>(archive_entry_mtime_nsec(entry))}};
    if (written.ok() && ::futimens(file.get(), times) != 0)
      written = ErrnoStatus(Where("set the mtime of"));
    if (written.ok() && ::renameat(parent_fd, temp_name.c_str(), parent_fd, base.c_str()) != 0)
      written = ErrnoStatus(Where("rename into place"));
    if (!written.ok()) {
      ::unlinkat(parent_fd, temp_name.c_str(), 0);
      return written;
    }
    if (!replaces) Created(components, components.size() - 1, false);
    return OkStatus();
  }

  Status Refused(const std::string& why) const { return RefusedMember(field_, name_, why); }
  std::string Where(const std::string& operation) const {
    return operation + " member '" + name_ + "'";
  }

  // The member's parent directory below dir_fd, made (0755, root) where missing; never
  // through a symlink.
  StatusOr<UniqueFd> OpenParent(const std::vector<std::string>& components) {
    const size_t depth = components.size() - 1;
    int fd = OpenBeneathWithoutSymlinks(dir_fd_, JoinComponents(components, depth),
                                        O_PATH | O_DIRECTORY);
    if (fd >= 0) return UniqueFd(fd);
    if (fd == -ELOOP) return Refused("its parent is, or goes through, a symlink");
    if (fd == -ENOTDIR) return Refused("its parent is not a directory");
    if (fd != -ENOENT) return ErrnoStatus(Where("open the parent of"), -fd);
    UniqueFd current(::dup(dir_fd_));
    for (size_t i = 0; i < depth; ++i) {
      if (::mkdirat(current.get(), components[i].c_str(), 0755) == 0) {
        Created(components, i, true);
      } else if (errno != EEXIST) {
        return ErrnoStatus(Where("make the parents of"));
      }
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
    int target_fd = OpenBeneathWithoutSymlinks(dir_fd_, JoinComponents(target, target.size()),
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
  std::vector<Made> created_;
  uint64_t temp_files_ = 0;
};

// The stream, kept in an unnamed file of `spool_dir` (gone with its descriptor, also after a
// kill -9), so that it can be read twice.
StatusOr<UniqueFd> SpoolStream(const TarSource& source, const std::string& spool_dir) {
  UniqueFd spool(::open(spool_dir.c_str(), O_TMPFILE | O_RDWR | O_CLOEXEC, 0600));
  if (!spool) return ErrnoStatus("keep the copied tar in '" + spool_dir + "'");
  for (;;) {
    ASSIGN_OR_RETURN(std::string chunk, source());
    if (chunk.empty()) return spool;
    RETURN_IF_ERROR(WriteAll(spool.get(), chunk,
                             "the copied tar, kept in an unnamed file of '" + spool_dir + "'"));
  }
}

// libarchive's input: the spooled file, read in blocks.
struct FileInput {
  int fd;
  std::string block;

  static la_ssize_t Read(archive* reader, void* self, const void** block) {
    auto* input = static_cast<FileInput*>(self);
    ssize_t n;
    do {
      n = ::read(input->fd, input->block.data(), input->block.size());
    } while (n < 0 && errno == EINTR);
    if (n < 0) archive_set_error(reader, errno, "read the copied tar");
    *block = input->block.data();
    return n;
  }
};

using MemberVisitor = std::function<Status(archive*, archive_entry*, const TarMember&)>;

// Reads the tar in `fd` from its start, member by member; how many there were.
StatusOr<uint64_t> ForEachMember(int fd, const std::string& field, const MemberVisitor& visit) {
  if (::lseek(fd, 0, SEEK_SET) != 0) return ErrnoStatus("rewind the copied tar");
  std::unique_ptr<archive, ReaderDeleter> reader(archive_read_new());
  archive_read_support_format_tar(reader.get());
  archive_read_support_format_gnutar(reader.get());
  // Read through, never skipped with a seek: a member cut short must be seen by the plan too.
  FileInput input{fd, std::string(64 << 10, '\0')};
  if (archive_read_open(reader.get(), &input, nullptr, &FileInput::Read, nullptr) != ARCHIVE_OK) {
    return InvalidArgument(field + ": not a tar stream");
  }
  uint64_t members = 0;
  for (;;) {
    archive_entry* entry;
    int rc = archive_read_next_header(reader.get(), &entry);
    if (rc == ARCHIVE_EOF) return members;
    if (rc < ARCHIVE_WARN) {
      const char* text = archive_error_string(reader.get());
      return InvalidArgument(field + ": not a tar stream, or a truncated one: " +
                             (text ? text : "unreadable"));
    }
    ASSIGN_OR_RETURN(TarMember member, ReadTarMember(entry, field));
    RETURN_IF_ERROR(visit(reader.get(), entry, member));
    ++members;
  }
}

}  // namespace

StatusOr<uint64_t> ExtractTarBelow(int dir_fd, const TarSource& source, const HostIdShift& ids,
                                   const std::string& field, const std::string& spool_dir) {
  ASSIGN_OR_RETURN(UniqueFd spool, SpoolStream(source, spool_dir));
  // First the whole stream against the plan: a refused member, or a stream cut short, changes
  // nothing. Then the members, checked again on the tree itself.
  TarExtractionPlan plan(dir_fd, field);
  auto planned = ForEachMember(
      spool.get(), field,
      [&](archive*, archive_entry*, const TarMember& member) { return plan.Plan(member); });
  if (!planned.ok()) return planned.status();
  Extraction extraction(dir_fd, ids, field);
  auto extracted = ForEachMember(
      spool.get(), field, [&](archive* reader, archive_entry* entry, const TarMember& member) {
        return extraction.Member(reader, entry, member);
      });
  if (!extracted.ok()) extraction.Undo();
  return extracted;
}

}  // namespace boxcar
