#include "core/instance_labels.h"

namespace boxcar::nova {

namespace {

bool IsCanonicalUuid(const std::string& text) {
  if (text.size() != 36) return false;
  for (size_t i = 0; i < text.size(); ++i) {
    char c = text[i];
    bool dash_position = i == 8 || i == 13 || i == 18 || i == 23;
    if (dash_position != (c == '-')) return false;
    if (!dash_position && !((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) return false;
  }
  return true;
}

std::string LabelOf(const v1::Container& container, const char* key) {
  auto it = container.spec().labels().find(key);
  return it == container.spec().labels().end() ? "" : it->second;
}

}  // namespace

StatusOr<std::string> ContainerNameFor(const std::string& instance_uuid) {
  if (!IsCanonicalUuid(instance_uuid)) {
    return InvalidArgument("instance.uuid: '" + instance_uuid +
                           "' is not a lower-case canonical uuid");
  }
  return "nova-" + instance_uuid;
}

std::map<std::string, std::string> LabelsFor(const InstanceRequest& instance,
                                             const ImageRequest& image) {
  std::map<std::string, std::string> labels = {
      {kInstanceUuidLabel, instance.uuid},  {kInstanceNameLabel, instance.name},
      {kProjectLabel, instance.project_id}, {kUserLabel, instance.user_id},
      {kFlavorLabel, instance.flavor.name}, {kImageLabel, image.id},
  };
  for (auto it = labels.begin(); it != labels.end();) {
    it = it->second.empty() ? labels.erase(it) : std::next(it);
  }
  return labels;
}

bool IsInstanceContainer(const v1::Container& container) {
  return !LabelOf(container, kInstanceUuidLabel).empty();
}

std::string InstanceUuidOf(const v1::Container& container) {
  return LabelOf(container, kInstanceUuidLabel);
}

std::string InstanceNameOf(const v1::Container& container) {
  return LabelOf(container, kInstanceNameLabel);
}

std::string ContainerHostnameFor(const std::string& nova_hostname) {
  std::string hostname;
  for (char c : nova_hostname) {
    bool keep = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                c == '.' || c == '-';
    hostname += keep ? c : '-';
  }
  size_t first = hostname.find_first_not_of(".-");
  if (first == std::string::npos) return "";
  hostname = hostname.substr(first, 63);
  return hostname;
}

}  // namespace boxcar::nova
