#include "api/local_socket_server.h"

#include <poll.h>
#include <spdlog/spdlog.h>
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include <chrono>
#include <cstring>

#include "common/identifiers.h"
#include "common/local_socket_path.h"

namespace boxcar {

namespace {

// Calls served at once; more connections wait in the listen backlog until one ends.
constexpr size_t kMaxCallsInFlight = 256;
// A client that connects and never sends (or never reads) does not hold a thread forever.
constexpr int kPeerTimeoutSeconds = 10;
// How long a thread whose call ended waits for another before it exits.
constexpr auto kIdleWorkerLifetime = std::chrono::seconds(10);

StatusOr<sockaddr_un> UnixAddress(const std::string& path) {
  sockaddr_un address{};
  if (path.size() >= sizeof(address.sun_path)) {
    return InvalidArgument("local socket path '" + path + "' is longer than " +
                           std::to_string(sizeof(address.sun_path) - 1) + " bytes");
  }
  address.sun_family = AF_UNIX;
  std::memcpy(address.sun_path, path.c_str(), path.size() + 1);
  return address;
}

}  // namespace

StatusOr<SocketPermissions> PermissionsOf(const std::string& path) {
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0) return ErrnoStatus("stat '" + path + "'");
  return SocketPermissions{st.st_uid, st.st_gid, static_cast<mode_t>(st.st_mode & 07777)};
}

StatusOr<std::unique_ptr<LocalSocketServer>> LocalSocketServer::Listen(
    const std::string& path, const SocketPermissions& permissions, Handler handler) {
  // Bound under a temporary name in the same directory, so that the socket is never
  // reachable at `path` with the permissions bind(2) gives it.
  const std::string temporary = path + ".tmp-" + ShortId(NewContainerId()).substr(0, 8);
  auto address_or = UnixAddress(temporary);
  if (!address_or.ok()) {
    return InvalidArgument("local socket path '" + path + "' is too long: with its temporary " +
                           "suffix it must be shorter than " +
                           std::to_string(sizeof(sockaddr_un::sun_path)) + " bytes");
  }
  const sockaddr_un address = *address_or;
  UniqueFd listener(::socket(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0));
  if (!listener) return ErrnoStatus("socket(AF_UNIX, SOCK_SEQPACKET) for '" + path + "'");
  if (::bind(listener.get(), reinterpret_cast<const sockaddr*>(&address), sizeof(address)) != 0) {
    return ErrnoStatus("bind '" + temporary + "'");
  }
  auto fail = [&temporary](Status status) {
    ::unlink(temporary.c_str());
    return status;
  };
  if (::chmod(temporary.c_str(), permissions.mode) != 0) {
    return fail(ErrnoStatus("chmod '" + temporary + "'"));
  }
  if (::chown(temporary.c_str(), permissions.owner, permissions.group) != 0) {
    return fail(ErrnoStatus("chown '" + temporary + "'"));
  }
  if (::listen(listener.get(), SOMAXCONN) != 0) return fail(ErrnoStatus("listen on '" + path + "'"));
  if (::rename(temporary.c_str(), path.c_str()) != 0) {
    return fail(ErrnoStatus("rename '" + temporary + "' to '" + path + "'"));
  }
  UniqueFd stop_event(::eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK));
  if (!stop_event) {
    ::unlink(path.c_str());
    return ErrnoStatus("eventfd for '" + path + "'");
  }
  std::unique_ptr<LocalSocketServer> server(
      new LocalSocketServer(path, std::move(listener), std::move(stop_event), std::move(handler)));
  server->accept_thread_ = std::thread([raw = server.get()] { raw->AcceptLoop(); });
  return server;
}

LocalSocketServer::LocalSocketServer(std::string path, UniqueFd listener, UniqueFd stop_event,
                                     Handler handler)
    : path_(std::move(path)),
      listener_(std::move(listener)),
      stop_event_(std::move(stop_event)),
      handler_(std::move(handler)) {}

