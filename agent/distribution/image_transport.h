// One way of moving images in and out of the store (a Registry v2 client, the Glance
// translator), behind the Distribution service. Transports are chosen by the location's
// scheme (image_distribution.h); each validates its own requests and names their fields.
#pragma once

#include <cstdint>
#include <functional>
#include <string>

#include "boxcar/v1/distribution.pb.h"
#include "common/status.h"

namespace boxcar {

// Hears of every blob's state change and of byte progress, on the transferring thread(s);
// calls are serialised by the caller of the transport.
using TransferProgressSink = std::function<void(const v1::TransferProgress&)>;

// Tells `sink` (may be empty) of one blob's state and bytes.
inline void ReportTransfer(const TransferProgressSink& sink, const std::string& digest,
                           v1::TransferState state, uint64_t done, uint64_t total) {
  if (!sink) return;
  v1::TransferProgress progress;
  progress.set_digest(digest);
  progress.set_state(state);
  progress.set_bytes_done(done);
  progress.set_bytes_total(total);
  sink(progress);
}
// Polled during long transfers; true stops the transfer (the caller went away), which then
// fails with kCancelled and leaves nothing partial.
using TransferCancelCheck = std::function<bool()>;

class ImageTransport {
 public:
  virtual ~ImageTransport() = default;
  // For messages: "registry", "glance".
  virtual const char* name() const = 0;
  virtual StatusOr<v1::Image> Pull(const v1::PullRequest& request,
                                   const TransferProgressSink& progress,
                                   const TransferCancelCheck& cancelled) = 0;
  virtual StatusOr<v1::PushResult> Push(const v1::PushRequest& request,
                                        const TransferProgressSink& progress,
                                        const TransferCancelCheck& cancelled) = 0;
};

// Stored logins of registries (Login/Logout); only the registry transport has them.
class RegistryLogins {
 public:
  virtual ~RegistryLogins() = default;
  virtual Status Login(const v1::LoginRequest& request) = 0;
  virtual StatusOr<bool> Logout(const v1::LogoutRequest& request) = 0;
};

}  // namespace boxcar
