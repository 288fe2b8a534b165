// The host's device nodes, which a --privileged container gets in its /dev, as Docker's
// (runc's HostDevices): every character and block device below /dev, except /dev/console,
// /dev/ptmx and what lies in pts, shm, mqueue and fd (the container has its own).
#pragma once

#include <string>
#include <vector>

#include "common/status.h"

namespace boxcar {

// Paths relative to /dev ("null", "net/tun", "dri/card0"), parents before what lies in them.
std::vector<std::string> HostDeviceNodes();

// Binds each of HostDeviceNodes() onto the same path below `dev_dir` (relative to the working
// directory or absolute), making the directories and files to mount on; a node already there
// (null, zero, ... made by the shim) stays as it is.
Status BindHostDevices(const std::string& dev_dir);

}  // namespace boxcar
