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

#include <algorithm>
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
// Output queued for a watching client (launch/stdio_frames.h 'w'); past this, the payload's
// output is not read until that client has taken some (as a Docker attach slows its
// container), so memory stays bounded.
constexpr size_t kMaxPendingOutput = 256 * 1024;
// StdioRelayFds::output_awaits_watcher: the output is held at most this long for a watcher.
constexpr int kOutputHoldMaxMs = 5000;

int64_t NowMs() {
  struct timespec now;
  ::clock_gettime(CLOCK_MONOTONIC, &now);
  return static_cast<int64_t>(now.tv_sec) * 1000 + now.tv_nsec / 1000000;
}

void SetNonBlocking(int fd) { ::fcntl(fd, F_SETFL, ::fcntl(fd, F_GETFL) | O_NONBLOCK); }

struct Client {
  UniqueFd fd;
  StdioFrameReader frames;
  bool watching = false;       // asked for the output ('w')
  std::string pending_output;  // frames not yet taken by the socket
  bool gone = false;           // closed or broken: removed at the end of the round
};

class StdioRelay {
 public:
  explicit StdioRelay(const StdioRelayFds& fds)
      : fds_(fds), input_sink_(fds.tty_master >= 0 ? fds.tty_master : fds.stdin_write) {}

  void Run() {
    for (int fd : {fds_.tty_master, fds_.stdin_write, fds_.stdout_read, fds_.stderr_read}) {
      if (fd >= 0) SetNonBlocking(fd);
    }
    holding_ = fds_.output_awaits_watcher;
    const int64_t hold_until_ms = NowMs() + kOutputHoldMaxMs;
    while (!Finished()) {
      if (holding_ && NowMs() >= hold_until_ms) EndHold();
      const bool reading_output = !holding_ && !WatcherBacklogged();
      const bool taking_clients = !exited_ || holding_;
      std::vector<struct pollfd> entries;
      const bool reading_clients = taking_clients && pending_input_.size() < kMaxPendingInput;
      entries.push_back({taking_clients ? fds_.listen_fd : -1, POLLIN, 0});
      entries.push_back({exited_ ? -1 : fds_.payload_exited, POLLIN, 0});
      entries.push_back({terminal_done_ || !reading_output ? -1 : fds_.tty_master, POLLIN, 0});
      entries.push_back({input_sink_ >= 0 && !pending_input_.empty() && !exited_ ? input_sink_ : -1,
                         POLLOUT, 0});
      entries.push_back({stdout_done_ || !reading_output ? -1 : fds_.stdout_read, POLLIN, 0});
      entries.push_back({stderr_done_ || !reading_output ? -1 : fds_.stderr_read, POLLIN, 0});
      for (const auto& client : clients_) {
        const short events = static_cast<short>((reading_clients ? POLLIN : 0) |
                                                (client->pending_output.empty() ? 0 : POLLOUT));
        entries.push_back({events ? client->fd.get() : -1, events, 0});
      }
      const int timeout_ms = holding_
                                 ? static_cast<int>(std::max<int64_t>(0, hold_until_ms - NowMs()))
                             : exited_ ? kDrainIdleMs
                                       : -1;
      int ready = ::poll(entries.data(), entries.size(), timeout_ms);
      if (ready < 0 && errno == EINTR) continue;
      if (ready < 0) break;
      if (ready == 0 && holding_) continue;  // the hold's end, at the top
      if (ready == 0) break;  // output that stays quiet after the payload ended
      if (entries[2].revents) CopyTerminalOutput();
      if (entries[4].revents) {
        stdout_done_ = !CopyOutput(fds_.stdout_read, LogRecordStream::kStdout);
      }
      if (entries[5].revents) {
        stderr_done_ = !CopyOutput(fds_.stderr_read, LogRecordStream::kStderr);
      }
      if (entries[1].revents) {
        exited_ = true;
        exited_at_ms_ = NowMs();
      }
      for (size_t i = kClientEntries; i < entries.size(); ++i) {
        if (entries[i].revents & (POLLOUT | POLLERR | POLLHUP)) {
          FlushOutput(*clients_[i - kClientEntries]);
        }
      }
      if (taking_clients) {
        if (entries[0].revents) Accept();
        if (entries[3].revents) FlushInput();
        // Clients accepted in this round have no entry yet.
        for (size_t i = kClientEntries; i < entries.size(); ++i) {
          if (entries[i].revents & POLLIN) ReadClient(*clients_[i - kClientEntries]);
        }
      }
      std::erase_if(clients_, [](const std::unique_ptr<Client>& client) { return client->gone; });
    }
  }

