#include "core/container_devices.h"

#include <sys/stat.h>
#include <sys/sysmacros.h>

#include <cerrno>
#include <cstring>
#include <string>

namespace boxcar {

StatusOr<ContainerDevices> ResolveContainerDevices(const v1::ContainerSpec& spec) {
  ContainerDevices devices;
  // --privileged: every device (the host's nodes are bound into its /dev), as Docker's.
  devices.rules = spec.privileged()
                      ? std::vector<DeviceRule>{{'a', DeviceRule::kAny, DeviceRule::kAny, "rwm"}}
                      : DefaultDeviceRules();
  for (int i = 0; i < spec.devices_size(); ++i) {
    const v1::DeviceMapping& mapping = spec.devices(i);
    const std::string field = "spec.devices[" + std::to_string(i) + "]";
    const std::string& host_path = mapping.host_path();
    if (host_path.empty() || host_path[0] != '/') {
      return InvalidArgument(field + ".host_path: '" + host_path +
                             "' must be an absolute path of a device node on the host");
    }
    struct stat node;
    if (::stat(host_path.c_str(), &node) != 0) {
      return InvalidArgument(field + ".host_path: '" + host_path +
                             "' does not exist on this host: " + std::strerror(errno));
    }
    if (!S_ISCHR(node.st_mode) && !S_ISBLK(node.st_mode)) {
      return InvalidArgument(field + ".host_path: '" + host_path +
                             "' is not a character or block device");
    }
    const std::string target =
        mapping.container_path().empty() ? host_path : mapping.container_path();
    if (target[0] != '/' || target == "/") {
      return InvalidArgument(field + ".container_path: '" + target +
                             "' must be an absolute path below / (e.g. /dev/xvdc)");
    }
    const std::string access = mapping.permissions().empty() ? "rwm" : mapping.permissions();
    if (!IsDeviceAccess(access)) {
      return InvalidArgument(field + ".permissions: '" + mapping.permissions() +
                             "' is not some of r (read), w (write) and m (mknod)");
    }
    LaunchDevice device;
    device.host_path = host_path;
    device.target = target;
    device.type = S_ISBLK(node.st_mode) ? 'b' : 'c';
    device.major = ::major(node.st_rdev);
    device.minor = ::minor(node.st_rdev);
    device.mode = node.st_mode & 07777;
    device.uid = node.st_uid;
    device.gid = node.st_gid;
    devices.rules.push_back({device.type, device.major, device.minor, access});
    devices.nodes.push_back(std::move(device));
  }
  return devices;
}

}  // namespace boxcar
