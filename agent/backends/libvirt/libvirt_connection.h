// The agent's one connection to libvirtd: opened on first use, kept alive with libvirt's
// keepalive messages, and opened again after libvirtd went away (or was away at the first
// use), by a thread of its own that retries until libvirtd is back, so domain events flow
// again and the backend can catch up without waiting for a call. libvirt's errors go to the
// agent's log at debug level (the caller reports what failed), not to stderr.
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
  // Called on the reconnect thread after a connection was opened, the first one included;
  // `reopened` when an earlier one had been open (events missed meanwhile are the callee's to
  // find). May call Get().
  using ConnectedCallback = std::function<void(bool reopened)>;

  LibvirtConnection(std::string uri, LifecycleCallback on_lifecycle = nullptr,
                    ConnectedCallback on_connected = nullptr);
  ~LibvirtConnection();
  LibvirtConnection(const LibvirtConnection&) = delete;
  LibvirtConnection& operator=(const LibvirtConnection&) = delete;

  const std::string& uri() const { return uri_; }
  // The live connection, opened (again) when there is none or the last one died;
  // kUnavailable naming the URI and libvirt's reason when libvirtd cannot be reached (the
  // reconnect thread then keeps trying).
  StatusOr<LibvirtConnectionRef> Get();

 private:
  static void OnClosed(virConnectPtr connection, int reason, void* opaque);
  static int OnLifecycle(virConnectPtr connection, virDomainPtr domain, int event, int detail,
                         void* opaque);
  void Drop();  // with mutex_ held
  // The reconnect thread: after a close or a failed open, Get() every kRetryInterval until it
  // succeeds; after any open (its own or a caller's), on_connected_.
  void ReconnectLoop();

  const std::string uri_;
  const LifecycleCallback on_lifecycle_;
  const ConnectedCallback on_connected_;
  std::mutex mutex_;
  std::condition_variable wake_;        // closed_, connected_pending_ or stopping_ set
  virConnectPtr connection_ = nullptr;  // our own reference; guarded by mutex_
  int lifecycle_callback_id_ = -1;
  // The connection died (libvirt told us, or a call found it dead) or could not be opened:
  // the reconnect thread retries. Guarded by mutex_.
  bool closed_ = false;
  int opens_ = 0;                   // guarded by mutex_
  bool connected_pending_ = false;  // on_connected_ is due; guarded by mutex_
  bool reopened_pending_ = false;   // ... for a reopen; guarded by mutex_
  bool stopping_ = false;        // guarded by mutex_
  std::thread reconnect_thread_;  // last: started once the rest is set up
};

}  // namespace boxcar
