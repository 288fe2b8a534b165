// A client of one registry's v2 API for one repository: finds the scheme (HTTPS; plain HTTP
// only for insecure registries), answers 401 challenges (Basic with the credentials, Bearer
// by fetching a token from the realm for the scopes needed) and turns the registry's error
// bodies into statuses. Safe to use from several threads (parallel layer downloads).
#pragma once

#include <mutex>
#include <string>
#include <vector>

#include "boxcar/v1/distribution.pb.h"
#include "distribution/registry/registry_reference.h"
#include "http/http_client.h"
#include "http/http_connection_pool.h"

namespace boxcar {

struct RegistryEndpointOptions {
  // Registries ("host[:port]") that may be spoken to over plain HTTP; loopback hosts always
  // may. TLS is tried first for them (loopback: plain HTTP first, see Ping).
  std::vector<std::string> insecure_registries;
  TlsOptions tls;
};

// True for localhost, 127.0.0.0/8 and ::1 (with any port).
bool IsLoopbackRegistry(const std::string& registry);
// True when `registry` may be spoken to over plain HTTP: loopback, or listed.
bool IsInsecureRegistry(const std::string& registry, const std::vector<std::string>& insecure);

class RegistryClient {
 public:
  // `registry` as in RegistryReference::registry; `credentials` may be empty (anonymous).
  RegistryClient(const RegistryReference& reference, v1::RegistryCredentials credentials,
                 RegistryEndpointOptions options);

  // GET /v2/: chooses the scheme and learns the challenge. Errors name the registry.
  Status Ping();
  // Sends `request` whose URL is a path under the registry ("/v2/..."); on 401 authenticates
  // for `scopes` ("repository:NAME:pull[,push]") and retries once.
  StatusOr<HttpResponse> Send(HttpRequest request, const std::vector<std::string>& scopes);
  // Full URL of a path; a Location header may be absolute or relative.
  std::string Url(const std::string& path_or_url) const;
  // Checks the credentials (Login): the registry must accept them.
  Status CheckLogin();

  const std::string& registry() const { return registry_; }

 private:
  // Acquires an Authorization header value for `scopes` from `challenge_header`.
  StatusOr<std::string> Authenticate(const std::string& challenge_header,
                                     const std::vector<std::string>& scopes);
  // One exchange with what every registry request gets (redirects followed, at most 1 MiB
  // of an error body kept), over the pool's connections.
  StatusOr<HttpResponse> Perform(HttpRequest request);

  std::string registry_;
  std::string api_host_;
  v1::RegistryCredentials credentials_;
  RegistryEndpointOptions options_;
  std::mutex mutex_;
  std::string base_url_;       // "https://host" once Ping chose
  std::string authorization_;  // the current Authorization header value, or ""
  // Connections kept open between the requests of a pull or push (one per parallel stream).
  HttpConnectionPool connections_;
};

// A registry error answer as a status: 401 kPermissionDenied ("unauthorized"), 403
// kPermissionDenied, 404 kNotFound, 429/5xx kUnavailable, others kFailedPrecondition;
// the registry's own error codes and messages are included. `what` names the call.
Status RegistryError(const HttpResponse& response, const std::string& what);

}  // namespace boxcar
