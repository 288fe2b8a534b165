// The agent's end of boxcar-shim's control protocol when the shim is a libvirt domain's init:
// the shim cannot inherit a socket, so it connects to one the agent listens on in the
// container's state directory (bound into the domain). Same lines as ShimLauncher's.
#pragma once

#include <sys/types.h>

#include <chrono>
#include <functional>
#include <string>

#include "common/status.h"
#include "common/unique_fd.h"
#include "launch/launch_spec.h"
#include "launch/line_buffer.h"

namespace boxcar {

class LibvirtShimChannel {
 public:
  // Listens on `state_dir`/control.sock (bound through /proc/self/fd, so the path may be
  // longer than a socket address allows).
  static StatusOr<LibvirtShimChannel> Listen(const std::string& state_dir);
  LibvirtShimChannel(LibvirtShimChannel&&) = default;
  ~LibvirtShimChannel();

  // Waits up to `timeout` for the shim's connection and its "ready" line; the shim's pid as
  // this host sees it (SO_PEERCRED translates it out of the domain's pid namespace).
  StatusOr<pid_t> AcceptShim(std::chrono::milliseconds timeout);
  // Sends `spec`, half-closes, and reads the verdict as ShimLauncher::Deliver does: the
  // payload's pid inside the domain on "ok", else the error with `exit_code_hint` set.
  StatusOr<pid_t> Deliver(const LaunchSpec& spec, int* exit_code_hint);

 private:
  LibvirtShimChannel(UniqueFd listener, std::string socket_path)
      : listener_(std::move(listener)), socket_path_(std::move(socket_path)) {}
  std::string ReadLine(std::chrono::milliseconds timeout);

  UniqueFd listener_;
  std::string socket_path_;
  UniqueFd connection_;
  LineBuffer pending_;  // what was read past the last line
};

}  // namespace boxcar
