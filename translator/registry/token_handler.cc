#include "registry/token_handler.h"

#include <spdlog/spdlog.h>
#include <time.h>

#include "registry/registry_error.h"
#include "registry/repository_name.h"
#include "registry/request_context.h"

namespace boxcar::registry {

bool ParseBasicAuthorization(const std::string& header, std::string* user, std::string* password) {
  if (header.size() < 6 || Lowercase(header.substr(0, 6)) != "basic ") return false;
  auto decoded = Base64Decode(header.substr(6));
  if (!decoded.ok()) return false;
  const size_t colon = decoded->find(':');
  if (colon == std::string::npos) return false;
  *user = decoded->substr(0, colon);
  *password = decoded->substr(colon + 1);
  return true;
}

std::string FirstScopedRepository(const HttpExchange& http) {
  auto range = http.query().equal_range("scope");
  for (auto it = range.first; it != range.second; ++it) {
    // A scope parameter may hold several space-separated scopes.
    size_t start = 0;
    const std::string& scopes = it->second;
    while (start < scopes.size()) {
      size_t end = scopes.find(' ', start);
      std::string scope = scopes.substr(start, end == std::string::npos ? end : end - start);
      if (scope.rfind("repository:", 0) == 0) {
        std::string rest = scope.substr(11);
        const size_t colon = rest.rfind(':');
        return colon == std::string::npos ? rest : rest.substr(0, colon);
      }
      if (end == std::string::npos) break;
      start = end + 1;
    }
  }
  return {};
}

void ServeToken(HttpExchange& http, const RegistryConfig& config,
                const RegistryTokenSealer& sealer) {
  std::string user, password;
  if (!ParseBasicAuthorization(http.Header("Authorization"), &user, &password)) {
    SendError(http,
              RegistryError{ErrorCode::kUnauthorized,
                            "log in with a Keystone user name and password (Basic)"},
              {{"WWW-Authenticate", "Basic realm=\"boxcar-registry\""}});
    return;
  }
  KeystoneEndpoints endpoints{config.keystone_url, config.glance_endpoint, config.interface,
                              config.region_name, config.cloud_tls()};
  auto grant = KeystoneLogin(endpoints, user, password, ProjectPrefix(FirstScopedRepository(http)));
  if (!grant.ok()) {
    spdlog::info("token refused for user '{}' from {}: {}", user, http.peer(),
                 grant.status().message());
    SendError(http, ErrorFromStatus(grant.status(), ErrorCode::kUnauthorized));
    return;
  }
  const int64_t now = ::time(nullptr);
  grant->expires_at = now + config.token_ttl_seconds;
  auto sealed = sealer.Seal(*grant);
  if (!sealed.ok()) {
    spdlog::error("token for user '{}': {}", user, sealed.status().message());
    SendError(http, ErrorFromStatus(sealed.status(), ErrorCode::kUnknown));
    return;
  }
  const std::string& token = *sealed;
  char issued[32];
  struct tm utc;
  time_t now_t = now;
  gmtime_r(&now_t, &utc);
  strftime(issued, sizeof issued, "%Y-%m-%dT%H:%M:%SZ", &utc);
  spdlog::info("token issued to user '{}' for project '{}' ({}) from {}", user, grant->project_name,
               grant->project_id, http.peer());
  const std::string body = "{\"token\":\"" + token + "\",\"access_token\":\"" + token +
                           "\",\"expires_in\":" + std::to_string(config.token_ttl_seconds) +
                           ",\"issued_at\":\"" + issued + "\"}\n";
  (void)http.Respond(200, {{"Content-Type", "application/json"}, {"Cache-Control", "no-store"}},
                     body);
}

}  // namespace boxcar::registry
