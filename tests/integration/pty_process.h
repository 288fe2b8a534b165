// The boxcar CLI run on a pseudo-terminal of the test's own (forkpty), as a user at a terminal
// runs it: what the test types arrives as keystrokes, the window size can change under it, and
// its output is what the terminal shows.
#pragma once

#include <sys/types.h>

#include <chrono>
#include <string>
#include <vector>

namespace boxcar::testing {

class PtyProcess {
 public:
  // `boxcar --socket SOCKET ARGS...` on a new terminal of `rows` x `columns`.
  PtyProcess(const std::string& socket_path, const std::vector<std::string>& args,
             unsigned short rows = 24, unsigned short columns = 80);
  // Kills the CLI if it still runs.
  ~PtyProcess();
  PtyProcess(const PtyProcess&) = delete;
  PtyProcess& operator=(const PtyProcess&) = delete;

  bool started() const { return pid_ > 0; }
  // Keystrokes, as typed.
  void Type(const std::string& keys);
  // Reads the terminal until `text` has appeared after `from` (an offset into output()), or
  // until `timeout`; whether it did.
  bool WaitFor(const std::string& text, std::chrono::milliseconds timeout, size_t from = 0);
  // TIOCSWINSZ on the terminal: the CLI gets SIGWINCH as a terminal window's owner would.
  void Resize(unsigned short rows, unsigned short columns);
  // Waits for the CLI to end, reading its output meanwhile; its exit code, or -1 on timeout
  // (it is killed then).
  int Wait(std::chrono::milliseconds timeout);

  const std::string& output() const { return output_; }
  // Whether the terminal echoes what is typed (its ECHO flag), also after the CLI ended.
  bool Echoing() const;

 private:
  // Reads what is there within `timeout_ms`; false once the terminal reports EOF/EIO.
  bool ReadSome(int timeout_ms);

  pid_t pid_ = -1;
  int master_ = -1;
  std::string output_;
};

}  // namespace boxcar::testing
