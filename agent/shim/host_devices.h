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

// The nodes every container's /dev has of its own: null, zero, full, random, urandom and tty,
// made by boxcar-shim (container_init.cc), lxc.autodev and libvirt_lxc alike. A backend that
// lists the host's nodes for its manager leaves them out (libvirt refuses to make one twice).
bool IsStandardDeviceNode(const std::string& relative);

// Binds each of HostDeviceNodes() onto the same path below `dev_dir` (relative to the working
// directory or absolute), making the directories and files to mount on; a node already there
// (null, zero, ... made by the shim) stays as it is.
Status BindHostDevices(const std::string& dev_dir);

}  // namespace boxcar
