// The distribution spec's URL space as one table: which noun a path names, and its
// repository and reference. Repository names hold slashes, so the noun is found from the end.
#pragma once

#include <string>

namespace boxcar::registry {

enum class RouteKind {
  kBase,         // /v2/
  kToken,        // /token (the Bearer realm)
  kCatalog,      // /v2/_catalog
  kTags,         // /v2/<name>/tags/list
  kManifest,     // /v2/<name>/manifests/<reference>
  kBlob,         // /v2/<name>/blobs/<digest>
  kUploadStart,  // /v2/<name>/blobs/uploads/
  kUpload,       // /v2/<name>/blobs/uploads/<id>
  kReferrers,    // /v2/<name>/referrers/<digest>
  kUnknown,
};

struct Route {
  RouteKind kind = RouteKind::kUnknown;
  std::string repository;
  std::string reference;  // tag or digest, digest, or upload id
};

Route ParseRoute(const std::string& path);

}  // namespace boxcar::registry
