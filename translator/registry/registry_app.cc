#include "registry/registry_app.h"

#include <spdlog/spdlog.h>
#include <time.h>

#include "registry/repository_name.h"
#include "registry/request_context.h"
#include "registry/token_handler.h"

namespace boxcar::registry {
namespace {

bool IsWrite(const std::string& method) {
  return method == "POST" || method == "PUT" || method == "PATCH" || method == "DELETE";
}

}  // namespace

void SendError(HttpExchange& http, const RegistryError& error, HeaderList headers) {
  headers.emplace_back("Content-Type", "application/json");
  // The client gets the message too; the log keeps what went wrong on the server's side.
  if (error.HttpStatus() >= 500) {
    spdlog::warn("{} {}: {} {}", http.method(), http.path(), error.HttpStatus(), error.message);
  }
  (void)http.Respond(error.HttpStatus(), headers, error.Body());
}

std::string RegistryApp::Realm(const HttpExchange& http) const {
  if (!config_.realm.empty()) return config_.realm;
  std::string host = http.Header("Host");
  if (host.empty()) host = config_.listen_address + ":" + std::to_string(config_.port);
  return (http.secure() ? "https://" : "http://") + host + "/token";
}

void RegistryApp::Handle(HttpExchange& http) {
  const Route route = ParseRoute(http.path());
  if (route.kind == RouteKind::kToken) {
    ServeToken(http, config_, sealer_);
    return;
  }
  if (route.kind == RouteKind::kUnknown) {
    SendError(http, ErrorCode::kNameUnknown, "no such endpoint: " + http.path().substr(0, 200));
    return;
  }
  // Bearer check first, so an anonymous client learns the realm before anything else.
  const std::string authorization = http.Header("Authorization");
  StatusOr<RegistryGrant> grant = Status(StatusCode::kUnauthenticated, "authentication required");
  if (authorization.size() > 7 && Lowercase(authorization.substr(0, 7)) == "bearer ") {
    grant = sealer_.Open(authorization.substr(7), ::time(nullptr));
  }
  if (!grant.ok()) {
    std::string challenge = "Bearer realm=\"" + Realm(http) + "\",service=\"boxcar-registry\"";
    if (!route.repository.empty() && IsValidRepositoryName(route.repository)) {
      challenge += ",scope=\"repository:" + route.repository + ":" +
                   (IsWrite(http.method()) ? "pull,push" : "pull") + "\"";
    } else if (route.kind == RouteKind::kCatalog) {
      challenge += ",scope=\"registry:catalog:*\"";
    }
    SendError(http, RegistryError{ErrorCode::kUnauthorized, grant.status().message()},
              {{"WWW-Authenticate", challenge}});
    return;
  }
  if (route.kind == RouteKind::kBase) {
    (void)http.Respond(200, {{"Content-Type", "application/json"}}, "{}");
    return;
  }
  if (route.kind != RouteKind::kCatalog && !IsValidRepositoryName(route.repository)) {
    SendError(http, ErrorCode::kNameInvalid,
              "invalid repository name '" + route.repository.substr(0, 300) + "'");
    return;
  }
  // Writes only into the token's own project; reads go to Glance, which shows what the
  // project may see.
  if (IsWrite(http.method()) && ProjectPrefix(route.repository) != Lowercase(grant->project_name)) {
    SendError(http, ErrorCode::kDenied,
              "repository '" + route.repository + "' is not in project '" +
                  Lowercase(grant->project_name) + "' of this token: push to " +
                  Lowercase(grant->project_name) + "/NAME");
    return;
  }
  openstack::KeystoneSession session{grant->keystone_token, grant->project_id,
                                     grant->glance_endpoint};
  if (sweeper_) sweeper_->OfferSession(session);
  GlanceRegistryStore store(session, cloud_tls_, journal_);
  RequestContext context{http,      route,     *grant, store,           config_,
                         *uploads_, bootable_, cache_, blob_references_};
  switch (route.kind) {
    case RouteKind::kCatalog:
      ServeCatalog(context);
      break;
    case RouteKind::kTags:
      ServeTags(context);
      break;
    case RouteKind::kManifest:
      ServeManifest(context);
      break;
    case RouteKind::kBlob:
      ServeBlob(context);
      break;
    case RouteKind::kUploadStart:
      ServeUploadStart(context);
      break;
    case RouteKind::kUpload:
      ServeUpload(context);
      break;
    case RouteKind::kReferrers:
      ServeReferrers(context);
      break;
    default:
      SendError(http, ErrorCode::kUnsupported, "unsupported");
      break;
  }
}

}  // namespace boxcar::registry
