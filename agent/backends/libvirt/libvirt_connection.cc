#include "backends/libvirt/libvirt_connection.h"

#include <spdlog/spdlog.h>

#include <chrono>

namespace boxcar {

namespace {

constexpr int kKeepAliveIntervalSeconds = 5;
constexpr int kKeepAliveMissedReplies = 3;
constexpr auto kRetryInterval = std::chrono::milliseconds(500);
// libvirtd away for longer (or never there: a host without it): tried less often.
constexpr int kFastRetries = 60;
constexpr auto kSlowRetryInterval = std::chrono::seconds(5);

// libvirt reports every failed call through an error handler whose default prints to stderr
// ("libvirt: LXC Driver error : Domain not found", "Failed to connect socket" at each retry
// while libvirtd is away). The callers report the failures that matter, with context; the
// rest is debug output.
void LogLibvirtError(void*, virErrorPtr error) {
  if (error == nullptr || error->message == nullptr) return;
  spdlog::debug("libvirt: {}", error->message);
}

void RouteErrorsToLogOnce() {
  static std::once_flag once;
  std::call_once(once, [] { virSetErrorFunc(nullptr, &LogLibvirtError); });
}

// libvirt's default event loop, on a thread of its own for the life of the process: keepalive
// messages, the close callback and domain events all need one. It must be registered before
// the first connection is opened.
void StartEventLoopOnce() {
  static std::once_flag once;
  std::call_once(once, [] {
    if (virEventRegisterDefaultImpl() != 0) {
      spdlog::warn("libvirt: no event loop ({}); no keepalive or domain events",
                   LastLibvirtError());
      return;
    }
    std::thread([] {
      for (;;) {
        if (virEventRunDefaultImpl() != 0) {
          spdlog::warn("libvirt event loop: {}", LastLibvirtError());
          std::this_thread::sleep_for(std::chrono::milliseconds(100));
        }
      }
    }).detach();
  });
}

}  // namespace

LibvirtConnection::LibvirtConnection(std::string uri, LifecycleCallback on_lifecycle,
                                     ConnectedCallback on_connected)
    : uri_(std::move(uri)),
      on_lifecycle_(std::move(on_lifecycle)),
      on_connected_(std::move(on_connected)),
      reconnect_thread_([this] { ReconnectLoop(); }) {
  RouteErrorsToLogOnce();
}

LibvirtConnection::~LibvirtConnection() {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    stopping_ = true;
  }
  wake_.notify_all();
  reconnect_thread_.join();
  std::lock_guard<std::mutex> lock(mutex_);
  Drop();
}

void LibvirtConnection::Drop() {
  if (connection_ == nullptr) return;
  if (lifecycle_callback_id_ >= 0) {
    virConnectDomainEventDeregisterAny(connection_, lifecycle_callback_id_);
    lifecycle_callback_id_ = -1;
  }
  virConnectUnregisterCloseCallback(connection_, &LibvirtConnection::OnClosed);
  virConnectClose(connection_);
  connection_ = nullptr;
}

void LibvirtConnection::OnClosed(virConnectPtr connection, int reason, void* opaque) {
  auto* self = static_cast<LibvirtConnection*>(opaque);
  spdlog::warn("libvirt: connection to {} closed (reason {}); reconnecting", self->uri_, reason);
  {
    std::lock_guard<std::mutex> lock(self->mutex_);
    if (connection == self->connection_) self->closed_ = true;
  }
  self->wake_.notify_all();
}

int LibvirtConnection::OnLifecycle(virConnectPtr, virDomainPtr domain, int event, int detail,
                                   void* opaque) {
  auto* self = static_cast<LibvirtConnection*>(opaque);
  const char* name = virDomainGetName(domain);
  if (name == nullptr || std::string(name).rfind("boxcar-", 0) != 0) return 0;
  char uuid[VIR_UUID_STRING_BUFLEN] = {};
  if (virDomainGetUUIDString(domain, uuid) != 0) uuid[0] = '\0';
  spdlog::debug("libvirt: domain {} event {} detail {}", name, event, detail);
  if (self->on_lifecycle_) self->on_lifecycle_(name, uuid, event, detail);
  return 0;
}

void LibvirtConnection::ReconnectLoop() {
  std::unique_lock<std::mutex> lock(mutex_);
  int failed_retries = 0;
  while (!stopping_) {
    wake_.wait(lock, [this] { return stopping_ || closed_ || connected_pending_; });
    if (stopping_) return;
    if (closed_) {
      lock.unlock();
      auto connection = Get();
      lock.lock();
      if (!connection.ok()) {
        const auto interval =
            ++failed_retries <= kFastRetries
                ? std::chrono::duration_cast<std::chrono::milliseconds>(kRetryInterval)
                : std::chrono::duration_cast<std::chrono::milliseconds>(kSlowRetryInterval);
        wake_.wait_for(lock, interval, [this] { return stopping_; });
        continue;
      }
      failed_retries = 0;
    }
    if (connected_pending_) {
      const bool reopened = reopened_pending_;
      connected_pending_ = reopened_pending_ = false;
      lock.unlock();
      if (on_connected_) on_connected_(reopened);
      lock.lock();
    }
  }
}

StatusOr<LibvirtConnectionRef> LibvirtConnection::Get() {
  std::lock_guard<std::mutex> lock(mutex_);
  if (connection_ != nullptr && (closed_ || virConnectIsAlive(connection_) != 1)) {
    Drop();
    closed_ = true;  // until open again: the reconnect thread retries
    wake_.notify_all();
  }
  if (connection_ == nullptr) {
    StartEventLoopOnce();
    connection_ = virConnectOpen(uri_.c_str());
    if (connection_ == nullptr) {
      closed_ = true;  // the reconnect thread retries, so the backend catches up once it is back
      wake_.notify_all();
      return Unavailable("libvirt backend: cannot connect to libvirtd at '" + uri_ +
                         "': " + LastLibvirtError() + " (is libvirtd running? see --libvirt-uri)");
    }
    closed_ = false;
    if (virConnectSetKeepAlive(connection_, kKeepAliveIntervalSeconds, kKeepAliveMissedReplies) !=
        0) {
      spdlog::warn("libvirt: keepalive for {}: {}", uri_, LastLibvirtError());
    }
    virConnectRegisterCloseCallback(connection_, &LibvirtConnection::OnClosed, this, nullptr);
    lifecycle_callback_id_ = virConnectDomainEventRegisterAny(
        connection_, nullptr, VIR_DOMAIN_EVENT_ID_LIFECYCLE,
        VIR_DOMAIN_EVENT_CALLBACK(&LibvirtConnection::OnLifecycle), this, nullptr);
    if (lifecycle_callback_id_ < 0) {
      spdlog::warn("libvirt: domain events of {}: {}", uri_, LastLibvirtError());
    }
    connected_pending_ = true;
    if (opens_++ > 0) reopened_pending_ = true;
    wake_.notify_all();
    spdlog::info("libvirt: connected to {}", uri_);
  }
  virConnectRef(connection_);
  return LibvirtConnectionRef(connection_, LibvirtConnectionCloser());
}

}  // namespace boxcar
