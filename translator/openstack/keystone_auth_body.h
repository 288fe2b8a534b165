// The JSON of Keystone v3 POST /v3/auth/tokens, and what its answer holds. Pure functions
// (no I/O), so the parsing is unit-tested without a Keystone.
#pragma once

#include <string>

#include "common/status.h"
#include "openstack/keystone_credentials.h"

namespace boxcar::openstack {

// The request body for a password, application-credential or token authentication. Errors
// name the missing field (os-username / os-password / os-project-name ...).
StatusOr<std::string> KeystoneAuthRequestBody(const KeystoneCredentials& credentials);

// The body of an unscoped password authentication of a user name in the Default domain (the
// registry's login, before it knows the user's projects). Empty fields are sent as they are:
// Keystone refuses them.
std::string KeystoneUnscopedPasswordBody(const std::string& username, const std::string& password);

struct KeystoneTokenInfo {
  std::string project_id;
  std::string glance_endpoint;  // empty when the catalog has no matching image endpoint
};

// Reads project.id and the catalog's image endpoint of `interface` ("public" when empty) in
// `region` (any when empty) from a token body ({"token": {...}}).
StatusOr<KeystoneTokenInfo> ParseKeystoneToken(const std::string& body, const std::string& region,
                                               const std::string& interface);

// "http://h:5000" or "http://h:5000/v3/" -> "http://h:5000/v3".
std::string KeystoneV3Url(const std::string& auth_url);

}  // namespace boxcar::openstack
