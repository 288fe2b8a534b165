// The agent's one connection to libvirtd: opened on first use, kept alive with libvirt's
// keepalive messages, and opened again after libvirtd went away, by a thread of its own that
// retries until libvirtd is back, so domain events flow again without waiting for a call.
// libvirt's errors go to the agent's log at debug level (the caller reports what failed), not
// to stderr.
#pragma once

#include <condition_variable>
#include <functional>
#include <mutex>
#include <string>
#include <thread>

#include "backends/libvirt/libvirt_handles.h"
#include "common/status.h"

namespace boxcar {

class LibvirtConnection {
 public:
  // Called on libvirt's event thread for every lifecycle event of a domain named "boxcar-*":
  // the domain's name and UUID, the virDomainEventType and its detail. Must not block.
  using LifecycleCallback = std::function<void(const std::string& domain, const std::string& uuid,
                                               int event, int detail)>;
  // Called on the reconnect thread after a connection was opened again (events missed
  // meanwhile are the callee's to find).
  using ReconnectedCallback = std::function<void()>;

  LibvirtConnection(std::string uri, LifecycleCallback on_lifecycle = nullptr,
                    ReconnectedCallback on_reconnected = nullptr);
  ~LibvirtConnection();
  LibvirtConnection(const LibvirtConnection&) = delete;
  LibvirtConnection& operator=(const LibvirtConnection&) = delete;

  const std::string& uri() const { return uri_; }
  // The live connection, opened (again) when there is none or the last one died;
  // kUnavailable naming the URI and libvirt's reason when libvirtd cannot be reached.
  StatusOr<LibvirtConnectionRef> Get();

 private:
  static void OnClosed(virConnectPtr connection, int reason, void* opaque);
  static int OnLifecycle(virConnectPtr connection, virDomainPtr domain, int event, int detail,
                         void* opaque);
  void Drop();  // with mutex_ held
  // The reconnect thread: after a close, Get() every kRetryInterval until it succeeds; after
  // any reopen (its own or a caller's), on_reconnected_.
  void ReconnectLoop();

  const std::string uri_;
  const LifecycleCallback on_lifecycle_;
  const ReconnectedCallback on_reconnected_;
  std::mutex mutex_;
  std::condition_variable wake_;        // closed_, resync_wanted_ or stopping_ set
  virConnectPtr connection_ = nullptr;  // our own reference; guarded by mutex_
  int lifecycle_callback_id_ = -1;
  bool closed_ = false;          // libvirt told us the connection died; guarded by mutex_
  bool ever_opened_ = false;     // guarded by mutex_
  bool resync_wanted_ = false;   // opened again after a drop; guarded by mutex_
  bool stopping_ = false;        // guarded by mutex_
  std::thread reconnect_thread_;  // last: started once the rest is set up
};

}  // namespace boxcar
