#include "core/container_init_process.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <vector>

#include "core/image_path_lookup.h"
#include "core/mount_point_layer.h"

namespace boxcar {

namespace {

// A file name's limit (NAME_MAX) less room for nothing else: longer places fall back.
constexpr size_t kMaxLayerNameLength = 255;

}  // namespace

std::string InitMountPointLayer(const std::string& root_dir) {
  return root_dir + "/init-mount-point";
}

Status EnsureInitMountPointLayer(const std::string& root_dir) {
  // kInitPathInContainer is /sbin/docker-init.
  return EnsureMountPointLayer(InitMountPointLayer(root_dir), "sbin", {"docker-init"}, 0755,
                               "the init's mount point layer");
}

StatusOr<std::optional<std::string>> InitMountPointLayerOver(
    const std::string& root_dir, const std::vector<std::string>& layer_dirs) {
  std::optional<ImagePath> sbin = LookUpImagePath(layer_dirs, "sbin");
  if (!sbin || (sbin->exists && !sbin->is_directory) || sbin->relative_path.empty()) {
    return std::optional<std::string>();
  }
  if (sbin->relative_path == "sbin")
    return std::optional<std::string>(InitMountPointLayer(root_dir));
  // One layer per place an image's /sbin leads to, named after it ('/' as %2F, '%' as %25).
  std::string name;
  for (char c : sbin->relative_path)
    name += c == '/' ? "%2F" : c == '%' ? "%25" : std::string(1, c);
  if (name.size() > kMaxLayerNameLength) return std::optional<std::string>();
  const std::string parent = root_dir + "/init-mount-points";
  if (::mkdir(parent.c_str(), 0755) != 0 && errno != EEXIST) {
    return ErrnoStatus("create the init's mount point layers '" + parent + "'");
  }
  const std::string layer = parent + "/" + name;
  RETURN_IF_ERROR(EnsureMountPointLayer(layer, sbin->relative_path, {"docker-init"}, 0755,
                                        "the init's mount point layer"));
  return std::optional<std::string>(layer);
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
