#include "launch/attach_socket.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include <cstring>

#include "launch/stdio_frames.h"

namespace boxcar {

namespace {

// The directory of `path`, opened O_PATH, and a short address reaching `path` through it.
Status ShortAddress(const std::string& path, UniqueFd* directory, sockaddr_un* address) {
  const size_t slash = path.rfind('/');
  if (slash == std::string::npos || slash + 1 == path.size()) {
    return InvalidArgument("attach socket path '" + path + "' names no file in a directory");
  }
  directory->reset(::open(slash == 0 ? "/" : path.substr(0, slash).c_str(),
                          O_PATH | O_DIRECTORY | O_CLOEXEC));
  if (!*directory) return ErrnoStatus("open the directory of '" + path + "'");
  const std::string short_path =
      "/proc/self/fd/" + std::to_string(directory->get()) + "/" + path.substr(slash + 1);
  *address = {};
  address->sun_family = AF_UNIX;
  if (short_path.size() >= sizeof address->sun_path) {
    return InvalidArgument("attach socket name in '" + path + "' is too long");
  }
  std::memcpy(address->sun_path, short_path.c_str(), short_path.size() + 1);
  return OkStatus();
}

}  // namespace

StatusOr<UniqueFd> ListenOnAttachSocket(const std::string& path) {
  UniqueFd directory;
  sockaddr_un address;
  RETURN_IF_ERROR(ShortAddress(path, &directory, &address));
  UniqueFd socket_fd(::socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0));
  if (!socket_fd) return ErrnoStatus("socket for '" + path + "'");
  ::unlink(address.sun_path);
  if (::bind(socket_fd.get(), reinterpret_cast<sockaddr*>(&address), sizeof address) != 0) {
    return ErrnoStatus("bind the attach socket '" + path + "'");
  }
  // Only root (the agent) may feed the payload's stdin.
  ::chmod(address.sun_path, 0600);
  if (::listen(socket_fd.get(), 8) != 0) return ErrnoStatus("listen on '" + path + "'");
  return socket_fd;
}

StatusOr<UniqueFd> ConnectToAttachSocket(const std::string& path) {
  UniqueFd directory;
  sockaddr_un address;
  RETURN_IF_ERROR(ShortAddress(path, &directory, &address));
  UniqueFd socket_fd(::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0));
  if (!socket_fd) return ErrnoStatus("socket for '" + path + "'");
  if (::connect(socket_fd.get(), reinterpret_cast<sockaddr*>(&address), sizeof address) != 0) {
    return ErrnoStatus("connect to the attach socket '" + path + "'");
  }
  return socket_fd;
}

Status AttachConnection::SendInput(std::string_view bytes) {
  for (size_t offset = 0; offset < bytes.size(); offset += StdioFrameReader::kMaxPayload) {
    RETURN_IF_ERROR(Send(EncodeStdioFrame(StdioFrameType::kInput,
                                          bytes.substr(offset, StdioFrameReader::kMaxPayload))));
  }
  return OkStatus();
}

Status AttachConnection::CloseInput() { return Send(EncodeStdioFrame(StdioFrameType::kEndOfInput)); }

Status AttachConnection::Resize(uint16_t rows, uint16_t cols) {
  return Send(EncodeResizeFrame(rows, cols));
}

Status AttachConnection::WatchOutput() {
  return Send(EncodeStdioFrame(StdioFrameType::kWatchOutput));
}

Status AttachConnection::ReadOutput(const OutputSink& sink,
                                    const std::function<bool()>& cancelled) {
  constexpr int kCancelCheckMs = 100;
  StdioFrameReader frames;
  static thread_local char chunk[64 * 1024];
  for (;;) {
    if (cancelled()) return Status(StatusCode::kCancelled, "the caller went away");
    struct pollfd entry = {socket_.get(), POLLIN, 0};
    const int ready = ::poll(&entry, 1, kCancelCheckMs);
    if (ready < 0 && errno != EINTR) return ErrnoStatus("poll the container's attach socket");
    if (ready <= 0) continue;
    const ssize_t n = ::read(socket_.get(), chunk, sizeof chunk);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return ErrnoStatus("read the container's attach socket");
    if (n == 0) return OkStatus();
    frames.Append(chunk, static_cast<size_t>(n));
    bool malformed = false;
    while (auto frame = frames.Pop(&malformed)) {
      if (frame->type != StdioFrameType::kStdout && frame->type != StdioFrameType::kStderr) {
        continue;
      }
      if (!sink(frame->type, frame->payload)) {
        return Status(StatusCode::kCancelled, "the caller went away");
      }
    }
    if (malformed) return Internal("the container's shim sent a malformed output frame");
  }
}

Status AttachConnection::Send(const std::string& frame) {
  std::lock_guard<std::mutex> lock(mutex_);
  for (size_t sent = 0; sent < frame.size();) {
    // MSG_NOSIGNAL: a shim that has gone (its payload ended) is EPIPE, not SIGPIPE.
    ssize_t n = ::send(socket_.get(), frame.data() + sent, frame.size() - sent, MSG_NOSIGNAL);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return ErrnoStatus("write to the container's attach socket");
    sent += static_cast<size_t>(n);
  }
  return OkStatus();
}

}  // namespace boxcar
