// GET /v2/<name>/referrers/<digest>[?artifactType=T]: the OCI referrers API. An OCI index of
// the repository's manifests whose "subject" is <digest> (each found by its Glance property
// boxcar_registry_subject, read for its artifact type and annotations), as Glance shows them
// to the caller's project. Never 404: no referrers, or none visible, is an empty index.
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>
#include <spdlog/spdlog.h>

#include "registry/manifest_document.h"
#include "registry/repository_name.h"
#include "registry/request_context.h"

namespace boxcar::registry {

void ServeReferrers(RequestContext& c) {
  if (c.http.method() != "GET") {
    SendError(c.http, ErrorCode::kUnsupported, "method " + c.http.method() + " on referrers");
    return;
  }
  const std::string& digest = c.route.reference;
  if (!IsValidDigest(digest)) {
    SendError(c.http, ErrorCode::kDigestInvalid,
              "'" + digest.substr(0, 100) + "' is not a sha256 digest");
    return;
  }
  auto images = c.store.Referrers(c.route.repository, digest);
  if (!images.ok()) {
    SendError(c.http, ErrorFromStatus(images.status(), ErrorCode::kNameUnknown));
    return;
  }
  const std::string wanted = c.http.QueryValue("artifactType");
  rapidjson::StringBuffer body;
  rapidjson::Writer<rapidjson::StringBuffer> json(body);
  json.StartObject();
  json.Key("schemaVersion");
  json.Int(2);
  json.Key("mediaType");
  json.String("application/vnd.oci.image.index.v1+json");
  json.Key("manifests");
  json.StartArray();
  for (const auto& image : *images) {
    auto bytes = c.store.ReadSmallImage(image, c.config.max_manifest_bytes);
    if (!bytes.ok()) {
      SendError(c.http, ErrorFromStatus(bytes.status(), ErrorCode::kNameUnknown));
      return;
    }
    // Stored only after it parsed: a failure here is a manifest image made by someone else.
    auto document = ParseManifest(*bytes, image.Property(kMediaTypeProperty));
    if (!document.ok()) {
      spdlog::warn("referrers of {}@{}: manifest image {} does not parse: {}", c.route.repository,
                   digest, image.id, document.status().message());
      continue;
    }
    if (!wanted.empty() && document->artifact_type != wanted) continue;
    json.StartObject();
    json.Key("mediaType");
    json.String(document->media_type.c_str());
    json.Key("digest");
    json.String(("sha256:" + image.Property(kSha256Property)).c_str());
    json.Key("size");
    json.Uint64(bytes->size());
    if (!document->artifact_type.empty()) {
      json.Key("artifactType");
      json.String(document->artifact_type.c_str());
    }
    if (!document->annotations_json.empty()) {
      json.Key("annotations");
      json.RawValue(document->annotations_json.c_str(), document->annotations_json.size(),
                    rapidjson::kObjectType);
    }
    json.EndObject();
  }
  json.EndArray();
  json.EndObject();
  HeaderList headers = {{"Content-Type", "application/vnd.oci.image.index.v1+json"}};
  if (!wanted.empty()) headers.emplace_back("OCI-Filters-Applied", "artifactType");
  (void)c.http.Respond(200, headers, body.GetString());
}

}  // namespace boxcar::registry
