#include "backends/libvirt/libvirt_shim_channel.h"

#include "launch/shim_reply.h"

#include <fcntl.h>
#include <poll.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <sstream>

#include "backends/libvirt/libvirt_domain_xml.h"
#include "common/fd_io.h"

namespace boxcar {

StatusOr<LibvirtShimChannel> LibvirtShimChannel::Listen(const std::string& state_dir) {
  UniqueFd directory(::open(state_dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
  if (!directory) return ErrnoStatus("open state directory '" + state_dir + "'");
  const std::string socket_path = state_dir + "/" + kLibvirtControlSocketName;
  const std::string short_path =
      "/proc/self/fd/" + std::to_string(directory.get()) + "/" + kLibvirtControlSocketName;
  ::unlink(socket_path.c_str());
  UniqueFd listener(::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0));
  if (!listener) return ErrnoStatus("socket for boxcar-shim's control connection");
  sockaddr_un address{};
  address.sun_family = AF_UNIX;
  short_path.copy(address.sun_path, sizeof address.sun_path - 1);
  if (::bind(listener.get(), reinterpret_cast<sockaddr*>(&address), sizeof address) != 0) {
    return ErrnoStatus("bind '" + socket_path + "'");
  }
  if (::listen(listener.get(), 1) != 0) return ErrnoStatus("listen on '" + socket_path + "'");
  return LibvirtShimChannel(std::move(listener), socket_path);
}

LibvirtShimChannel::~LibvirtShimChannel() {
  if (!socket_path_.empty()) ::unlink(socket_path_.c_str());
}

std::string LibvirtShimChannel::ReadLine(std::chrono::milliseconds timeout) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (!pending_.HasLine()) {
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
        deadline - std::chrono::steady_clock::now());
    if (left.count() <= 0) break;
    pollfd readable{connection_.get(), POLLIN, 0};
    int ready = ::poll(&readable, 1, static_cast<int>(left.count()));
    if (ready < 0 && errno == EINTR) continue;
    if (ready <= 0) break;
    ssize_t n = pending_.ReadFrom(connection_.get());
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) break;
  }
  return pending_.TakeLineOrRest();
}

StatusOr<pid_t> LibvirtShimChannel::AcceptShim(std::chrono::milliseconds timeout) {
  pollfd readable{listener_.get(), POLLIN, 0};
  int ready = 0;
  do {
    ready = ::poll(&readable, 1, static_cast<int>(timeout.count()));
  } while (ready < 0 && errno == EINTR);
  if (ready == 0) {
    return Internal("boxcar-shim in the libvirt domain did not connect within " +
                    std::to_string(timeout.count()) + " ms");
  }
  if (ready < 0) return ErrnoStatus("poll '" + socket_path_ + "'");
  connection_.reset(::accept4(listener_.get(), nullptr, nullptr, SOCK_CLOEXEC));
  if (!connection_) return ErrnoStatus("accept on '" + socket_path_ + "'");
  ucred peer{};
  socklen_t length = sizeof peer;
  if (::getsockopt(connection_.get(), SOL_SOCKET, SO_PEERCRED, &peer, &length) != 0) {
    return ErrnoStatus("SO_PEERCRED of boxcar-shim");
  }
  std::string line = ReadLine(timeout);
  if (line.rfind("ready ", 0) != 0) {
    return Internal("boxcar-shim in the libvirt domain said '" + line + "' instead of ready");
  }
  return peer.pid;
}

StatusOr<pid_t> LibvirtShimChannel::Deliver(const LaunchSpec& spec, int* exit_code_hint) {
  *exit_code_hint = 125;
  (void)WriteAll(connection_.get(), LaunchSpecToJson(spec), "the launch spec to boxcar-shim");
  ::shutdown(connection_.get(), SHUT_WR);
  std::istringstream words(ReadLine(std::chrono::seconds(30)));
  std::string verdict;
  words >> verdict;
  if (verdict == "ok") {
    pid_t shim_pid = 0, payload_pid = 0;
    words >> shim_pid >> payload_pid;
    if (payload_pid > 0) return payload_pid;
  }
  if (verdict == "error") {
    return ShimErrorStatus(words, exit_code_hint);
  }
  return Internal("boxcar-shim in the libvirt domain ended without a reply (see " +
                  spec.shim_log_path + ")");
}

}  // namespace boxcar
