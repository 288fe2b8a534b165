#include "distribution/image_distribution.h"

namespace boxcar {

StatusOr<ImageTransport*> ImageDistribution::TransportFor(const std::string& location,
                                                          const char* field) {
  const bool glance = IsGlanceLocation(location);
  ImageTransport* transport = glance ? glance_.get() : registry_.get();
  if (transport == nullptr) {
    return Unimplemented(std::string(field) + ": this agent has no " +
                         (glance ? "Glance translator" : "registry client") + " for '" +
                         location + "'");
  }
  return transport;
}

StatusOr<v1::Image> ImageDistribution::Pull(const v1::PullRequest& request,
                                            const TransferProgressSink& progress,
                                            const TransferCancelCheck& cancelled) {
  if (request.source().empty()) {
    return InvalidArgument(
        "source: empty; give a registry reference (busybox, registry:5000/app:1, "
        "name@sha256:...) or glance://IMAGE_ID");
  }
  auto transport = TransportFor(request.source(), "source");
  if (!transport.ok()) return transport.status();
  return (*transport)->Pull(request, progress, cancelled);
}

StatusOr<v1::PushResult> ImageDistribution::Push(const v1::PushRequest& request,
                                                 const TransferProgressSink& progress,
                                                 const TransferCancelCheck& cancelled) {
  if (request.image().empty()) return InvalidArgument("image: empty; name the image to push");
  // An empty destination means the image's own reference: a registry push.
  auto transport = TransportFor(request.destination(), "destination");
  if (!transport.ok()) return transport.status();
  return (*transport)->Push(request, progress, cancelled);
}

Status ImageDistribution::Login(const v1::LoginRequest& request) {
  if (request.registry().empty()) return InvalidArgument("registry: empty; name a registry host");
  if (logins_ == nullptr) return Unimplemented("registry: this agent has no registry client");
  return logins_->Login(request);
}

StatusOr<bool> ImageDistribution::Logout(const v1::LogoutRequest& request) {
  if (request.registry().empty()) return InvalidArgument("registry: empty; name a registry host");
  if (logins_ == nullptr) return Unimplemented("registry: this agent has no registry client");
  return logins_->Logout(request);
}

}  // namespace boxcar
