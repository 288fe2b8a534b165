// What a handler gets: the exchange, the parsed route, the caller's grant, the Glance store
// acting with that grant's Keystone token, and the registry's settings. Plus the one way
// every handler answers an error.
#pragma once

#include <shared_mutex>
#include <string>
#include <utility>
#include <vector>

#include "registry/blob_cache.h"
#include "registry/bootable_image.h"
#include "registry/glance_registry_store.h"
#include "registry/http_server.h"
#include "registry/registry_config.h"
#include "registry/registry_error.h"
#include "registry/registry_token.h"
#include "registry/route.h"
#include "registry/upload_sessions.h"

namespace boxcar::registry {

using HeaderList = std::vector<std::pair<std::string, std::string>>;

struct RequestContext {
  HttpExchange& http;
  const Route& route;
  const RegistryGrant& grant;
  GlanceRegistryStore& store;
  const RegistryConfig& config;
  UploadSessions& uploads;
  BootableImagePublisher* bootable;  // null: no bootable images
  BlobCache* cache;                  // null: no local blob cache
  // Shared while a manifest PUT checks and stores what it references, exclusive while a blob
  // DELETE checks that no manifest references the blob and deletes it: a blob never goes
  // under a manifest being stored (within this daemon).
  std::shared_mutex& blob_references;
};

void SendError(HttpExchange& http, const RegistryError& error, HeaderList headers = {});
inline void SendError(HttpExchange& http, ErrorCode code, std::string message) {
  SendError(http, RegistryError{code, std::move(message)});
}

void ServeBlob(RequestContext& context);
void ServeUploadStart(RequestContext& context);
void ServeUpload(RequestContext& context);
void ServeManifest(RequestContext& context);
void ServeTags(RequestContext& context);
void ServeCatalog(RequestContext& context);
void ServeReferrers(RequestContext& context);

}  // namespace boxcar::registry
