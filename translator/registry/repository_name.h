// What the distribution spec allows in a path: repository names, tags, digests, upload ids.
// Checked before anything reaches Glance or the upload directory, so a name can never become
// a path or a Glance query operator.
#pragma once

#include <string>
#include <string_view>

namespace boxcar::registry {

// [a-z0-9]+((\.|_|__|-+)[a-z0-9]+)*(/[a-z0-9]+((\.|_|__|-+)[a-z0-9]+)*)*, at most 255 bytes.
bool IsValidRepositoryName(std::string_view name);
// [a-zA-Z0-9_][a-zA-Z0-9._-]{0,127}
bool IsValidTag(std::string_view tag);
// The registry stores sha256 only: "sha256:" + 64 lower-case hex.
bool IsValidDigest(std::string_view digest);
// 32 lower-case hex (what upload_sessions makes).
bool IsValidUploadId(std::string_view id);
// The first component of "project/name"; empty for a one-component name.
std::string ProjectPrefix(std::string_view repository);
// Lower-case (Keystone project names may hold capitals, repository names may not).
std::string Lowercase(std::string_view text);

}  // namespace boxcar::registry
