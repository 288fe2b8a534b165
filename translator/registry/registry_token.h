// The registry's own Bearer token: what /token hands out after a Keystone login, and what
// every later request carries. It is the grant (the Keystone token of one project, its Glance
// endpoint, the expiry) as JSON sealed with AES-256-GCM under a key derived from the
// registry's, so the registry keeps no session table and survives a restart, and the token is
// opaque: whoever sees it (a proxy's log, a client's cache) can use it at this registry until
// it expires, but cannot read the Keystone token inside and take it to other OpenStack
// services. A token edited, sealed under another key or expired is refused; none is logged.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "common/status.h"

namespace boxcar::registry {

struct RegistryGrant {
  std::string user_name;
  std::string project_id;
  std::string project_name;
  std::string keystone_token;
  std::string glance_endpoint;
  int64_t expires_at = 0;  // unix seconds
};

class RegistryTokenSealer {
 public:
  // `key`: the registry's key (LoadOrCreateTokenKey); the cipher's key is derived from it.
  explicit RegistryTokenSealer(std::string_view key);
  // INTERNAL only if OpenSSL fails.
  StatusOr<std::string> Seal(const RegistryGrant& grant) const;
  // kUnauthenticated for a token that is malformed, not sealed under this key, edited, or
  // expired at `now` (unix seconds).
  StatusOr<RegistryGrant> Open(std::string_view token, int64_t now) const;

 private:
  std::string cipher_key_;  // 32 bytes
};

// Reads the registry's key from `path`, or makes a random 32-byte one there (mode 0600,
// written whole or not at all: a crash mid-write leaves no short key behind).
StatusOr<std::string> LoadOrCreateTokenKey(const std::string& path);

std::string Base64UrlEncode(std::string_view bytes);
// Standard or URL alphabet, padding optional; nullopt-like error for other characters.
StatusOr<std::string> Base64Decode(std::string_view text);

}  // namespace boxcar::registry
