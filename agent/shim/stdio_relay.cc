#include "shim/stdio_relay.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <termios.h>
#include <time.h>
#include <unistd.h>

#include <cstdint>
#include <cstring>
#include <memory>
#include <vector>

#include "common/descriptor_message.h"
#include "common/fd_io.h"
#include "common/unique_fd.h"
#include "launch/stdio_frames.h"
#include "shim/output_log.h"
#include "shim/pty_relay.h"

namespace boxcar {

namespace {

// As the exec shim's (exec_shim.cc): after the payload ended, its output is drained until the
// pipes give EOF and no slave of the terminal is left (at once, normally: the payload's pid
// namespace died with it), or until it has been quiet this long, and never for longer than the
// cap.
constexpr int kDrainIdleMs = 200;
constexpr int kDrainMaxMs = 2000;
// Input waiting for the payload; clients are not read while this much is queued.
constexpr size_t kMaxPendingInput = 256 * 1024;
constexpr size_t kMaxClients = 16;

int64_t NowMs() {
  struct timespec now;
  ::clock_gettime(CLOCK_MONOTONIC, &now);
  return static_cast<int64_t>(now.tv_sec) * 1000 + now.tv_nsec / 1000000;
}

void SetNonBlocking(int fd) { ::fcntl(fd, F_SETFL, ::fcntl(fd, F_GETFL) | O_NONBLOCK); }

struct Client {
  UniqueFd fd;
  StdioFrameReader frames;
};

class StdioRelay {
 public:
  explicit StdioRelay(const StdioRelayFds& fds)
      : fds_(fds), input_sink_(fds.tty_master >= 0 ? fds.tty_master : fds.stdin_write) {}

  void Run() {
    for (int fd : {fds_.tty_master, fds_.stdin_write, fds_.stdout_read, fds_.stderr_read}) {
      if (fd >= 0) SetNonBlocking(fd);
    }
    while (!Finished()) {
      std::vector<struct pollfd> entries;
      const bool reading_clients = !exited_ && pending_input_.size() < kMaxPendingInput;
      entries.push_back({exited_ ? -1 : fds_.listen_fd, POLLIN, 0});
      entries.push_back({exited_ ? -1 : fds_.payload_exited, POLLIN, 0});
      entries.push_back({terminal_done_ ? -1 : fds_.tty_master, POLLIN, 0});
      entries.push_back({input_sink_ >= 0 && !pending_input_.empty() && !exited_ ? input_sink_ : -1,
                         POLLOUT, 0});
      entries.push_back({stdout_done_ ? -1 : fds_.stdout_read, POLLIN, 0});
      entries.push_back({stderr_done_ ? -1 : fds_.stderr_read, POLLIN, 0});
      for (const auto& client : clients_) {
        entries.push_back({reading_clients ? client->fd.get() : -1, POLLIN, 0});
      }
      int ready = ::poll(entries.data(), entries.size(), exited_ ? kDrainIdleMs : -1);
      if (ready < 0 && errno == EINTR) continue;
      if (ready < 0) break;
      if (ready == 0) break;  // output that stays quiet after the payload ended
      if (entries[2].revents) CopyTerminalOutput();
      if (entries[4].revents) {
        stdout_done_ =
            !CopyToOutputLog(fds_.stdout_read, *fds_.output_log, LogRecordStream::kStdout);
      }
      if (entries[5].revents) {
        stderr_done_ =
            !CopyToOutputLog(fds_.stderr_read, *fds_.output_log, LogRecordStream::kStderr);
      }
      if (entries[1].revents) {
        exited_ = true;
        exited_at_ms_ = NowMs();
      }
      if (exited_) continue;
      if (entries[0].revents) Accept();
      if (entries[3].revents) FlushInput();
      // Clients accepted in this round have no entry yet.
      for (size_t i = entries.size() - kClientEntries; i-- > 0;) {
        if (entries[kClientEntries + i].revents) ReadClient(i);
      }
    }
  }

 private:
  // Entries of the poll set before the clients'.
  static constexpr size_t kClientEntries = 6;

  bool Finished() const {
    if (!exited_) return false;
    const bool drained = (fds_.tty_master < 0 || terminal_done_) &&
                         (fds_.stdout_read < 0 || stdout_done_) &&
                         (fds_.stderr_read < 0 || stderr_done_);
    return drained || NowMs() - exited_at_ms_ > kDrainMaxMs;
  }

  void CopyTerminalOutput() {
    if (!CopyToOutputLog(fds_.tty_master, *fds_.output_log, LogRecordStream::kStdout)) {
      terminal_done_ = true;  // EIO: the last slave is closed
    }
  }

