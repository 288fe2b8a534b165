#include "core/container_init_process.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <vector>

#include "core/mount_point_layer.h"

namespace boxcar {

std::string InitMountPointLayer(const std::string& root_dir) {
  return root_dir + "/init-mount-point";
}

Status EnsureInitMountPointLayer(const std::string& root_dir) {
  // kInitPathInContainer is /sbin/docker-init.
  return EnsureMountPointLayer(InitMountPointLayer(root_dir), "sbin", {"docker-init"}, 0755,
                               "the init's mount point layer");
}

Status CheckInitBinary(const std::string& init_path, const std::string& field) {
  auto refuse = [&](const std::string& why) {
    return FailedPrecondition(field + ": the init binary '" + init_path + "' " + why +
                              "; install Debian's tini package (apt-get install tini, which "
                              "gives " +
                              kDefaultInitPath +
                              ") or start boxcard with --init-path naming a tini or docker-init");
  };
  struct stat info;
  if (::stat(init_path.c_str(), &info) != 0) return refuse(std::strerror(errno));
  if (!S_ISREG(info.st_mode)) return refuse("is not a regular file");
  if (::access(init_path.c_str(), X_OK) != 0) return refuse("is not executable");
  return OkStatus();
}

void AddInitProcess(const std::string& init_path, LaunchSpec* spec) {
  LaunchMount init;
  init.kind = LaunchMount::Kind::kBind;
  init.source = init_path;
  init.target = kInitPathInContainer;
  init.read_only = true;
  // Last: a mount of the caller's on /sbin (or /) must be there before this one lands on it.
  spec->mounts.push_back(std::move(init));
  const std::vector<std::string> init_argv = {kInitPathInContainer, "--"};
  spec->argv.insert(spec->argv.begin(), init_argv.begin(), init_argv.end());
}

}  // namespace boxcar
