// The terminal of a process exec'd with a tty, and the copying between it and the agent's
// pipes. The pty comes from the container's own devpts instance (its /dev/ptmx, opened after
// entering the container), so the process sees /dev/pts/N of its container.
#pragma once

#include <poll.h>

#include <cstdint>
#include <string>

#include "common/unique_fd.h"

namespace boxcar {

struct ContainerPty {
  UniqueFd master;  // stays with the shim
  UniqueFd slave;   // becomes the process's controlling terminal
};

// Opens /dev/ptmx of the current root, refuses anything but the pty multiplexer (a container
// may have replaced the node), unlocks the pair, applies the size (rows/cols 0: the kernel's
// default) and opens the slave through the master (TIOCGPTPEER: no path lookup). Both
// close-on-exec. Returns "" or a message.
std::string OpenContainerPty(uint16_t rows, uint16_t cols, ContainerPty* pty);
// TIOCSWINSZ on the master; the kernel sends SIGWINCH to the terminal's foreground group.
std::string ResizePty(int master, uint16_t rows, uint16_t cols);
// The terminal's EOF character in canonical mode, once or twice so that a partial line is
// first handed over; "" when the terminal is in raw mode, where no byte means EOF.
std::string PtyEndOfInput(int master, bool at_line_start);

// Copies bytes from one non-blocking descriptor to another. What the destination cannot take
// yet is kept, and nothing more is read until it has been written, so a stalled side never
// blocks the shim and memory stays bounded.
class ByteRelay {
 public:
  ByteRelay(int from, int to) : from_(from), to_(to) {}

  // What to wait for: `from` readable while nothing is pending, `to` writable while something
  // is; fd -1 once finished.
  struct pollfd PollEntry() const;
  // Moves what can be moved now; call when PollEntry's descriptor reported any event.
  void Transfer();
  // Queues bytes for the destination, as if read from the source.
  void Inject(const std::string& bytes) { pending_ += bytes; }

  // The source gave EOF, EIO (a terminal whose last slave is closed) or another error.
  bool source_done() const { return source_done_; }
  // Nothing more will be written: the source is done and flushed, or the destination broke.
  bool finished() const { return sink_broken_ || (source_done_ && pending_.empty()); }
  // Nothing read yet, or the last byte read was a newline.
  bool at_line_start() const { return at_line_start_; }

 private:
  int from_;
  int to_;
  std::string pending_;
  bool source_done_ = false;
  bool sink_broken_ = false;
  bool at_line_start_ = true;
};

}  // namespace boxcar
