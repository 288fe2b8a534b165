// `docker login` with a Keystone user and password: finds the user's projects with an
// unscoped token (GET /v3/auth/projects), picks the one a repository name's first component
// names (project names compared in lower case, since repository names are lower case), else
// the user's default project (Keystone scopes a login without a scope to default_project_id),
// else the user's first project by name, and scopes a token to it. Three Keystone calls per
// login.
// A user name that is an application credential's id (32 hex) whose password login fails is
// tried as that application credential (its secret as the password), in its own project.
#pragma once

#include <string>

#include "common/status.h"
#include "http/tls_options.h"
#include "registry/registry_token.h"

namespace boxcar::registry {

struct KeystoneEndpoints {
  std::string auth_url;         // Keystone v3
  std::string glance_endpoint;  // from the catalog when empty
  std::string interface;        // "public" when empty
  std::string region_name;      // any when empty
  TlsOptions tls;               // Keystone's (and Glance's) certificate: cloud_tls.h
};

// Wrong user or password: kUnauthenticated; a user without any project: kPermissionDenied;
// Keystone away: kUnavailable. `expires_at` is left 0 for the caller to set.
StatusOr<RegistryGrant> KeystoneLogin(const KeystoneEndpoints& endpoints,
                                      const std::string& user_name, const std::string& password,
                                      const std::string& wanted_project);

}  // namespace boxcar::registry
