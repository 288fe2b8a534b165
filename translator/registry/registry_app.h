// The registry's front door: the route table, the Bearer check, the project check on
// writes, then one handler per noun (blob_handler, upload_handler, manifest_handler,
// listing_handler, token_handler). Every refusal goes out as the spec's error JSON.
#pragma once

#include <string>

#include "registry/blob_cache.h"
#include "registry/bootable_image.h"
#include "registry/http_server.h"
#include "registry/registry_config.h"
#include "registry/registry_token.h"
#include "registry/upload_sessions.h"

namespace boxcar::registry {

class RegistryApp {
 public:
  RegistryApp(RegistryConfig config, RegistryTokenSigner signer, UploadSessions* uploads,
              BootableImagePublisher* bootable, BlobCache* cache)
      : config_(std::move(config)),
        signer_(std::move(signer)),
        uploads_(uploads),
        bootable_(bootable),
        cache_(cache) {}
  void Handle(HttpExchange& http);

 private:
  std::string Realm(const HttpExchange& http) const;
  RegistryConfig config_;
  RegistryTokenSigner signer_;
  UploadSessions* uploads_;
  BootableImagePublisher* bootable_;
  BlobCache* cache_;
};

}  // namespace boxcar::registry
