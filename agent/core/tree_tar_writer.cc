#include "core/tree_tar_writer.h"

#include <archive.h>
#include <archive_entry.h>
#include <dirent.h>
#include <fcntl.h>
#include <linux/magic.h>
#include <sys/stat.h>
#include <sys/vfs.h>
#include <unistd.h>

#include <algorithm>
#include <cstring>
#include <map>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "common/unique_fd.h"

namespace boxcar {

namespace {

// A gRPC message each: large enough that per-message costs (a serialisation, a wake-up of the
// reader) stay small beside the copy, far below the CLI's 64 MiB receive limit.
constexpr size_t kSinkPieceBytes = 1 << 20;

// libarchive's output, gathered into pieces for the sink. A file's data is read straight into
// the piece (Room, then archive_write_data of that same memory, which Write recognises and
// does not copy): the bytes reach the sink, and the gRPC message it swaps them into, without
// a copy of their own; the string the sink gives back is the next piece (no allocation, no
// zeroing once it has its size).
struct SinkBuffer {
  const TarSink* sink;
  std::string piece;  // its first `filled` bytes are the tar's next ones
  size_t filled = 0;
  Status failure;

  // Where the next bytes of the tar go, at least one byte long.
  std::pair<char*, size_t> Room() {
    if (piece.size() != kSinkPieceBytes) piece.resize(kSinkPieceBytes);
    return {piece.data() + filled, piece.size() - filled};
  }

  static la_ssize_t Write(archive* writer, void* self, const void* bytes, size_t size) {
    auto* buffer = static_cast<SinkBuffer*>(self);
    if (!buffer->Append(static_cast<const char*>(bytes), size)) {
      archive_set_error(writer, EIO, "%s", buffer->failure.message().c_str());
      return -1;
    }
    return static_cast<la_ssize_t>(size);
  }
  static int Close(archive* writer, void* self) {
    auto* buffer = static_cast<SinkBuffer*>(self);
    if (!buffer->Flush()) {
      archive_set_error(writer, EIO, "%s", buffer->failure.message().c_str());
      return ARCHIVE_FATAL;
    }
    return ARCHIVE_OK;
  }
  bool Append(const char* bytes, size_t size) {
    if (!failure.ok()) return false;
    while (size > 0) {
      auto [room, room_size] = Room();
      const size_t n = std::min(size, room_size);
      if (bytes != room) std::memcpy(room, bytes, n);  // else read there in place (Room)
      filled += n;
      bytes += n;
      size -= n;
      if (filled == kSinkPieceBytes && !Flush()) return false;
    }
    return true;
  }
  bool Flush() {
    if (!failure.ok()) return false;
    if (filled == 0) return true;
    piece.resize(filled);
    failure = (*sink)(&piece);
    filled = 0;
    return failure.ok();
  }
};

struct WriterDeleter {
  void operator()(archive* writer) const { archive_write_free(writer); }
};
struct EntryDeleter {
  void operator()(archive_entry* entry) const { archive_entry_free(entry); }
};

uint32_t Unshift(uint32_t id, uint32_t first, uint32_t size) {
  return size != 0 && id >= first && id - first < size ? id - first : id;
}

// A kernel's view rather than files (a running container's /proc, /sys, /dev/pts, cgroup
// trees): its contents are no part of the container's filesystem, as Docker's cp and export
// leave them out. Reading them fails (/proc/self names a pid of another namespace) or never
// ends.
bool OnPseudoFilesystem(int fd) {
  struct statfs fs;
  if (::fstatfs(fd, &fs) != 0) return false;
  switch (static_cast<unsigned long>(fs.f_type)) {
    case PROC_SUPER_MAGIC:
    case SYSFS_MAGIC:
    case DEVPTS_SUPER_MAGIC:
    case CGROUP_SUPER_MAGIC:
    case CGROUP2_SUPER_MAGIC:
    case 0x19800202:  // mqueue (MQUEUE_MAGIC is not in linux/magic.h)
    case DEBUGFS_MAGIC:
    case TRACEFS_MAGIC:
    case SECURITYFS_MAGIC:
    case BPF_FS_MAGIC:
    case BINFMTFS_MAGIC:
    case PSTOREFS_MAGIC:
    case EFIVARFS_MAGIC:
      return true;
    default:
      return false;
  }
}

class TreeTar {
 public:
  // `options` (may be null): the export's; without them every link of a file is archived whole
  // (what `boxcar cp`'s extraction accepts).
  TreeTar(archive* writer, const HostIdShift& ids, SinkBuffer* buffer,
          const RootTarOptions* options = nullptr)
      : writer_(writer), ids_(ids), buffer_(buffer), options_(options) {}

