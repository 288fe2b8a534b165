// LXC's monitor for one container: the child of the lxc shim that calls liblxc's start() with
// want_daemonize(false), so that this very process is LXC's monitor and start() returns once
// the payload has ended, its wait status in error_num (as lxc-execute reads it). It must have
// no threads: start() forks and runs liblxc code in the child.
#pragma once

#include <sys/types.h>

#include <optional>
#include <string>
#include <vector>

#include "lxc_shim/lxc_config.h"

namespace boxcar {

// What the monitor tells the shim, over a pipe, when it is done.
struct MonitorReport {
  bool started = false;   // start() succeeded: the payload ran
  int wait_status = 0;    // the payload's, as LXC's error_num gives it
  pid_t payload_pid = 0;  // as LXC published it (LXC_PID); 0 if it never ran
  std::string error;      // why the container did not start, when the monitor knows
};

std::string MonitorReportToText(const MonitorReport& report);
std::optional<MonitorReport> MonitorReportFromText(const std::string& text);

struct MonitorLaunch {
  std::string name;
  std::string lxcpath;
  std::vector<LxcConfigItem> config;
  std::vector<std::string> argv;
  std::vector<int> cgroup_procs_fds;  // the monitor joins each; the payload is born inside
  int stdin_fd = -1;                  // become the payload's stdio (lxc.console.path = none)
  int stdout_fd = -1;
  int stderr_fd = -1;
  int report_fd = -1;  // write end of the report pipe, close-on-exec
  // With a terminal: the payload starts as the terminal init (lxc_terminal_init.h), from this
  // image, sending the master over this socket; -1 without.
  int terminal_image_fd = -1;
  int terminal_socket_fd = -1;
};

// Where liblxc binds the rootfs before pivot_root: lxc.rootfs.mount's default (LIBDIR/lxc/
// rootfs), an existing directory that is covered only inside the container's mount namespace.
std::string LxcDefaultRootfsMount(const std::string& name, const std::string& lxcpath);

// Joins the cgroups, starts the container, writes the MonitorReport and exits.
[[noreturn]] void RunLxcMonitor(const MonitorLaunch& launch);

}  // namespace boxcar
