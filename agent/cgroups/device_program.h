// Device access on cgroup2, which has no devices.allow: a BPF_PROG_TYPE_CGROUP_DEVICE program
// attached to the container's cgroup answers each open and mknod of a node (as runc's
// devicefilter and crun's ebpf.c do). The program allows what the rules allow, else denies.
#pragma once

#include <linux/bpf.h>

#include <string>
#include <vector>

#include "cgroups/device_rules.h"
#include "common/status.h"

namespace boxcar {

// The program's instructions: a prologue that loads type, access, major and minor from the
// context, one block per rule that returns 1 when the request matches it, then return 0.
std::vector<bpf_insn> DeviceProgramInstructions(const std::vector<DeviceRule>& rules);

// Loads the program for `rules` and attaches it to the cgroup2 directory `cgroup_dir`
// (BPF_F_ALLOW_MULTI: the programs of its ancestors still apply). The kernel keeps the
// program while the cgroup exists; removing the cgroup detaches it.
Status AttachDeviceProgram(const std::string& cgroup_dir, const std::vector<DeviceRule>& rules);

}  // namespace boxcar
