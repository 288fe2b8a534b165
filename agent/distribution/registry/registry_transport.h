// The registry client behind the Distribution service: pulls and pushes references through
// any OCI distribution / Docker Registry v2 server, and keeps the logins (Login/Logout).
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "distribution/image_transport.h"
#include "distribution/registry/registry_credentials_file.h"
#include "distribution/registry/registry_pull.h"
#include "distribution/registry/registry_push.h"
#include "store/image_store.h"

namespace boxcar {

struct RegistryTransportOptions {
  // Where logins are kept (mode 0600).
  std::string credentials_path;
  // Besides loopback: hosts that may be spoken to over plain HTTP.
  std::vector<std::string> insecure_registries;
  RegistryPullOptions pull;
  RegistryPushOptions push;
};

class RegistryTransport : public ImageTransport, public RegistryLogins {
 public:
  // `store` and `blobs` outlive the transport.
  RegistryTransport(ImageStore* store, const BlobStore* blobs, RegistryTransportOptions options);

  const char* name() const override { return "registry"; }
  StatusOr<v1::Image> Pull(const v1::PullRequest& request, const TransferProgressSink& progress,
                           const TransferCancelCheck& cancelled) override;
  StatusOr<v1::PushResult> Push(const v1::PushRequest& request,
                                const TransferProgressSink& progress,
                                const TransferCancelCheck& cancelled) override;
  Status Login(const v1::LoginRequest& request) override;
  StatusOr<bool> Logout(const v1::LogoutRequest& request) override;

 private:
  // The request's credentials, else the stored login of the registry.
  v1::RegistryCredentials CredentialsFor(const std::string& registry,
                                         const v1::RegistryCredentials& given);
  RegistryEndpointOptions EndpointOptions(const std::string& ca_file) const;

  ImageStore* store_;
  const BlobStore* blobs_;
  RegistryTransportOptions options_;
  RegistryCredentialsFile credentials_;
};

}  // namespace boxcar
