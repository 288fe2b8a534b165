#include "core/config_drive.h"

#include <fcntl.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <system_error>

namespace boxcar::nova {

namespace {

namespace fs = std::filesystem;

constexpr char kDrivePrefix[] = "config-drive.";
constexpr char kPartialPrefix[] = ".config-drive-partial.";

std::string Errno(const std::string& what) { return what + ": " + std::strerror(errno); }

// "openstack/latest/meta_data.json": relative, no empty, "." or ".." component.
Status CheckDrivePath(const std::string& path) {
  if (path.empty() || path.front() == '/' || path.back() == '/') {
    return InvalidArgument("config drive file '" + path + "': not a relative file path");
  }
  size_t start = 0;
  while (start <= path.size()) {
    size_t end = path.find('/', start);
    if (end == std::string::npos) end = path.size();
    std::string component = path.substr(start, end - start);
    if (component.empty() || component == "." || component == "..") {
      return InvalidArgument("config drive file '" + path + "': empty, '.' or '..' component");
    }
    start = end + 1;
  }
  return OkStatus();
}

Status WriteWholeFile(const std::string& path, const std::string& content) {
  int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0644);
  if (fd < 0) return Internal(Errno("create " + path));
  size_t done = 0;
  while (done < content.size()) {
    ssize_t n = ::write(fd, content.data() + done, content.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) {
      Status failed = Internal(Errno("write " + path));
      ::close(fd);
      return failed;
    }
    done += static_cast<size_t>(n);
  }
  if (::fsync(fd) != 0) {
    Status failed = Internal(Errno("fsync " + path));
    ::close(fd);
    return failed;
  }
  if (::close(fd) != 0) return Internal(Errno("close " + path));
  return OkStatus();
}

bool StartsWith(const std::string& text, const std::string& prefix) {
  return text.compare(0, prefix.size(), prefix) == 0;
}

// A crash between mkdtemp and the rename leaves a .partial directory no container mounts.
void RemovePartials(const fs::path& instance_dir) {
  std::error_code ignored;
  for (const auto& entry : fs::directory_iterator(instance_dir, ignored)) {
    if (StartsWith(entry.path().filename().string(), kPartialPrefix)) {
      fs::remove_all(entry.path(), ignored);
    }
  }
}

}  // namespace

StatusOr<std::string> WriteConfigDrive(const std::string& instances_path,
                                       const std::string& instance_uuid,
                                       const std::vector<ConfigDriveFile>& files) {
  if (instances_path.empty() || instances_path.front() != '/') {
    return FailedPrecondition("instance " + instance_uuid +
                              " needs a config drive and nova.conf's instances_path ('" +
                              instances_path + "') is not an absolute path");
  }
  for (const auto& file : files) RETURN_IF_ERROR(CheckDrivePath(file.path));

  // Only root reads the drive on the host (it may hold the admin password); the container
  // sees it through the mount.
  const fs::path instance_dir = fs::path(instances_path) / instance_uuid;
  std::error_code error;
  fs::create_directories(instance_dir, error);
  if (error) {
    return Internal("create " + instance_dir.string() +
                    " for the config drive: " + error.message());
  }
  if (::chmod(instance_dir.c_str(), 0700) != 0) {
    return Internal(Errno("chmod " + instance_dir.string()));
  }
  RemovePartials(instance_dir);

  std::string partial = (instance_dir / (std::string(kPartialPrefix) + "XXXXXX")).string();
  if (::mkdtemp(partial.data()) == nullptr) return Internal(Errno("mkdtemp " + partial));
  auto discard = [&](Status failed) {
    std::error_code ignored;
    fs::remove_all(partial, ignored);
    return failed;
  };
  if (::chmod(partial.c_str(), 0755) != 0) return discard(Internal(Errno("chmod " + partial)));
  for (const auto& file : files) {
    const fs::path path = fs::path(partial) / file.path;
    fs::create_directories(path.parent_path(), error);
    if (error) {
      return discard(Internal("create " + path.parent_path().string() + ": " + error.message()));
    }
    Status written = WriteWholeFile(path.string(), file.content);
    if (!written.ok()) return discard(written);
  }
  const std::string suffix = partial.substr(partial.size() - 6);
  const std::string drive = (instance_dir / (kDrivePrefix + suffix)).string();
  if (::rename(partial.c_str(), drive.c_str()) != 0) {
    return discard(Internal(Errno("rename " + partial + " to " + drive)));
  }
  return drive;
}

Status RemoveConfigDrive(const std::string& instances_path, const std::string& instance_uuid,
                         const std::string& drive_dir) {
  const fs::path instance_dir = fs::path(instances_path) / instance_uuid;
  const fs::path drive(drive_dir);
  if (instances_path.empty() || drive.parent_path() != instance_dir ||
      !StartsWith(drive.filename().string(), kDrivePrefix)) {
    return InvalidArgument("'" + drive_dir + "' is not a config drive of instance " +
                           instance_uuid + " under " + instances_path);
  }
  std::error_code error;
  fs::remove_all(drive, error);
  if (error) return Internal("remove config drive " + drive_dir + ": " + error.message());
  // The instance's directory goes once nothing of it is left (Nova may keep files of its own
  // there; those stay).
  fs::remove(instance_dir, error);
  return OkStatus();
}

}  // namespace boxcar::nova
