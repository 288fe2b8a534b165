// The Distribution service's logic: routes each pull and push to the transport its location
// names ("glance://..." to the Glance translator, anything else to the registry client).
#pragma once

#include <memory>

#include "distribution/image_transport.h"

namespace boxcar {

class ImageDistribution {
 public:
  // Any of them may be null: the agent was built or configured without that transport, and
  // its calls are refused as UNIMPLEMENTED, naming it.
  ImageDistribution(std::unique_ptr<ImageTransport> registry,
                    std::unique_ptr<ImageTransport> glance, RegistryLogins* logins)
      : registry_(std::move(registry)), glance_(std::move(glance)), logins_(logins) {}

  StatusOr<v1::Image> Pull(const v1::PullRequest& request, const TransferProgressSink& progress,
                           const TransferCancelCheck& cancelled);
  StatusOr<v1::PushResult> Push(const v1::PushRequest& request,
                                const TransferProgressSink& progress,
                                const TransferCancelCheck& cancelled);
  Status Login(const v1::LoginRequest& request);
  StatusOr<bool> Logout(const v1::LogoutRequest& request);

 private:
  // The transport of `location` (the request field `field`), or why there is none.
  StatusOr<ImageTransport*> TransportFor(const std::string& location, const char* field);

  std::unique_ptr<ImageTransport> registry_;
  std::unique_ptr<ImageTransport> glance_;
  RegistryLogins* logins_;
};

// True for "glance://..." locations.
inline bool IsGlanceLocation(const std::string& location) {
  return location.rfind("glance://", 0) == 0;
}

}  // namespace boxcar
