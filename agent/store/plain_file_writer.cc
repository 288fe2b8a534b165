#include "store/plain_file_writer.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>

#include "common/unique_fd.h"
#include "store/member_data.h"

namespace boxcar {

namespace {

// The data of the current member into `fd` at the blocks' offsets.
Status CopyDataToFile(archive* reader, int fd, const std::string& member, la_int64_t expected_size,
                      bool* stream_ended) {
  return ForEachMemberBlock(
      reader, member, expected_size, stream_ended,
      [&](const void* block, size_t size, la_int64_t offset) -> Status {
        const char* cursor = static_cast<const char*>(block);
        while (size > 0) {
          ssize_t n = ::pwrite(fd, cursor, size, offset);
          if (n < 0 && errno == EINTR) continue;
          if (n < 0) return ErrnoStatus("member '" + member + "': write");
          cursor += n;
          size -= static_cast<size_t>(n);
          offset += n;
        }
        return OkStatus();
      });
}

// The owners a new file gets (outside setgid directories): the agent's, asked once.
uid_t OwnUid() {
  static const uid_t uid = ::geteuid();
  return uid;
}
gid_t OwnGid() {
  static const gid_t gid = ::getegid();
  return gid;
}

// The member's access and modification times (now, where the archive has none).
void EntryTimes(archive_entry* entry, struct timespec times[2]) {
  times[0] = archive_entry_atime_is_set(entry)
                 ? timespec{archive_entry_atime(entry), archive_entry_atime_nsec(entry)}
                 : timespec{0, UTIME_NOW};
  times[1] = archive_entry_mtime_is_set(entry)
                 ? timespec{archive_entry_mtime(entry), archive_entry_mtime_nsec(entry)}
                 : timespec{0, UTIME_NOW};
}

}  // namespace

bool IsPlainFile(archive_entry* entry) {
  return archive_entry_filetype(entry) == AE_IFREG && archive_entry_hardlink(entry) == nullptr &&
         archive_entry_xattr_count(entry) == 0 && archive_entry_acl_types(entry) == 0 &&
         archive_entry_sparse_count(entry) == 0;
}

Status WritePlainFile(archive* reader, archive_entry* entry, int parent_fd, bool parent_setgid,
                      const std::string& name, const std::string& member, bool* stream_ended,
                      const std::function<Status()>& remove_existing) {
  const mode_t mode = archive_entry_mode(entry) & 07777;
  constexpr int kFlags = O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC;
  int fd = ::openat(parent_fd, name.c_str(), kFlags, mode & 0777);
  if (fd < 0 && errno == EEXIST) {
    RETURN_IF_ERROR(remove_existing());
    fd = ::openat(parent_fd, name.c_str(), kFlags, mode & 0777);
  }
  if (fd < 0) return ErrnoStatus("member '" + member + "': create");
  UniqueFd file(fd);
  if (archive_entry_size(entry) > 0) {
    RETURN_IF_ERROR(
        CopyDataToFile(reader, file.get(), member, archive_entry_size(entry), stream_ended));
  }
  const auto uid = static_cast<uid_t>(archive_entry_uid(entry));
  const auto gid = static_cast<gid_t>(archive_entry_gid(entry));
  const bool owned = (uid == OwnUid() && gid == OwnGid() && !parent_setgid) ||
                     ::fchown(file.get(), uid, gid) == 0;
  // chown clears setuid and setgid: the mode goes after it.
  if ((mode & 07000) != 0 && ::fchmod(file.get(), owned ? mode : mode & ~(S_ISUID | S_ISGID)) != 0)
    return ErrnoStatus("member '" + member + "': chmod");
  struct timespec times[2];
  EntryTimes(entry, times);
  if (::futimens(file.get(), times) != 0)
    return ErrnoStatus("member '" + member + "': set times");
  return OkStatus();
}

bool IsPlainSymlink(archive_entry* entry) {
  return archive_entry_filetype(entry) == AE_IFLNK && archive_entry_hardlink(entry) == nullptr &&
         archive_entry_symlink(entry) != nullptr && archive_entry_xattr_count(entry) == 0 &&
         archive_entry_acl_types(entry) == 0;
}

Status WritePlainSymlink(archive_entry* entry, int parent_fd, bool parent_setgid,
                         const std::string& name, const std::string& member,
                         const std::function<Status()>& remove_existing) {
  const char* target = archive_entry_symlink(entry);
  if (::symlinkat(target, parent_fd, name.c_str()) != 0) {
    if (errno != EEXIST) return ErrnoStatus("member '" + member + "': symlink");
    RETURN_IF_ERROR(remove_existing());
    if (::symlinkat(target, parent_fd, name.c_str()) != 0)
      return ErrnoStatus("member '" + member + "': symlink");
  }
  const auto uid = static_cast<uid_t>(archive_entry_uid(entry));
  const auto gid = static_cast<gid_t>(archive_entry_gid(entry));
  if (uid != OwnUid() || gid != OwnGid() || parent_setgid) {
    (void)::fchownat(parent_fd, name.c_str(), uid, gid, AT_SYMLINK_NOFOLLOW);
  }
  struct timespec times[2];
  EntryTimes(entry, times);
  if (::utimensat(parent_fd, name.c_str(), times, AT_SYMLINK_NOFOLLOW) != 0)
    return ErrnoStatus("member '" + member + "': set times");
  return OkStatus();
}

}  // namespace boxcar
