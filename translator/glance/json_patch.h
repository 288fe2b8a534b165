// Glance's image update body: an RFC 6902 JSON patch
// (Content-Type application/openstack-images-v2.1-json-patch). Custom property values must be
// strings; "add" and "replace" both set one (Glance accepts "add" for an existing property).
#pragma once

#include <string>
#include <vector>

namespace boxcar::glance {

struct PatchOperation {
  enum class Op { kAdd, kReplace, kRemove };
  Op op;
  std::string property;  // "visibility", "boxcar_manifest_digest", ...
  std::string value;     // unused for kRemove
};

std::string JsonPatchBody(const std::vector<PatchOperation>& operations);

}  // namespace boxcar::glance
