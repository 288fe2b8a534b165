// BuildKit's automatic platform ARGs (TARGETPLATFORM, TARGETOS, TARGETARCH, TARGETVARIANT,
// BUILDPLATFORM, BUILDOS, BUILDARCH, BUILDVARIANT): global ARGs with the platform in Go's
// names (GOOS/GOARCH, "linux/amd64", "linux/arm/v7"). Builds are for this host's platform, so
// the target is the build platform.
#pragma once

#include <string>

#include "build/shell_words.h"

namespace boxcar {

struct BuildPlatform {
  std::string os;
  std::string arch;
  std::string variant;  // "" when the architecture has none (amd64, arm64)

  // "os/arch" or "os/arch/variant".
  std::string ToString() const;
};

// The Linux platform of a `machine` as uname(2) names it (x86_64, aarch64, armv7l, i686...),
// in Go's names (amd64, arm64, arm + v7, 386...); a name it does not know stays as it is.
BuildPlatform LinuxPlatformOfMachine(const std::string& machine);

// This host's platform (uname(2)).
BuildPlatform HostPlatform();

// The eight automatic ARGs for a build on and for `platform`.
BuildVariables AutomaticPlatformArgs(const BuildPlatform& platform);

}  // namespace boxcar
