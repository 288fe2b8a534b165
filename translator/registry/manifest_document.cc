#include "registry/manifest_document.h"

#include <rapidjson/document.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include "registry/repository_name.h"

namespace boxcar::registry {
namespace {

constexpr const char* kMediaTypes[] = {
    "application/vnd.docker.distribution.manifest.v2+json",
    "application/vnd.docker.distribution.manifest.list.v2+json",
    "application/vnd.oci.image.manifest.v1+json",
    "application/vnd.oci.image.index.v1+json",
};

Status Descriptor(const rapidjson::Value& value, const char* where, std::vector<std::string>* out) {
  if (!value.IsObject() || !value.HasMember("digest") || !value["digest"].IsString()) {
    return InvalidArgument(std::string("manifest: ") + where +
                           " is not a descriptor with a digest");
  }
  std::string digest = value["digest"].GetString();
  if (!IsValidDigest(digest)) {
    return InvalidArgument(std::string("manifest: ") + where + " digest '" + digest.substr(0, 80) +
                           "' is not a sha256 digest");
  }
  out->push_back(std::move(digest));
  return OkStatus();
}

}  // namespace

bool IsIndexMediaType(const std::string& media_type) {
  return media_type == "application/vnd.docker.distribution.manifest.list.v2+json" ||
         media_type == "application/vnd.oci.image.index.v1+json";
}

StatusOr<ManifestDocument> ParseManifest(const std::string& bytes,
                                         const std::string& content_type) {
  rapidjson::Document doc;
  doc.Parse(bytes.c_str(), bytes.size());
  if (doc.HasParseError() || !doc.IsObject()) return InvalidArgument("manifest: not a JSON object");
  if (!doc.HasMember("schemaVersion") || !doc["schemaVersion"].IsInt() ||
      doc["schemaVersion"].GetInt() != 2) {
    return InvalidArgument("manifest: schemaVersion is not 2 (schema 1 is not supported)");
  }
  ManifestDocument m;
  if (doc.HasMember("mediaType") && doc["mediaType"].IsString()) {
    m.media_type = doc["mediaType"].GetString();
  } else {
    m.media_type = content_type.substr(0, content_type.find(';'));
  }
  if (m.media_type.empty()) {
    m.media_type = doc.HasMember("manifests") ? "application/vnd.oci.image.index.v1+json"
                                              : "application/vnd.oci.image.manifest.v1+json";
  }
  bool known = false;
  for (const char* type : kMediaTypes) known = known || m.media_type == type;
  if (!known)
    return InvalidArgument("manifest: media type '" + m.media_type + "' is not supported");
  if (doc.HasMember("subject")) {
    std::vector<std::string> subject;
    RETURN_IF_ERROR(Descriptor(doc["subject"], "subject", &subject));
    m.subject_digest = subject.front();
  }
  if (doc.HasMember("artifactType") && doc["artifactType"].IsString()) {
    m.artifact_type = doc["artifactType"].GetString();
  }
  if (doc.HasMember("annotations") && doc["annotations"].IsObject()) {
    rapidjson::StringBuffer annotations;
    rapidjson::Writer<rapidjson::StringBuffer> writer(annotations);
    doc["annotations"].Accept(writer);
    m.annotations_json = annotations.GetString();
  }
  if (IsIndexMediaType(m.media_type)) {
    if (!doc.HasMember("manifests") || !doc["manifests"].IsArray()) {
      return InvalidArgument("manifest: an index without a \"manifests\" array");
    }
    for (const auto& entry : doc["manifests"].GetArray()) {
      RETURN_IF_ERROR(Descriptor(entry, "manifests[]", &m.manifest_digests));
    }
    return m;
  }
  if (!doc.HasMember("config")) return InvalidArgument("manifest: no \"config\"");
  RETURN_IF_ERROR(Descriptor(doc["config"], "config", &m.blob_digests));
  if (m.artifact_type.empty() && doc["config"].HasMember("mediaType") &&
      doc["config"]["mediaType"].IsString()) {
    m.artifact_type = doc["config"]["mediaType"].GetString();
  }
  if (!doc.HasMember("layers") || !doc["layers"].IsArray()) {
    return InvalidArgument("manifest: no \"layers\" array");
  }
  for (const auto& layer : doc["layers"].GetArray()) {
    RETURN_IF_ERROR(Descriptor(layer, "layers[]", &m.blob_digests));
  }
  return m;
}

}  // namespace boxcar::registry
