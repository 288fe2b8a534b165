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
  // Nova keeps Latin-1 letters (U+00C0..U+00FF, two bytes in UTF-8: C3 80..C3 BF) in its
  // hostnames; they become their base letter, as a reader would expect ("ü" -> "u").
  static constexpr char kLatin1Letters[] =
      "AAAAAAACEEEEIIIIDNOOOOO-OUUUUYTsaaaaaaaceeeeiiiidnooooo-ouuuuyty";
  std::string hostname;
  for (size_t i = 0; i < nova_hostname.size(); ++i) {
    unsigned char c = static_cast<unsigned char>(nova_hostname[i]);
    if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' ||
        c == '-') {
      hostname += static_cast<char>(c);
    } else if (c == ' ' || c == '_') {
      hostname += '-';  // as Nova's sanitize_hostname
    } else if (c == 0xC3 && i + 1 < nova_hostname.size() &&
               (static_cast<unsigned char>(nova_hostname[i + 1]) & 0xC0) == 0x80) {
      hostname += kLatin1Letters[(static_cast<unsigned char>(nova_hostname[++i]) & 0x3F)];
    } else if (c >= 0xC0) {
      // Any other character is left out, its UTF-8 continuation bytes with it.
      while (i + 1 < nova_hostname.size() &&
             (static_cast<unsigned char>(nova_hostname[i + 1]) & 0xC0) == 0x80) {
        ++i;
      }
    }  // other bytes (punctuation, stray continuation bytes) are left out, as Nova does
  }
  // RFC 1123: each dot-separated label starts and ends with a letter or digit.
  std::string valid;
  size_t begin = 0;
  while (begin <= hostname.size()) {
    size_t dot = hostname.find('.', begin);
    if (dot == std::string::npos) dot = hostname.size();
    std::string label = hostname.substr(begin, dot - begin);
    size_t first = label.find_first_not_of('-');
    if (first != std::string::npos) {
      label = label.substr(first, label.find_last_not_of('-') - first + 1);
      valid += (valid.empty() ? "" : ".") + label.substr(0, 63);
    }
    begin = dot + 1;
  }
  // The agent takes at most 63 characters; the cut must not end in '-' or '.' either.
  valid = valid.substr(0, 63);
  size_t last = valid.find_last_not_of(".-");
  return last == std::string::npos ? "" : valid.substr(0, last + 1);
}

}  // namespace boxcar::nova
