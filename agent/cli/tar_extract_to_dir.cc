#include "cli/tar_extract_to_dir.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <vector>

#include "common/path_components.h"

namespace boxcar::cli {

namespace {

std::string Errno(const std::string& what) { return what + ": " + std::strerror(errno); }

}  // namespace

TarExtractToDir::TarExtractToDir(std::string dir, std::string from_top, std::string to_top)
    : dir_(std::move(dir)),
      from_top_(std::move(from_top)),
      to_top_(std::move(to_top)),
      reader_({[this](const TarHeader& header) { return Header(header); },
               [this](std::string_view bytes) { return Data(bytes); }, [this] { return End(); }}) {
  dir_fd_ = ::open(dir_.c_str(), O_PATH | O_DIRECTORY | O_CLOEXEC);
}

TarExtractToDir::~TarExtractToDir() {
  if (file_fd_ >= 0) ::close(file_fd_);
  if (current_parent_fd_ >= 0) ::close(current_parent_fd_);
  if (dir_fd_ >= 0) ::close(dir_fd_);
}

int TarExtractToDir::OpenParent(const std::string& relative, std::string* base,
                                std::string* error) {
  std::vector<std::string> components = PathComponents(relative);
  if (std::find(components.begin(), components.end(), "..") != components.end()) {
    *error = "member '" + member_ + "': '..' would leave the destination";
    return -1;
  }
  if (components.empty()) {
    *base = ".";
    return ::dup(dir_fd_);
  }
  *base = components.back();
  components.pop_back();
  int fd = ::dup(dir_fd_);
  for (const auto& component : components) {
    if (::mkdirat(fd, component.c_str(), 0755) != 0 && errno != EEXIST) {
      *error = Errno("member '" + member_ + "': mkdir '" + component + "'");
      ::close(fd);
      return -1;
    }
    // O_NOFOLLOW: a symlink on the way is refused, never followed out of the destination.
    int next = ::openat(fd, component.c_str(), O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
    ::close(fd);
    if (next < 0) {
      *error = "member '" + member_ + "': its parent '" + component +
               "' is a symlink or not a directory";
      return -1;
    }
    fd = next;
  }
  return fd;
}

std::string TarExtractToDir::Header(const TarHeader& header) {
  if (dir_fd_ < 0) return "open '" + dir_ + "': " + std::strerror(ENOENT);
  member_ = header.name;
  std::string name = header.name;
  while (name.rfind("./", 0) == 0 && name != "./") name.erase(0, 2);
  while (name.size() > 1 && name.back() == '/') name.pop_back();
  if (!name.empty() && name.front() == '/') return "member '" + member_ + "': an absolute name";
  std::string from = from_top_;
  if (name == from || (from == "." && (name == "." || name == "./"))) {
    name = to_top_;
  } else if (from == ".") {
    name = to_top_ + "/" + name;
  } else if (name.rfind(from + "/", 0) == 0) {
    name = to_top_ + name.substr(from.size());
  } else {
    return "member '" + member_ + "' is not below '" + from_top_ + "'";
  }
  std::string error;
  if (current_parent_fd_ >= 0) ::close(current_parent_fd_);
  current_parent_fd_ = OpenParent(name, &current_base_, &error);
  if (current_parent_fd_ < 0) return error;
  current_ = header;
  const char* base = current_base_.c_str();
  const int parent = current_parent_fd_;
  struct stat existing;
  const bool exists = ::fstatat(parent, base, &existing, AT_SYMLINK_NOFOLLOW) == 0;
  const mode_t mode = header.mode & 07777;
  switch (header.type) {
    case '5':
      if (exists && !S_ISDIR(existing.st_mode) && ::unlinkat(parent, base, 0) != 0)
        return Errno("member '" + member_ + "': replace");
      if ((!exists || !S_ISDIR(existing.st_mode)) && ::mkdirat(parent, base, 0700) != 0)
        return Errno("member '" + member_ + "': mkdir");
      if (::fchmodat(parent, base, mode, 0) != 0) return Errno("member '" + member_ + "': chmod");
      return "";
    case '0':
    case '7':
    case '2':
    case '1':
      if (exists && S_ISDIR(existing.st_mode))
        return "member '" + member_ + "': cannot overwrite a directory with a non-directory";
      if (exists && ::unlinkat(parent, base, 0) != 0)
        return Errno("member '" + member_ + "': replace");
      break;
    default:
      std::fprintf(stderr, "boxcar cp: skipping '%s': devices and fifos are not copied\n",
                   member_.c_str());
      return "";
  }
  if (header.type == '2') {
    if (::symlinkat(header.link_name.c_str(), parent, base) != 0)
      return Errno("member '" + member_ + "': symlink");
    return "";
  }
  if (header.type == '1') {
    std::string target_base;
    std::string link = header.link_name;
    // The link names another member of the stream: renamed the same way.
    if (link == from_top_) {
      link = to_top_;
    } else if (link.rfind(from_top_ + "/", 0) == 0) {
      link = to_top_ + link.substr(from_top_.size());
    }
    int target_parent = OpenParent(link, &target_base, &error);
    if (target_parent < 0) return error;
    int linked = ::linkat(target_parent, target_base.c_str(), parent, base, 0);
    ::close(target_parent);
    if (linked != 0) return Errno("member '" + member_ + "': link");
    return "";
  }
  file_fd_ = ::openat(parent, base, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
  if (file_fd_ < 0) return Errno("member '" + member_ + "': create");
  return "";
}

std::string TarExtractToDir::Data(std::string_view bytes) {
  if (file_fd_ < 0) return "";
  while (!bytes.empty()) {
    ssize_t n = ::write(file_fd_, bytes.data(), bytes.size());
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return Errno("member '" + member_ + "': write");
    bytes.remove_prefix(static_cast<size_t>(n));
  }
  return "";
}

std::string TarExtractToDir::End() {
  if (file_fd_ < 0) return "";
  std::string error;
  if (::fchmod(file_fd_, current_.mode & 07777) != 0) error = Errno("member '" + member_ + "': chmod");
  struct timespec times[2] = {{0, UTIME_OMIT}, {current_.mtime, 0}};
  if (error.empty() && ::futimens(file_fd_, times) != 0)
    error = Errno("member '" + member_ + "': set the mtime of");
  ::close(file_fd_);
  file_fd_ = -1;
  return error;
}

}  // namespace boxcar::cli
