#include "distribution/glance/glance_image_mapping.h"

#include <set>
#include <sstream>

#include "common/identifiers.h"

namespace boxcar {

StatusOr<std::string> GlanceLocationId(const std::string& location, const char* field,
                                       bool id_required) {
  const std::string prefix = "glance://";
  if (location.rfind(prefix, 0) != 0) {
    return InvalidArgument(std::string(field) + ": '" + location + "' is not a glance:// location");
  }
  std::string id = location.substr(prefix.size());
  if (id_required && id.empty()) {
    return InvalidArgument(std::string(field) + ": no image id; use glance://IMAGE_ID");
  }
  if (id.find_first_of("/?#") != std::string::npos) {
    return InvalidArgument(std::string(field) + ": '" + id + "' is not a Glance image " +
                           (id_required ? "id" : "name") + " (no '/', '?' or '#')");
  }
  return id;
}

Status CheckPullable(const glance::GlanceImage& image) {
  if (image.container_format != "docker") {
    return FailedPrecondition("source: Glance image " + image.id + " has container_format '" +
                              image.container_format +
                              "'; Boxcar pulls only container_format 'docker' images (a "
                              "docker-archive or OCI archive)");
  }
  if (image.disk_format != "raw") {
    return FailedPrecondition("source: Glance image " + image.id + " has disk_format '" +
                              image.disk_format + "'; a container image has disk_format 'raw'");
  }
  if (image.status != "active") {
    return FailedPrecondition("source: Glance image " + image.id + " is '" + image.status +
                              "', not active: it has no data to pull yet");
  }
  return OkStatus();
}

std::map<std::string, std::string> GlancePropertiesOf(const v1::Image& image,
                                                      const std::string& manifest_digest) {
  std::map<std::string, std::string> properties;
  properties[kGlanceConfigDigest] = image.id();
  if (!manifest_digest.empty()) properties[kGlanceManifestDigest] = manifest_digest;
  std::string references;
  for (const auto& reference : image.references()) {
    if (!references.empty()) references += ',';
    references += reference;
  }
  if (!references.empty()) properties[kGlanceReferences] = references;
  return properties;
}

std::vector<std::string> GlanceReferences(const glance::GlanceImage& image) {
  std::vector<std::string> references;
  std::stringstream in(image.Property(kGlanceReferences));
  std::string reference;
  while (std::getline(in, reference, ',')) {
    if (reference.empty()) continue;
    auto parsed = ParseImageReference(reference, "boxcar_references");
    if (parsed.ok() && parsed->name.rfind("glance/", 0) == 0) continue;
    references.push_back(reference);
  }
  return references;
}

std::optional<std::string> GlanceArchiveDigest(const glance::GlanceImage& image) {
  static const std::set<std::string> kUnforgeable = {
      "sha224", "sha256", "sha384", "sha512", "sha3_224", "sha3_256", "sha3_384", "sha3_512"};
  if (image.os_hash_value.empty() || !kUnforgeable.count(image.os_hash_algo)) return std::nullopt;
  return image.os_hash_algo + ":" + image.os_hash_value;
}

}  // namespace boxcar