 private:
  // Entries of the poll set before the clients'.
  static constexpr size_t kClientEntries = 6;

  bool Finished() const {
    if (!exited_ || holding_) return false;
    const bool drained = (fds_.tty_master < 0 || terminal_done_) &&
                         (fds_.stdout_read < 0 || stdout_done_) &&
                         (fds_.stderr_read < 0 || stderr_done_) && !OutputPending();
    return drained || NowMs() - std::max(exited_at_ms_, hold_ended_ms_) > kDrainMaxMs;
  }

  void EndHold() {
    if (!holding_) return;
    holding_ = false;
    hold_ended_ms_ = NowMs();
  }

  bool WatcherBacklogged() const {
    for (const auto& client : clients_) {
      if (client->pending_output.size() > kMaxPendingOutput) return true;
    }
    return false;
  }

  bool OutputPending() const {
    for (const auto& client : clients_) {
      if (!client->pending_output.empty()) return true;
    }
    return false;
  }

  void CopyTerminalOutput() {
    if (!CopyOutput(fds_.tty_master, LogRecordStream::kStdout)) {
      terminal_done_ = true;  // EIO: the last slave is closed
    }
  }

  // Into the output log, and to the clients watching the output.
  bool CopyOutput(int from, LogRecordStream stream) {
    std::string_view copied;
    const bool open = CopyToOutputLog(from, *fds_.output_log, stream, &copied);
    if (copied.empty() || watchers_ == 0) return open;
    const std::string frame = EncodeStdioFrame(
        stream == LogRecordStream::kStderr ? StdioFrameType::kStderr : StdioFrameType::kStdout,
        copied);
    for (auto& client : clients_) {
      if (!client->watching || client->gone) continue;
      client->pending_output += frame;
      FlushOutput(*client);
    }
    return open;
  }

  void FlushOutput(Client& client) {
    while (!client.pending_output.empty()) {
      ssize_t n = ::send(client.fd.get(), client.pending_output.data(),
                         client.pending_output.size(), MSG_NOSIGNAL | MSG_DONTWAIT);
      if (n > 0) {
        client.pending_output.erase(0, static_cast<size_t>(n));
      } else if (n < 0 && errno == EINTR) {
        continue;
      } else if (n < 0 && errno == EAGAIN) {
        return;
      } else {
        Drop(client);  // the agent went away: the payload runs on
        return;
      }
    }
  }

  void Drop(Client& client) {
    if (client.watching) --watchers_;
    client.watching = false;
    client.pending_output.clear();
    client.gone = true;
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

  void ReadClient(Client& client) {
    if (client.gone) return;
    char chunk[16384];
    ssize_t n = ::read(client.fd.get(), chunk, sizeof chunk);
    if (n < 0 && (errno == EAGAIN || errno == EINTR)) return;
    if (n <= 0) {
      Drop(client);
      return;
    }
    client.frames.Append(chunk, static_cast<size_t>(n));
    bool malformed = false;
    while (auto frame = client.frames.Pop(&malformed)) Obey(client, *frame);
    if (malformed) Drop(client);
  }

  void Obey(Client& client, const StdioFrame& frame) {
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
      case StdioFrameType::kWatchOutput:
        if (!client.watching) ++watchers_;
        client.watching = true;
        EndHold();
        return;
      case StdioFrameType::kStdout:
      case StdioFrameType::kStderr:
        return;  // the shim's own frames: nothing to obey
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
  size_t watchers_ = 0;
  std::string pending_input_;
  bool input_ended_ = false;
  bool input_at_line_start_ = true;
  bool terminal_done_ = false;
  bool stdout_done_ = false;
  bool stderr_done_ = false;
  bool exited_ = false;
  int64_t exited_at_ms_ = 0;
  bool holding_ = false;  // the output is not read until a client watches it
  int64_t hold_ended_ms_ = 0;
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