  // `top`: the object the caller asked for, whose contents are archived also on a pseudo
  // filesystem (`cp CONTAINER:/proc/cpuinfo` reads it); below it such directories are
  // archived empty.
  Status Add(int object_fd, const std::string& name, bool top = false) {
    struct stat st;
    if (::fstatat(object_fd, "", &st, AT_EMPTY_PATH | AT_SYMLINK_NOFOLLOW) != 0)
      return ErrnoStatus("stat '" + name + "'");
    if (S_ISSOCK(st.st_mode)) return OkStatus();
    std::unique_ptr<archive_entry, EntryDeleter> entry(archive_entry_new());
    archive_entry_set_pathname(entry.get(), name.c_str());
    archive_entry_set_mode(entry.get(), st.st_mode);
    archive_entry_set_uid(entry.get(), Unshift(st.st_uid, ids_.first_uid, ids_.size));
    archive_entry_set_gid(entry.get(), Unshift(st.st_gid, ids_.first_gid, ids_.size));
    archive_entry_set_mtime(entry.get(), st.st_mtim.tv_sec, st.st_mtim.tv_nsec);
    UniqueFd data;
    if (options_ != nullptr && S_ISREG(st.st_mode) && st.st_nlink > 1) {
      auto [first, inserted] = first_links_.try_emplace({st.st_dev, st.st_ino}, name);
      if (!inserted) {
        archive_entry_set_hardlink(entry.get(), first->second.c_str());
        archive_entry_set_size(entry.get(), 0);
        if (archive_write_header(writer_, entry.get()) < ARCHIVE_WARN) return Failed(name);
        return OkStatus();
      }
    }
    if (S_ISREG(st.st_mode)) {
      // An O_PATH descriptor cannot be read: reopened through our own /proc, which names
      // exactly the inode that was looked up.
      data = ReopenForReading(object_fd);
      if (!data) return ErrnoStatus("open '" + name + "'");
      archive_entry_set_size(entry.get(), st.st_size);
    } else if (S_ISLNK(st.st_mode)) {
      std::string target(static_cast<size_t>(std::max<off_t>(st.st_size, 0)) + 256, '\0');
      ssize_t n = ::readlinkat(object_fd, "", target.data(), target.size());
      if (n < 0) return ErrnoStatus("readlink '" + name + "'");
      target.resize(static_cast<size_t>(n));
      archive_entry_set_symlink(entry.get(), target.c_str());
    } else if (S_ISCHR(st.st_mode) || S_ISBLK(st.st_mode)) {
      archive_entry_set_rdev(entry.get(), st.st_rdev);
    }
    if (archive_write_header(writer_, entry.get()) < ARCHIVE_WARN) return Failed(name);
    if (data) RETURN_IF_ERROR(CopyData(data.get(), static_cast<uint64_t>(st.st_size), name));
    if (!S_ISDIR(st.st_mode)) return OkStatus();
    if (!top && OnPseudoFilesystem(object_fd)) return OkStatus();
    return AddChildren(object_fd, name);
  }

  // The children of the directory `directory_fd`, named `name`/child ("" : child alone).
  Status AddChildren(int directory_fd, const std::string& name) {
    UniqueFd listing(::openat(directory_fd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC));
    if (!listing) return ErrnoStatus("open directory '" + name + "'");
    std::unique_ptr<DIR, int (*)(DIR*)> dir(::fdopendir(::dup(listing.get())), ::closedir);
    if (!dir) return ErrnoStatus("list '" + name + "'");
    std::vector<std::string> children;
    while (struct dirent* child = ::readdir(dir.get())) {
      std::string child_name = child->d_name;
      if (child_name != "." && child_name != "..") children.push_back(child_name);
    }
    std::sort(children.begin(), children.end());  // the same tree, the same tar
    for (const auto& child : children) {
      const std::string member = name.empty() ? child : name + "/" + child;
      if (options_ != nullptr && options_->left_out.count(member)) continue;
      UniqueFd child_fd(::openat(listing.get(), child.c_str(), O_PATH | O_NOFOLLOW | O_CLOEXEC));
      if (!child_fd) {
        if (errno == ENOENT) continue;  // deleted since the listing
        return ErrnoStatus("open '" + member + "'");
      }
      RETURN_IF_ERROR(Add(child_fd.get(), member));
    }
    return OkStatus();
  }

