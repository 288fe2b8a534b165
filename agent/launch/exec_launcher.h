// Runs a process inside a running container through `boxcar-shim exec` (the protocol is in
// shim/exec_shim.h) and hands its stdio to the caller. Backend-neutral: all it needs is the
// host pid of the container's PID 1 and that process's start time.
#pragma once

#include <sys/types.h>

#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <string>

#include "common/status.h"
#include "common/unique_fd.h"
#include "launch/exec_spec.h"
#include "launch/line_buffer.h"

namespace boxcar {

// One running exec. Resize, Signal, TryWait and Wait may be called from different threads; the
// stdio descriptors are the caller's to read and write (CloseStdin must not race a write).
class ExecSession {
 public:
  ExecSession(const ExecSession&) = delete;
  ExecSession& operator=(const ExecSession&) = delete;
  // Unless the exit code was collected: kills the process and its process group (the shim
  // does, as soon as its control socket closes) and reaps the shim.
  ~ExecSession();

  pid_t pid() const { return pid_; }  // the process, as the host sees it
  pid_t shim_pid() const { return shim_pid_; }
  bool tty() const { return tty_; }
  // Write end of the process's stdin (with a tty: the terminal's input); -1 after CloseStdin.
  int stdin_fd() const { return stdin_.get(); }
  // Read end of its stdout (with a tty: all the terminal shows, stderr included).
  int stdout_fd() const { return stdout_.get(); }
  // Read end of its stderr; -1 with a tty.
  int stderr_fd() const { return stderr_.get(); }
  // EOF on the process's stdin; with a tty the shim types the terminal's EOF character
  // (canonical mode only).
  void CloseStdin() { stdin_.reset(); }

  // The terminal's new size; the process gets SIGWINCH. kFailedPrecondition without a tty.
  Status Resize(uint16_t rows, uint16_t cols);
  // Sends `signal_number` to the process (not to its process group).
  Status Signal(int signal_number);

  // A pidfd of the shim, for epoll: readable once the exit code is known, after which TryWait
  // answers. Stdout/stderr may still hold data then: read them to EOF.
  int exit_fd() const { return shim_pidfd_.get(); }
  // The exit code (exit status, or 128 + signal) once the process has ended, nullopt before.
  StatusOr<std::optional<int>> TryWait();
  // Blocks until the process has ended. Its output must be drained meanwhile (another thread,
  // or before): a process blocked on a full pipe never ends.
  StatusOr<int> Wait();

 private:
  friend class ExecLauncher;
  ExecSession(pid_t shim_pid, UniqueFd shim_pidfd, UniqueFd control, LineBuffer control_lines,
              pid_t pid, bool tty, UniqueFd stdin_fd, UniqueFd stdout_fd, UniqueFd stderr_fd);
  Status SendControl(const std::string& line);
  // Reads the shim's "exit" line and reaps it; wait_mutex_ held.
  Status CollectExit();

  pid_t shim_pid_;
  UniqueFd shim_pidfd_;
  pid_t pid_;
  bool tty_;
  UniqueFd stdin_;
  UniqueFd stdout_;
  UniqueFd stderr_;

  std::mutex send_mutex_;  // writes on control_
  UniqueFd control_;
  std::mutex wait_mutex_;  // reads on control_, the shim's reaping, the fields below
  LineBuffer control_lines_;
  bool shim_reaped_ = false;
  std::optional<int> exit_code_;
};

class ExecLauncher {
 public:
  explicit ExecLauncher(std::string shim_path) : shim_path_(std::move(shim_path)) {}

  // Starts spec.argv in the container and returns once it runs (its exec succeeded). Errors:
  // kInvalidArgument for a bad spec and for a command that is not found (exit code hint 127)
  // or not executable (126); kFailedPrecondition when the container's PID 1 is gone or its pid
  // now belongs to another process; kInternal for other set-up failures (125). The hint
  // follows `docker exec`'s exit codes for a CLI to return.
  StatusOr<std::unique_ptr<ExecSession>> Start(const ExecSpec& spec,
                                               int* exit_code_hint = nullptr) const;

  const std::string& shim_path() const { return shim_path_; }

 private:
  std::string shim_path_;
};

}  // namespace boxcar