void LocalSocketServer::AcceptLoop() {
  for (;;) {
    {
      std::unique_lock<std::mutex> lock(mutex_);
      changed_.wait(lock, [&] { return stopped_ || calls_in_flight_ < kMaxCallsInFlight; });
      if (stopped_) return;
    }
    pollfd fds[2] = {{listener_.get(), POLLIN, 0}, {stop_event_.get(), POLLIN, 0}};
    if (::poll(fds, 2, -1) < 0) {
      if (errno == EINTR) continue;
      spdlog::error("local socket {}: poll: {}; the CLI falls back to gRPC", path_,
                    std::strerror(errno));
      return;
    }
    if (fds[1].revents != 0) return;
    UniqueFd connection(::accept4(listener_.get(), nullptr, nullptr, SOCK_CLOEXEC));
    if (!connection) {
      // A client that gave up before we accepted, or a descriptor shortage that passes.
      if (errno == EMFILE || errno == ENFILE) std::this_thread::sleep_for(std::chrono::milliseconds(10));
      continue;
    }
    bool start_worker = false;
    {
      std::lock_guard<std::mutex> lock(mutex_);
      ++calls_in_flight_;
      accepted_.push_back(std::move(connection));
      // A thread for each connection no idle thread will take.
      if (accepted_.size() > idle_workers_) {
        ++workers_;
        start_worker = true;
      }
    }
    // One waiter is enough; waking every idle worker for each call cost more than it saved.
    if (start_worker) {
      std::thread([this] { WorkerLoop(); }).detach();
    } else {
      connections_.notify_one();
    }
  }
}

void LocalSocketServer::WorkerLoop() {
  std::unique_lock<std::mutex> lock(mutex_);
  for (;;) {
    ++idle_workers_;
    const bool woken = connections_.wait_for(lock, kIdleWorkerLifetime,
                                             [&] { return stopped_ || !accepted_.empty(); });
    --idle_workers_;
    if (accepted_.empty()) {
      if (!woken || stopped_) break;
      continue;
    }
    UniqueFd connection = std::move(accepted_.front());
    accepted_.pop_front();
    lock.unlock();
    Serve(std::move(connection));
    lock.lock();
    --calls_in_flight_;
    changed_.notify_all();
  }
  // The last touch of the server: Stop waits for this count, under this lock.
  --workers_;
  changed_.notify_all();
}

void LocalSocketServer::Serve(UniqueFd connection) {
  timeval timeout{kPeerTimeoutSeconds, 0};
  (void)::setsockopt(connection.get(), SOL_SOCKET, SO_RCVTIMEO, &timeout, sizeof(timeout));
  (void)::setsockopt(connection.get(), SOL_SOCKET, SO_SNDTIMEO, &timeout, sizeof(timeout));
  // The request's size first (MSG_TRUNC: the whole message's length), then the request.
  ssize_t size = ::recv(connection.get(), nullptr, 0, MSG_PEEK | MSG_TRUNC);
  if (size <= 0) return;  // closed or timed out before asking anything
  StatusOr<std::string> asked =
      InvalidArgument("request: larger than " + std::to_string(kLocalMessageMaxBytes) +
                      " bytes; send it over the gRPC socket");
  if (static_cast<size_t>(size) <= kLocalMessageMaxBytes) {
    std::string request(static_cast<size_t>(size), '\0');
    if (::recv(connection.get(), request.data(), request.size(), 0) != size) return;
    asked = std::move(request);
  } else {
    // Read and dropped: a socket closed with unread data makes the client's read fail
    // (ECONNRESET) before it reaches the answer.
    (void)::recv(connection.get(), nullptr, 0, MSG_TRUNC);
  }
  const std::string answer = handler_(asked);
  if (::send(connection.get(), answer.data(), answer.size(), MSG_NOSIGNAL) < 0) {
    spdlog::warn("local socket {}: the answer ({} bytes) could not be sent: {}", path_,
                 answer.size(), std::strerror(errno));
  }
}

void LocalSocketServer::Stop() {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    if (stopped_) return;
    stopped_ = true;
  }
  changed_.notify_all();
  connections_.notify_all();
  uint64_t one = 1;
  (void)!::write(stop_event_.get(), &one, sizeof(one));
  if (accept_thread_.joinable()) accept_thread_.join();
  ::unlink(path_.c_str());
  listener_.reset();  // connections waiting in the backlog see the end of the file
  // The calls accepted are answered first: a worker leaves only once none is queued.
  std::unique_lock<std::mutex> lock(mutex_);
  changed_.wait(lock, [&] { return calls_in_flight_ == 0 && workers_ == 0; });
}

}  // namespace boxcar
