#include "registry/route.h"

namespace boxcar::registry {
namespace {

bool EndsWith(const std::string& text, const std::string& suffix) {
  return text.size() >= suffix.size() &&
         text.compare(text.size() - suffix.size(), suffix.size(), suffix) == 0;
}

// "<repository><marker><reference>", split at the last marker; false without one, or with a '/'
// after it where the reference must be one path segment.
bool SplitAtLast(const std::string& rest, const std::string& marker, bool one_segment,
                 RouteKind kind, Route* route) {
  size_t at = rest.rfind(marker);
  if (at == std::string::npos) return false;
  if (one_segment && rest.find('/', at + marker.size()) != std::string::npos) return false;
  route->kind = kind;
  route->repository = rest.substr(0, at);
  route->reference = rest.substr(at + marker.size());
  return true;
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
  // In this order: an upload's path has "/blobs/" too.
  struct Marker {
    const char* text;
    bool one_segment;
    RouteKind kind;
  };
  for (const Marker& marker : {Marker{"/blobs/uploads/", false, RouteKind::kUpload},
                               Marker{"/referrers/", true, RouteKind::kReferrers},
                               Marker{"/manifests/", false, RouteKind::kManifest},
                               Marker{"/blobs/", false, RouteKind::kBlob}}) {
    if (SplitAtLast(rest, marker.text, marker.one_segment, marker.kind, &route)) break;
  }
  return route;
}

}  // namespace boxcar::registry
