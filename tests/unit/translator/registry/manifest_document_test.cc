#include "registry/manifest_document.h"

#include <gtest/gtest.h>

namespace boxcar::registry {
namespace {

const std::string kA = "sha256:" + std::string(64, 'a');
const std::string kB = "sha256:" + std::string(64, 'b');

TEST(ManifestDocument, ImageManifestReferencesConfigThenLayers) {
  auto m = ParseManifest(
      "{\"schemaVersion\":2,\"mediaType\":\"application/vnd.docker.distribution.manifest.v2+json\","
      "\"config\":{\"digest\":\"" +
          kA + "\"},\"layers\":[{\"digest\":\"" + kB + "\"}]}",
      "");
  ASSERT_TRUE(m.ok()) << m.status().message();
  EXPECT_EQ(m->media_type, "application/vnd.docker.distribution.manifest.v2+json");
  EXPECT_EQ(m->blob_digests, (std::vector<std::string>{kA, kB}));
  EXPECT_TRUE(m->manifest_digests.empty());
}

TEST(ManifestDocument, IndexReferencesManifestsAndTypeComesFromContentType) {
  auto m = ParseManifest("{\"schemaVersion\":2,\"manifests\":[{\"digest\":\"" + kA + "\"}]}",
                         "application/vnd.oci.image.index.v1+json; charset=utf-8");
  ASSERT_TRUE(m.ok()) << m.status().message();
  EXPECT_TRUE(IsIndexMediaType(m->media_type));
  EXPECT_EQ(m->manifest_digests, std::vector<std::string>{kA});
}

TEST(ManifestDocument, SubjectArtifactTypeAndAnnotationsForTheReferrersApi) {
  auto artifact = ParseManifest(
      "{\"schemaVersion\":2,\"mediaType\":\"application/vnd.oci.image.manifest.v1+json\","
      "\"artifactType\":\"application/vnd.example.sbom\",\"config\":{\"mediaType\":"
      "\"application/vnd.oci.empty.v1+json\",\"digest\":\"" +
          kA + "\"},\"layers\":[],\"subject\":{\"digest\":\"" + kB +
          "\"},\"annotations\":{\"org.example\":\"x\\\"y\"}}",
      "");
  ASSERT_TRUE(artifact.ok()) << artifact.status().message();
  EXPECT_EQ(artifact->subject_digest, kB);
  EXPECT_EQ(artifact->artifact_type, "application/vnd.example.sbom");
  EXPECT_EQ(artifact->annotations_json, "{\"org.example\":\"x\\\"y\"}");
  EXPECT_EQ(artifact->blob_digests, std::vector<std::string>{kA});
  // Without artifactType: the config's media type; without subject or annotations: empty.
  auto image = ParseManifest(
      "{\"schemaVersion\":2,\"config\":{\"mediaType\":\"application/vnd.oci.image.config.v1+json\","
      "\"digest\":\"" +
          kA + "\"},\"layers\":[]}",
      "application/vnd.oci.image.manifest.v1+json");
  ASSERT_TRUE(image.ok()) << image.status().message();
  EXPECT_EQ(image->artifact_type, "application/vnd.oci.image.config.v1+json");
  EXPECT_TRUE(image->subject_digest.empty());
  EXPECT_TRUE(image->annotations_json.empty());
  // A subject that is no sha256 descriptor is refused.
  auto bad = ParseManifest("{\"schemaVersion\":2,\"config\":{\"digest\":\"" + kA +
                               "\"},\"layers\":[],\"subject\":{\"digest\":\"md5:x\"}}",
                           "application/vnd.oci.image.manifest.v1+json");
  EXPECT_FALSE(bad.ok());
}

TEST(ManifestDocument, RefusesWhatItCannotCheck) {
  for (const std::string& bad : std::vector<std::string>{
           std::string("not json"), std::string("[]"),
           std::string("{\"schemaVersion\":1,\"fsLayers\":[]}"),
           "{\"schemaVersion\":2,\"mediaType\":\"text/plain\",\"config\":{\"digest\":\"" + kA +
               "\"},\"layers\":[]}",
           "{\"schemaVersion\":2,\"layers\":[{\"digest\":\"" + kA + "\"}]}",
           std::string(
               "{\"schemaVersion\":2,\"config\":{\"digest\":\"sha256:../../x\"},\"layers\":[]}"),
           "{\"schemaVersion\":2,\"config\":{\"digest\":\"" + kA + "\"},\"layers\":[{}]}",
           std::string("{\"schemaVersion\":2,\"mediaType\":\"application/"
                       "vnd.oci.image.index.v1+json\"}")}) {
    auto m = ParseManifest(bad, "");
    EXPECT_EQ(m.status().code(), StatusCode::kInvalidArgument) << bad;
  }
}

}  // namespace
}  // namespace boxcar::registry
