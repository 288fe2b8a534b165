#include "build/platform_args.h"

#include <sys/utsname.h>

#include <cctype>

namespace boxcar {

std::string BuildPlatform::ToString() const {
  return os + "/" + arch + (variant.empty() ? "" : "/" + variant);
}

BuildPlatform LinuxPlatformOfMachine(const std::string& machine) {
  BuildPlatform platform{"linux", machine, ""};
  if (machine == "x86_64" || machine == "amd64") {
    platform.arch = "amd64";
  } else if (machine == "aarch64" || machine == "arm64") {
    platform.arch = "arm64";  // v8, which Go's platform names leave out
  } else if (machine.size() == 4 && machine.compare(0, 1, "i") == 0 &&
             machine.compare(2, 2, "86") == 0) {
    platform.arch = "386";  // i386 ... i686
  } else if (machine.rfind("armv", 0) == 0 && machine.size() > 4 && std::isdigit(machine[4])) {
    platform.arch = "arm";  // armv7l: arm/v7
    platform.variant = "v" + std::string(1, machine[4]);
  } else if (machine == "loongarch64") {
    platform.arch = "loong64";
  }
  return platform;
}

BuildPlatform HostPlatform() {
  struct utsname host {};
  if (::uname(&host) != 0) return LinuxPlatformOfMachine("");
  return LinuxPlatformOfMachine(host.machine);
}

BuildVariables AutomaticPlatformArgs(const BuildPlatform& platform) {
  BuildVariables args;
  for (const char* side : {"TARGET", "BUILD"}) {
    const std::string prefix = side;
    args[prefix + "PLATFORM"] = platform.ToString();
    args[prefix + "OS"] = platform.os;
    args[prefix + "ARCH"] = platform.arch;
    args[prefix + "VARIANT"] = platform.variant;
  }
  return args;
}

}  // namespace boxcar
