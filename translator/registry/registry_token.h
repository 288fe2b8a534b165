// The registry's own Bearer token: what /token hands out after a Keystone login, and what
// every later request carries. It is the grant (the Keystone token of one project, its Glance
// endpoint, the expiry) as base64url JSON plus an HMAC-SHA256 over it with the registry's key,
// so the registry keeps no session table and survives a restart. The Keystone token inside is
// readable by the holder, who already had the password that made it; it is never logged.
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

class RegistryTokenSigner {
 public:
  explicit RegistryTokenSigner(std::string key) : key_(std::move(key)) {}
  std::string Sign(const RegistryGrant& grant) const;
  // kUnauthenticated for a token that is malformed, not signed by this key, or expired at
  // `now` (unix seconds).
  StatusOr<RegistryGrant> Verify(std::string_view token, int64_t now) const;

 private:
  std::string Mac(std::string_view payload) const;
  std::string key_;
};

// Reads the signing key from `path`, or makes a random 32-byte one there (mode 0600).
StatusOr<std::string> LoadOrCreateTokenKey(const std::string& path);

std::string Base64UrlEncode(std::string_view bytes);
// Standard or URL alphabet, padding optional; nullopt-like error for other characters.
StatusOr<std::string> Base64Decode(std::string_view text);

}  // namespace boxcar::registry
