// The agent's one connection to libvirtd: opened on first use, kept alive with libvirt's
// keepalive messages, and opened again (events re-registered) after libvirtd went away.
#pragma once

#include <functional>
#include <mutex>
#include <string>

#include "backends/libvirt/libvirt_handles.h"
#include "common/status.h"

namespace boxcar {

class LibvirtConnection {
 public:
  // Called on libvirt's event thread for every lifecycle event of a domain named "boxcar-*":
  // the domain's name, the virDomainEventType and its detail.
  using LifecycleCallback = std::function<void(const std::string& domain, int event, int detail)>;

  explicit LibvirtConnection(std::string uri, LifecycleCallback on_lifecycle = nullptr);
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

  std::string uri_;
  LifecycleCallback on_lifecycle_;
  std::mutex mutex_;
  virConnectPtr connection_ = nullptr;  // our own reference; guarded by mutex_
  int lifecycle_callback_id_ = -1;
  bool closed_ = false;  // libvirt told us the connection died; guarded by mutex_
};

}  // namespace boxcar
