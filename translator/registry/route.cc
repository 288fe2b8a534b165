#include "registry/route.h"

namespace boxcar::registry {
namespace {

bool EndsWith(const std::string& text, const std::string& suffix) {
  return text.size() >= suffix.size() &&
         text.compare(text.size() - suffix.size(), suffix.size(), suffix) == 0;
}

}  // namespace

Route ParseRoute(const std::string& path) {
  Route route;
  if (path == "/v2/" || path == "/v2") {
    route.kind = RouteKind::kBase;
    return route;
  }
  if (path == "/token") {
    route.kind = RouteKind::kToken;
    return route;
  }
  if (path == "/v2/_catalog") {
    route.kind = RouteKind::kCatalog;
    return route;
  }
  const std::string prefix = "/v2/";
  if (path.rfind(prefix, 0) != 0) return route;
  const std::string rest = path.substr(prefix.size());
  if (EndsWith(rest, "/tags/list")) {
    route.kind = RouteKind::kTags;
    route.repository = rest.substr(0, rest.size() - 10);
    return route;
  }
  if (EndsWith(rest, "/blobs/uploads/") || EndsWith(rest, "/blobs/uploads")) {
    route.kind = RouteKind::kUploadStart;
    route.repository = rest.substr(0, rest.rfind("/blobs/uploads"));
    return route;
  }
  size_t at = rest.rfind("/blobs/uploads/");
  if (at != std::string::npos) {
    route.kind = RouteKind::kUpload;
    route.repository = rest.substr(0, at);
    route.reference = rest.substr(at + 15);
    return route;
  }
  at = rest.rfind("/referrers/");
  if (at != std::string::npos && rest.find('/', at + 11) == std::string::npos) {
    route.kind = RouteKind::kReferrers;
    route.repository = rest.substr(0, at);
    route.reference = rest.substr(at + 11);
    return route;
  }
  at = rest.rfind("/manifests/");
  if (at != std::string::npos) {
    route.kind = RouteKind::kManifest;
    route.repository = rest.substr(0, at);
    route.reference = rest.substr(at + 11);
    return route;
  }
  at = rest.rfind("/blobs/");
  if (at != std::string::npos) {
    route.kind = RouteKind::kBlob;
    route.repository = rest.substr(0, at);
    route.reference = rest.substr(at + 7);
    return route;
  }
  return route;
}

}  // namespace boxcar::registry