  void Accept() {
    for (;;) {
      UniqueFd client(::accept4(fds_.listen_fd, nullptr, nullptr, SOCK_CLOEXEC | SOCK_NONBLOCK));
      if (!client) return;
      if (clients_.size() >= kMaxClients) continue;  // closed: the agent gets EOF
      auto entry = std::make_unique<Client>();
      entry->fd = std::move(client);
      clients_.push_back(std::move(entry));
    }
  }

  void ReadClient(size_t index) {
    Client& client = *clients_[index];
    char chunk[16384];
    ssize_t n = ::read(client.fd.get(), chunk, sizeof chunk);
    if (n < 0 && (errno == EAGAIN || errno == EINTR)) return;
    if (n <= 0) {
      clients_.erase(clients_.begin() + static_cast<ptrdiff_t>(index));
      return;
    }
    client.frames.Append(chunk, static_cast<size_t>(n));
    bool malformed = false;
    while (auto frame = client.frames.Pop(&malformed)) Obey(*frame);
    if (malformed) clients_.erase(clients_.begin() + static_cast<ptrdiff_t>(index));
  }

  void Obey(const StdioFrame& frame) {
    switch (frame.type) {
      case StdioFrameType::kInput:
        if (input_sink_ < 0 || input_ended_) return;
        pending_input_ += frame.payload;
        input_at_line_start_ = frame.payload.empty() ? input_at_line_start_
                                                     : frame.payload.back() == '\n' ||
                                                           frame.payload.back() == '\r';
        break;
      case StdioFrameType::kEndOfInput:
        if (fds_.tty_master >= 0) {
          pending_input_ += PtyEndOfInput(fds_.tty_master, input_at_line_start_);
        } else {
          input_ended_ = true;
        }
        break;
      case StdioFrameType::kResize: {
        uint16_t rows = 0, cols = 0;
        if (fds_.tty_master >= 0 && DecodeResize(frame.payload, &rows, &cols) && rows && cols) {
          (void)ResizePty(fds_.tty_master, rows, cols);
        }
        break;
      }
    }
    FlushInput();
  }

  void FlushInput() {
    if (input_sink_ >= 0 && !FlushPending(input_sink_, &pending_input_)) {
      // The payload closed its stdin (EPIPE): what it would not read is dropped.
      CloseStdinPipe();
      return;
    }
    if (input_ended_ && pending_input_.empty()) CloseStdinPipe();
  }

  void CloseStdinPipe() {
    if (fds_.tty_master >= 0 || input_sink_ < 0) return;
    ::close(input_sink_);
    input_sink_ = -1;
    input_ended_ = true;
  }

  StdioRelayFds fds_;
  int input_sink_;
  std::vector<std::unique_ptr<Client>> clients_;
  std::string pending_input_;
  bool input_ended_ = false;
  bool input_at_line_start_ = true;
  bool terminal_done_ = false;
  bool stdout_done_ = false;
  bool stderr_done_ = false;
  bool exited_ = false;
  int64_t exited_at_ms_ = 0;
};

}  // namespace

void RunStdioRelay(const StdioRelayFds& fds) { StdioRelay(fds).Run(); }

std::string SendDescriptor(int socket_fd, int fd) {
  DescriptorMessage<1> sent('f');
  struct msghdr& message = sent.message;
  struct cmsghdr* header = CMSG_FIRSTHDR(&message);
  header->cmsg_level = SOL_SOCKET;
  header->cmsg_type = SCM_RIGHTS;
  header->cmsg_len = CMSG_LEN(sizeof(int));
  std::memcpy(CMSG_DATA(header), &fd, sizeof fd);
  while (::sendmsg(socket_fd, &message, MSG_NOSIGNAL) < 0) {
    if (errno != EINTR) return std::string("send the terminal to the shim: ") + std::strerror(errno);
  }
  return "";
}

int ReceiveDescriptor(int socket_fd) {
  DescriptorMessage<1> received('f');
  struct msghdr& message = received.message;
  ssize_t n;
  while ((n = ::recvmsg(socket_fd, &message, MSG_CMSG_CLOEXEC | MSG_DONTWAIT)) < 0 && errno == EINTR) {
  }
  if (n <= 0) {
    if (n == 0) errno = ENODATA;
    return -1;
  }
  struct cmsghdr* header = CMSG_FIRSTHDR(&message);
  if (header == nullptr || header->cmsg_level != SOL_SOCKET || header->cmsg_type != SCM_RIGHTS) {
    errno = EBADMSG;
    return -1;
  }
  int fd = -1;
  std::memcpy(&fd, CMSG_DATA(header), sizeof fd);
  return fd;
}

}  // namespace boxcar
