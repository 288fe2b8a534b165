// The registry's front door: the route table, the Bearer check, the project check on
// writes, then one handler per noun (blob_handler, upload_handler, manifest_handler,
// listing_handler, token_handler). Every refusal goes out as the spec's error JSON.
#pragma once

#include <shared_mutex>
#include <string>

#include "registry/blob_cache.h"
#include "registry/bootable_image.h"
#include "registry/glance_write_journal.h"
#include "registry/http_server.h"
#include "registry/orphan_sweeper.h"
#include "registry/registry_config.h"
#include "registry/registry_token.h"
#include "registry/upload_sessions.h"

namespace boxcar::registry {

class RegistryApp {
 public:
  // `journal` records the Glance images being written; `sweeper` (may be null) is offered
  // each caller's session for the orphans of that project whose own token expired.
  RegistryApp(RegistryConfig config, RegistryTokenSealer sealer, UploadSessions* uploads,
              BootableImagePublisher* bootable, BlobCache* cache, GlanceWriteJournal* journal,
              OrphanSweeper* sweeper)
      : config_(std::move(config)),
        cloud_tls_(config_.cloud_tls()),
        sealer_(std::move(sealer)),
        uploads_(uploads),
        bootable_(bootable),
        cache_(cache),
        journal_(journal),
        sweeper_(sweeper) {}
  void Handle(HttpExchange& http);

 private:
  std::string Realm(const HttpExchange& http) const;
  RegistryConfig config_;
  TlsOptions cloud_tls_;  // every Keystone and Glance exchange (cloud_tls.h)
  RegistryTokenSealer sealer_;
  UploadSessions* uploads_;
  BootableImagePublisher* bootable_;
  BlobCache* cache_;
  GlanceWriteJournal* journal_;
  OrphanSweeper* sweeper_;
  std::shared_mutex blob_references_;  // RequestContext::blob_references
};

}  // namespace boxcar::registry
