#include "distribution/registry/registry_manifest.h"

#include <rapidjson/document.h>

#include <cctype>
#include <optional>

#include "common/sha256.h"

namespace boxcar {

namespace {

std::string StringMember(const rapidjson::Value& object, const char* key) {
  if (!object.IsObject() || !object.HasMember(key) || !object[key].IsString()) return "";
  return object[key].GetString();
}

StatusOr<Descriptor> ReadDescriptor(const rapidjson::Value& value, const std::string& where) {
  if (!value.IsObject()) return InvalidArgument(where + ": not a JSON object");
  Descriptor descriptor;
  descriptor.media_type = StringMember(value, "mediaType");
  descriptor.digest = StringMember(value, "digest");
  if (!IsSha256Digest(descriptor.digest)) {
    return InvalidArgument(where + ": digest '" + descriptor.digest +
                           "' is not sha256:<64 lower-case hex>");
  }
  if (!value.HasMember("size") || !value["size"].IsUint64()) {
    return InvalidArgument(where + ": size is missing or not a number");
  }
  descriptor.size = value["size"].GetUint64();
  return descriptor;
}

bool IsLayerMediaType(const std::string& type) {
  return type == "application/vnd.oci.image.layer.v1.tar" ||
         type == "application/vnd.oci.image.layer.v1.tar+gzip" ||
         type == "application/vnd.oci.image.layer.v1.tar+zstd" ||
         type == "application/vnd.docker.image.rootfs.diff.tar.gzip" ||
         type == "application/vnd.docker.image.rootfs.diff.tar";
}

}  // namespace

std::string Platform::ToString() const {
  return os + "/" + architecture + (variant.empty() ? "" : "/" + variant);
}

StatusOr<Platform> ParsePlatform(const std::string& text, const std::string& field) {
  if (text.empty()) return Platform{"linux", "amd64", ""};
  std::vector<std::string> parts;
  size_t start = 0;
  for (;;) {
    size_t slash = text.find('/', start);
    parts.push_back(
        text.substr(start, slash == std::string::npos ? std::string::npos : slash - start));
    if (slash == std::string::npos) break;
    start = slash + 1;
  }
  if (parts.size() < 2 || parts.size() > 3) {
    return InvalidArgument(field + ": '" + text + "' is not os/arch[/variant], e.g. linux/arm64");
  }
  for (const auto& part : parts) {
    if (part.empty()) return InvalidArgument(field + ": '" + text + "' has an empty part");
    for (char c : part) {
      if (!std::isalnum(static_cast<unsigned char>(c)) && c != '_' && c != '-' && c != '.')
        return InvalidArgument(field + ": '" + text +
                               "' has a character other than [A-Za-z0-9_.-]");
    }
  }
  return Platform{parts[0], parts[1], parts.size() == 3 ? parts[2] : ""};
}

bool IsManifestIndex(const std::string& media_type, const std::string& body) {
  auto is_index = [](const std::string& type) {
    return type.find("application/vnd.oci.image.index.v1+json") != std::string::npos ||
           type.find("application/vnd.docker.distribution.manifest.list.v2+json") !=
               std::string::npos;
  };
  if (is_index(media_type)) return true;
  rapidjson::Document document;
  document.Parse(body.c_str(), body.size());
  if (document.HasParseError() || !document.IsObject()) return false;
  if (is_index(StringMember(document, "mediaType"))) return true;
  // An OCI index may omit mediaType: it has manifests and no layers.
  return document.HasMember("manifests") && !document.HasMember("layers");
}

StatusOr<Descriptor> SelectPlatformManifest(const std::string& index_json,
                                            const Platform& platform) {
  rapidjson::Document document;
  document.Parse(index_json.c_str(), index_json.size());
  if (document.HasParseError() || !document.IsObject() || !document.HasMember("manifests") ||
      !document["manifests"].IsArray()) {
    return InvalidArgument("manifest list: malformed JSON or no manifests array");
  }
  std::string available;
  std::optional<Descriptor> fallback;
  int index = 0;
  for (const auto& entry : document["manifests"].GetArray()) {
    const std::string where = "manifest list entry " + std::to_string(index++);
    if (!entry.IsObject() || !entry.HasMember("platform") || !entry["platform"].IsObject())
      continue;  // attestations and other artifacts have no platform
    const auto& p = entry["platform"];
    Platform candidate{StringMember(p, "os"), StringMember(p, "architecture"),
                       StringMember(p, "variant")};
    if (candidate.os == "unknown") continue;
    if (!available.empty()) available += ", ";
    available += candidate.ToString();
    if (candidate.os != platform.os || candidate.architecture != platform.architecture) continue;
    if (candidate.variant == platform.variant) return ReadDescriptor(entry, where);
    bool close = platform.variant.empty() || candidate.variant.empty() ||
                 (platform.architecture == "arm64" &&
                  (candidate.variant == "v8" || platform.variant == "v8"));
    if (close && !fallback) {
      ASSIGN_OR_RETURN(Descriptor found, ReadDescriptor(entry, where));
      fallback = found;
    }
  }
  if (fallback) return *fallback;
  return NotFound("platform: the image has no " + platform.ToString() +
                  " manifest (it has: " + (available.empty() ? "none" : available) + ")");
}

StatusOr<ImageManifestBlobs> ParseImageManifestBlobs(const std::string& manifest_json) {
  rapidjson::Document document;
  document.Parse(manifest_json.c_str(), manifest_json.size());
  if (document.HasParseError() || !document.IsObject()) {
    return InvalidArgument("manifest: malformed JSON");
  }
  if (document.HasMember("schemaVersion") && document["schemaVersion"].IsInt() &&
      document["schemaVersion"].GetInt() == 1) {
    return Unimplemented(
        "manifest: Docker schema 1 manifests are not supported (push the image again with a "
        "current client)");
  }
  std::string media_type = StringMember(document, "mediaType");
  if (!media_type.empty() && media_type != "application/vnd.oci.image.manifest.v1+json" &&
      media_type != "application/vnd.docker.distribution.manifest.v2+json") {
    return InvalidArgument("manifest: media type '" + media_type + "' is not an image manifest");
  }
  if (!document.HasMember("config")) return InvalidArgument("manifest: no config");
  ImageManifestBlobs blobs;
  ASSIGN_OR_RETURN(blobs.config, ReadDescriptor(document["config"], "manifest config"));
  if (blobs.config.media_type != "application/vnd.oci.image.config.v1+json" &&
      blobs.config.media_type != "application/vnd.docker.container.image.v1+json") {
    return InvalidArgument("manifest config: media type '" + blobs.config.media_type +
                           "' is not an image config (an artifact, not a container image)");
  }
  if (!document.HasMember("layers") || !document["layers"].IsArray()) {
    return InvalidArgument("manifest: no layers array");
  }
  int index = 0;
  for (const auto& layer : document["layers"].GetArray()) {
    const std::string where = "manifest layer " + std::to_string(index++);
    ASSIGN_OR_RETURN(Descriptor descriptor, ReadDescriptor(layer, where));
    if (!IsLayerMediaType(descriptor.media_type)) {
      return InvalidArgument(where + " (" + descriptor.digest + "): media type '" +
                             descriptor.media_type +
                             "' is not a tar layer (uncompressed, gzip or zstd; not encrypted "
                             "or foreign)");
    }
    blobs.layers.push_back(descriptor);
  }
  return blobs;
}

}  // namespace boxcar
