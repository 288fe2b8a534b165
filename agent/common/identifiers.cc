#include "common/identifiers.h"

#include <sys/random.h>

#include <regex>
#include <string_view>

namespace boxcar {

std::string NewContainerId() {
  unsigned char random_bytes[32];
  size_t filled = 0;
  while (filled < sizeof random_bytes) {
    ssize_t n = ::getrandom(random_bytes + filled, sizeof random_bytes - filled, 0);
    if (n > 0) filled += static_cast<size_t>(n);
  }
  static constexpr char kHex[] = "0123456789abcdef";
  std::string id;
  for (unsigned char b : random_bytes) {
    id.push_back(kHex[b >> 4]);
    id.push_back(kHex[b & 0xf]);
  }
  return id;
}

std::string ShortId(std::string_view id_or_digest) {
  auto colon = id_or_digest.find(':');
  if (colon != std::string_view::npos) id_or_digest.remove_prefix(colon + 1);
  return std::string(id_or_digest.substr(0, 12));
}

Status ValidateContainerName(std::string_view name, std::string_view field) {
  static const std::regex kName("[a-zA-Z0-9][a-zA-Z0-9_.-]{0,62}");
  if (!std::regex_match(name.begin(), name.end(), kName)) {
    return InvalidArgument(std::string(field) + ": invalid container name '" + std::string(name) +
                           "': use 1-63 characters [a-zA-Z0-9_.-], starting with a letter or "
                           "digit");
  }
  return OkStatus();
}

std::string GeneratedContainerName(std::string_view container_id) {
  return "boxcar-" + ShortId(container_id);
}

bool IsHexPrefix(std::string_view text) {
  if (text.empty() || text.size() > 64) return false;
  for (char c : text) {
    if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) return false;
  }
  return true;
}

std::string NormalizeDockerHubName(const std::string& name) {
  for (std::string_view hub : {"docker.io/", "index.docker.io/", "registry-1.docker.io/"}) {
    if (name.rfind(hub, 0) != 0) continue;
    std::string rest = name.substr(hub.size());
    constexpr std::string_view kLibrary = "library/";
    // "library/x" is Docker Hub's name of the official image "x"; deeper paths stay whole.
    if (rest.rfind(kLibrary, 0) == 0 && rest.find('/', kLibrary.size()) == std::string::npos)
      rest = rest.substr(kLibrary.size());
    return rest;
  }
  return name;
}

StatusOr<ImageReference> ParseImageReference(std::string_view text, std::string_view field) {
  // host[:port]/ is optional; path components are lower-case alnum joined by . _ __ or -.
  static const std::regex kReference(
      R"(((?:[a-zA-Z0-9](?:[a-zA-Z0-9-]*[a-zA-Z0-9])?(?:\.[a-zA-Z0-9](?:[a-zA-Z0-9-]*[a-zA-Z0-9])?)*(?::[0-9]+)?/)?)"
      R"([a-z0-9]+(?:(?:\.|_|__|-+)[a-z0-9]+)*(?:/[a-z0-9]+(?:(?:\.|_|__|-+)[a-z0-9]+)*)*))"
      R"((?::([\w][\w.-]{0,127}))?)");
  std::match_results<std::string_view::const_iterator> match;
  if (text.size() > 255 || !std::regex_match(text.begin(), text.end(), match, kReference)) {
    return InvalidArgument(std::string(field) + ": invalid image reference '" + std::string(text) +
                           "': expected name[:tag] with a lower-case name such as busybox:latest");
  }
  ImageReference reference;
  reference.name = NormalizeDockerHubName(match[1].str());
  reference.tag = match[2].matched ? match[2].str() : "latest";
  return reference;
}

}  // namespace boxcar
