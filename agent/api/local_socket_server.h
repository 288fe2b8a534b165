// The transport of the CLI's local fast path (proto/boxcar/v1/local.proto): a SOCK_SEQPACKET
// unix socket next to the gRPC socket. One connection carries one call: one request message
// in, one answer message out, then the agent closes. Each connection is served by a thread of
// its own (as many at once as gRPC's synchronous server would run), so concurrent `run -d`
// commands do not wait for each other here. A thread whose call ended waits a while for the
// next connection instead of exiting: a burst of calls then starts no thread per call (each
// start and exit was ~5 % of the agent's CPU for a `run -d`). What a request means is the
// handler's business (api/local_api.h); this file knows only sockets, threads and message
// sizes.
#pragma once

#include <sys/types.h>

#include <condition_variable>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <thread>

#include "common/status.h"
#include "common/unique_fd.h"

namespace boxcar {

// Who may connect: the owner, group and mode the socket file gets (those of the gRPC socket).
struct SocketPermissions {
  uid_t owner = 0;
  gid_t group = 0;
  mode_t mode = 0660;
};

// The permissions of an existing socket file (the gRPC one), to give the local socket the same.
StatusOr<SocketPermissions> PermissionsOf(const std::string& path);

class LocalSocketServer {
 public:
  // Takes the request's bytes (or why there are none to take: a message over the size limit),
  // returns the answer's bytes; called on the connection's thread.
  using Handler = std::function<std::string(const StatusOr<std::string>& request)>;

  // Listens on `path` (a stale socket file there is replaced). The socket appears at `path`
  // only with `permissions` already set: it is bound under a temporary name, chmod'ed and
  // chown'ed, then renamed into place.
  static StatusOr<std::unique_ptr<LocalSocketServer>> Listen(const std::string& path,
                                                              const SocketPermissions& permissions,
                                                              Handler handler);
  ~LocalSocketServer() { Stop(); }

  // Stops accepting, waits for the calls in flight and removes the socket file. Idempotent.
  void Stop();

  const std::string& path() const { return path_; }

 private:
  LocalSocketServer(std::string path, UniqueFd listener, UniqueFd stop_event, Handler handler);
  void AcceptLoop();
  // Serves queued connections until none came for a while, or the server stops.
  void WorkerLoop();
  void Serve(UniqueFd connection);

  const std::string path_;
  UniqueFd listener_;
  UniqueFd stop_event_;  // an eventfd: written by Stop, wakes the accept loop
  const Handler handler_;
  std::thread accept_thread_;
  std::mutex mutex_;
  std::condition_variable changed_;     // calls ended, workers gone: the accept loop and Stop
  std::condition_variable connections_;  // a connection queued, or the end: one idle worker
  std::deque<UniqueFd> accepted_;  // connections no thread has taken yet
  size_t calls_in_flight_ = 0;     // accepted, not yet answered
  size_t workers_ = 0;             // threads running WorkerLoop
  size_t idle_workers_ = 0;        // of which waiting for a connection
  bool stopped_ = false;
};

}  // namespace boxcar
