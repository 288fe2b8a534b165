// Keystone v3: turns KeystoneCredentials into a scoped token and the Glance endpoint.
#pragma once

#include "common/status.h"
#include "openstack/keystone_credentials.h"

namespace boxcar::openstack {

// - a token with a Glance endpoint: used as is (no Keystone call);
// - a token alone: validated (GET /v3/auth/tokens) to read its catalog;
// - a password or an application credential: POST /v3/auth/tokens.
// Wrong credentials are kUnauthenticated-like kPermissionDenied ("keystone: 401 ...");
// a missing field is kInvalidArgument naming it; Keystone unreachable is kUnavailable.
StatusOr<KeystoneSession> Authenticate(const KeystoneCredentials& credentials);

}  // namespace boxcar::openstack
