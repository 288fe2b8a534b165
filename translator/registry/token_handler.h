// GET /token: the Bearer realm. Basic credentials are a Keystone user and password; the
// project is the one the first requested repository scope names (PROJECT/NAME), else the
// user's first project. Answers {"token","access_token","expires_in","issued_at"}.
#pragma once

#include "registry/http_server.h"
#include "registry/keystone_login.h"
#include "registry/registry_config.h"
#include "registry/registry_token.h"

namespace boxcar::registry {

void ServeToken(HttpExchange& http, const RegistryConfig& config,
                const RegistryTokenSealer& sealer);

// "Basic dXNlcjpwdw==" -> user, password; false for anything else.
bool ParseBasicAuthorization(const std::string& header, std::string* user, std::string* password);
// The repository of the first "repository:NAME:ACTIONS" scope, or "".
std::string FirstScopedRepository(const HttpExchange& http);

}  // namespace boxcar::registry
