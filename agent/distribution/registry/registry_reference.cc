#include "distribution/registry/registry_reference.h"

#include <cctype>

#include "common/identifiers.h"
#include "common/sha256.h"

namespace boxcar {

namespace {

constexpr const char* kDockerHub = "docker.io";

bool IsLowerAlnum(char c) { return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9'); }

// One path component: [a-z0-9]+(?:(?:[._]|__|[-]*)[a-z0-9]+)*
bool IsPathComponent(std::string_view part) {
  if (part.empty() || !IsLowerAlnum(part.front()) || !IsLowerAlnum(part.back())) return false;
  for (size_t i = 0; i < part.size(); ++i) {
    char c = part[i];
    if (IsLowerAlnum(c) || c == '-') continue;
    if (c == '.' || c == '_') {
      // A separator: "." or "_" or "__", between alphanumerics.
      if (c == '_' && i + 1 < part.size() && part[i + 1] == '_') ++i;
      if (!IsLowerAlnum(part[i + 1])) return false;
      continue;
    }
    return false;
  }
  return true;
}

// [\w][\w.-]{0,127}
bool IsTag(std::string_view tag) {
  if (tag.empty() || tag.size() > 128) return false;
  auto word = [](char c) { return std::isalnum(static_cast<unsigned char>(c)) || c == '_'; };
  if (!word(tag[0])) return false;
  for (char c : tag) {
    if (!word(c) && c != '.' && c != '-') return false;
  }
  return true;
}

// host[:port]: letters, digits, '-', '.', or a bracketed IPv6 address.
bool IsHost(std::string_view host) {
  if (host.empty()) return false;
  std::string_view name = host;
  size_t bracket = host.find(']');
  size_t colon = host.rfind(':');
  if (colon != std::string_view::npos && (bracket == std::string_view::npos || colon > bracket)) {
    std::string_view port = host.substr(colon + 1);
    if (port.empty() || port.size() > 5) return false;
    for (char c : port) {
      if (!std::isdigit(static_cast<unsigned char>(c))) return false;
    }
    name = host.substr(0, colon);
  }
  if (name.size() > 2 && name.front() == '[' && name.back() == ']') return true;
  if (name.empty()) return false;
  for (char c : name) {
    if (!std::isalnum(static_cast<unsigned char>(c)) && c != '-' && c != '.') return false;
  }
  return true;
}

}  // namespace

std::string NormalizeRegistryHost(std::string_view host) {
  std::string lower;
  for (char c : host) lower += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  if (lower == "index.docker.io" || lower == "registry-1.docker.io") return kDockerHub;
  return lower;
}

StatusOr<RegistryReference> ParseRegistryReference(std::string_view text, std::string_view field) {
  const std::string where = std::string(field) + ": '" + std::string(text) + "'";
  if (text.empty()) return InvalidArgument(std::string(field) + ": empty image reference");
  RegistryReference reference;
  std::string_view rest = text;
  if (size_t at = rest.find('@'); at != std::string_view::npos) {
    reference.digest = std::string(rest.substr(at + 1));
    rest = rest.substr(0, at);
    if (!IsSha256Digest(reference.digest)) {
      return InvalidArgument(where + ": the digest after '@' must be sha256:<64 lower-case hex>");
    }
  }
  // The tag is after the last ':' that comes after the last '/'.
  size_t slash = rest.rfind('/');
  size_t colon = rest.rfind(':');
  if (colon != std::string_view::npos && (slash == std::string_view::npos || colon > slash)) {
    reference.tag = std::string(rest.substr(colon + 1));
    rest = rest.substr(0, colon);
    if (!IsTag(reference.tag)) {
      return InvalidArgument(where + ": tag '" + reference.tag +
                             "' must match [A-Za-z0-9_][A-Za-z0-9_.-]{0,127}");
    }
  }
  std::string_view path = rest;
  size_t first_slash = rest.find('/');
  if (first_slash != std::string_view::npos) {
    std::string_view first = rest.substr(0, first_slash);
    if (first.find('.') != std::string_view::npos || first.find(':') != std::string_view::npos ||
        first == "localhost" || first.front() == '[') {
      if (!IsHost(first))
        return InvalidArgument(where + ": registry host '" + std::string(first) + "' is malformed");
      reference.registry = NormalizeRegistryHost(first);
      path = rest.substr(first_slash + 1);
    }
  }
  if (reference.registry.empty()) reference.registry = kDockerHub;
  if (path.empty()) return InvalidArgument(where + ": the repository name is empty");
  size_t start = 0;
  while (start <= path.size()) {
    size_t end = path.find('/', start);
    if (end == std::string_view::npos) end = path.size();
    if (!IsPathComponent(path.substr(start, end - start))) {
      return InvalidArgument(where + ": repository component '" +
                             std::string(path.substr(start, end - start)) +
                             "' must be lower-case letters and digits, separated by '.', '_', "
                             "'__' or '-'");
    }
    start = end + 1;
  }
  reference.repository = std::string(path);
  if (reference.registry == kDockerHub && reference.repository.find('/') == std::string::npos) {
    reference.repository = "library/" + reference.repository;
  }
  if (reference.repository.size() > 255) {
    return InvalidArgument(where + ": the repository name is longer than 255 characters");
  }
  if (reference.tag.empty() && reference.digest.empty()) reference.tag = "latest";
  return reference;
}

std::string RegistryReference::ApiHost() const {
  return registry == kDockerHub ? "registry-1.docker.io" : registry;
}

std::string RegistryReference::StoreReference() const {
  if (tag.empty()) return "";
  // Docker Hub names as Docker shows them (common/identifiers.h).
  return NormalizeDockerHubName(registry + "/" + repository) + ":" + tag;
}

std::string RegistryReference::RepoDigest(const std::string& manifest_digest) const {
  return NormalizeDockerHubName(registry + "/" + repository) + "@" + manifest_digest;
}

std::string RegistryReference::ToString() const {
  std::string text = registry + "/" + repository;
  if (!tag.empty()) text += ":" + tag;
  if (!digest.empty()) text += "@" + digest;
  return text;
}

}  // namespace boxcar