 private:
  Status Failed(const std::string& name) {
    if (!buffer_->failure.ok()) return buffer_->failure;
    const char* text = archive_error_string(writer_);
    return Internal("tar of '" + name + "': " + (text ? text : "libarchive failed"));
  }

  // Exactly `size` bytes (the header's): a file that shrank meanwhile is padded with zeros,
  // one that grew is cut. Read into the sink's piece itself (SinkBuffer::Room).
  Status CopyData(int fd, uint64_t size, const std::string& name) {
    uint64_t left = size;
    while (left > 0) {
      if (!buffer_->failure.ok()) return buffer_->failure;
      auto [room, room_size] = buffer_->Room();
      const size_t want = static_cast<size_t>(std::min<uint64_t>(left, room_size));
      ssize_t n = ::read(fd, room, want);
      if (n < 0 && errno == EINTR) continue;
      if (n < 0) return ErrnoStatus("read '" + name + "'");
      if (n == 0) {
        std::memset(room, 0, want);
        n = static_cast<ssize_t>(want);
      }
      if (archive_write_data(writer_, room, static_cast<size_t>(n)) < 0) return Failed(name);
      left -= static_cast<uint64_t>(n);
    }
    return OkStatus();
  }

  // The inode an O_PATH descriptor names, opened for reading through our /proc/self/fd,
  // which is opened once: one lookup per file instead of four.
  UniqueFd ReopenForReading(int object_fd) {
    if (!proc_self_fd_) {
      proc_self_fd_.reset(::open("/proc/self/fd", O_PATH | O_DIRECTORY | O_CLOEXEC));
      if (!proc_self_fd_) return UniqueFd();
    }
    return UniqueFd(::openat(proc_self_fd_.get(), std::to_string(object_fd).c_str(),
                             O_RDONLY | O_CLOEXEC | O_NOCTTY));
  }

  archive* writer_;
  HostIdShift ids_;
  SinkBuffer* buffer_;
  const RootTarOptions* options_;
  std::map<std::pair<dev_t, ino_t>, std::string> first_links_;  // the member of each linked file
  UniqueFd proc_self_fd_;
};

// A tar stream to `sink` of what `add` archives, finished once it has.
Status WriteTar(const HostIdShift& ids, const RootTarOptions* options, const TarSink& sink,
                const std::function<Status(TreeTar&)>& add) {
  std::unique_ptr<archive, WriterDeleter> writer(archive_write_new());
  archive_write_set_format_pax_restricted(writer.get());
  // Unblocked: each header and each file's data reach SinkBuffer as libarchive gets them,
  // without a copy through its 10 KiB blocks (SinkBuffer gathers the pieces itself).
  archive_write_set_bytes_per_block(writer.get(), 0);
  archive_write_set_bytes_in_last_block(writer.get(), 1);
  SinkBuffer buffer{&sink, {}, 0, OkStatus()};
  if (archive_write_open(writer.get(), &buffer, nullptr, &SinkBuffer::Write, &SinkBuffer::Close) !=
      ARCHIVE_OK) {
    return Internal("tar: cannot start the stream");
  }
  TreeTar tree(writer.get(), ids, &buffer, options);
  RETURN_IF_ERROR(add(tree));
  if (archive_write_close(writer.get()) != ARCHIVE_OK) {
    if (!buffer.failure.ok()) return buffer.failure;
    const char* text = archive_error_string(writer.get());
    return Internal(std::string("tar: ") + (text ? text : "cannot finish the stream"));
  }
  return OkStatus();
}

}  // namespace

Status WriteTreeAsTar(int top_fd, const std::string& member_name, const HostIdShift& ids,
                      const TarSink& sink) {
  return WriteTar(ids, nullptr, sink,
                  [&](TreeTar& tree) { return tree.Add(top_fd, member_name, /*top=*/true); });
}

Status WriteRootAsTar(int root_fd, const HostIdShift& ids, const RootTarOptions& options,
                      const TarSink& sink) {
  return WriteTar(ids, &options, sink,
                  [&](TreeTar& tree) { return tree.AddChildren(root_fd, ""); });
}

}  // namespace boxcar
