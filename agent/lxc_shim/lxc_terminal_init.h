// A payload of the lxc backend with a terminal starts as boxcar-shim's terminal init
// (shim/terminal_init.h), which gives it the container's terminal as its controlling terminal
// and sends the master here; liblxc alone starts its init without one. liblxc execs the
// terminal init inside the container from a sealed memfd copy of boxcar-shim, as runc runs
// itself: while it runs, the container can reach its image through /proc/1/exe, and must find
// no host file there to overwrite (CVE-2019-5736). The copy (~3 MB) is made only for
// containers with a terminal.
#pragma once

#include <string>
#include <vector>

#include "common/status.h"
#include "common/unique_fd.h"

namespace boxcar {

struct LxcTerminalInit {
  UniqueFd image;     // the sealed copy of boxcar-shim, read-only, close-on-exec
  UniqueFd shim_end;  // the terminal's master arrives here
  UniqueFd init_end;  // the terminal init sends it from here (a SOCK_SEQPACKET pair)
};

// Copies boxcar-shim at `shim_path` into a sealed memfd and makes the socket pair.
StatusOr<LxcTerminalInit> PrepareLxcTerminalInit(const std::string& shim_path);

// The container's init command: the terminal init, exec'd from `image_fd` with the socket at
// `socket_fd` (both inherited by the container's init), then `payload_argv`.
std::vector<std::string> TerminalInitArgv(int image_fd, int socket_fd,
                                          const std::vector<std::string>& payload_argv);

// The master the terminal init sent over `shim_end`; waits for it until `report_fd` (the
// monitor's report) is readable too. An empty fd when none came: the payload ended, or the
// terminal init failed (and said why on the payload's stderr).
UniqueFd ReceiveTerminalMaster(int shim_end, int report_fd);

}  // namespace boxcar
