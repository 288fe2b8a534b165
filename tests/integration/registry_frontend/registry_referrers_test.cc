// The OCI referrers API (GET /v2/<name>/referrers/<digest>): an artifact manifest pushed with a
// "subject" is answered with OCI-Subject and listed under its subject, with its artifact type
// and annotations; the artifactType filter; never 404 (an unknown subject, or one another
// project cannot see, is an empty index); an invalid digest is 400.
#include <gtest/gtest.h>
#include <rapidjson/document.h>
#include <time.h>
#include <unistd.h>

#include "registry_frontend_fixture.h"

namespace boxcar::testing {
namespace {

using RegistryReferrersTest = RegistryFrontendTest;

rapidjson::Document IndexOf(const HttpResult& result) {
  rapidjson::Document doc;
  doc.Parse(result.body.c_str());
  return doc;
}

TEST_F(RegistryReferrersTest, ArtifactsAreListedUnderTheirSubject) {
  const std::string repository = "tenanta/referred";
  const std::string token = Token("A", "repository:" + repository + ":pull,push");
  ASSERT_FALSE(token.empty());
  const std::string base = registry_->url() + "/v2/" + repository;
  const std::string unique = std::to_string(getpid()) + "-" + std::to_string(time(nullptr));
  const std::string config = "{\"architecture\":\"amd64\",\"os\":\"linux\"}";
  const std::string layer = "referred layer " + unique;
  const std::string empty = "{}";
  for (const auto* blob : {&config, &layer, &empty}) {
    ASSERT_EQ(PushBlob(token, repository, *blob).status, 201);
  }
  const std::string subject = ManifestOf(config, layer);
  const std::string subject_digest = Sha256Digest(subject);
  ASSERT_EQ(PutManifest(token, repository, "1", subject).status, 201);
  // An SBOM-like artifact about it, pushed by digest as oras and cosign do.
  const std::string artifact =
      "{\"schemaVersion\":2,\"mediaType\":\"application/vnd.oci.image.manifest.v1+json\","
      "\"artifactType\":\"application/vnd.example.sbom\",\"config\":{\"mediaType\":"
      "\"application/vnd.oci.empty.v1+json\",\"digest\":\"" +
      Sha256Digest(empty) +
      "\",\"size\":2},\"layers\":[{\"mediaType\":\"application/vnd.oci.empty.v1+json\","
      "\"digest\":\"" +
      Sha256Digest(empty) +
      "\",\"size\":2}],\"subject\":{\"mediaType\":\"application/vnd.oci.image.manifest.v1+json\","
      "\"digest\":\"" +
      subject_digest + "\",\"size\":" + std::to_string(subject.size()) +
      "},\"annotations\":{\"org.example.run\":\"" + unique + "\"}}";
  auto put = PutManifest(token, repository, Sha256Digest(artifact), artifact);
  ASSERT_EQ(put.status, 201) << put.body;
  EXPECT_EQ(put.Header("oci-subject"), subject_digest);
  EXPECT_EQ(PutManifest(token, repository, "2", subject).Header("oci-subject"), "")
      << "a manifest without subject";

  auto listed = Http("GET", base + "/referrers/" + subject_digest, {Bearer(token)});
  ASSERT_EQ(listed.status, 200) << listed.body;
  EXPECT_EQ(listed.Header("content-type"), "application/vnd.oci.image.index.v1+json");
  auto index = IndexOf(listed);
  ASSERT_FALSE(index.HasParseError()) << listed.body;
  EXPECT_EQ(index["schemaVersion"].GetInt(), 2);
  ASSERT_EQ(index["manifests"].Size(), 1u) << listed.body;
  const auto& entry = index["manifests"][0];
  EXPECT_EQ(std::string(entry["digest"].GetString()), Sha256Digest(artifact));
  EXPECT_EQ(entry["size"].GetUint64(), artifact.size());
  EXPECT_EQ(std::string(entry["mediaType"].GetString()),
            "application/vnd.oci.image.manifest.v1+json");
  EXPECT_EQ(std::string(entry["artifactType"].GetString()), "application/vnd.example.sbom");
  EXPECT_EQ(std::string(entry["annotations"]["org.example.run"].GetString()), unique);

  // The artifactType filter, applied and said so.
  auto sboms = Http(
      "GET", base + "/referrers/" + subject_digest + "?artifactType=application/vnd.example.sbom",
      {Bearer(token)});
  EXPECT_EQ(sboms.Header("oci-filters-applied"), "artifactType");
  EXPECT_EQ(IndexOf(sboms)["manifests"].Size(), 1u) << sboms.body;
  auto signatures = Http(
      "GET", base + "/referrers/" + subject_digest + "?artifactType=application/vnd.example.sig",
      {Bearer(token)});
  EXPECT_EQ(signatures.status, 200);
  EXPECT_EQ(IndexOf(signatures)["manifests"].Size(), 0u) << signatures.body;

  // No referrers is an empty index, not 404; a bad digest is 400; tenant B sees none.
  auto none =
      Http("GET", base + "/referrers/" + Sha256Digest("nothing " + unique), {Bearer(token)});
  EXPECT_EQ(none.status, 200);
  EXPECT_EQ(IndexOf(none)["manifests"].Size(), 0u) << none.body;
  auto bad = Http("GET", base + "/referrers/sha256:nope", {Bearer(token)});
  EXPECT_EQ(bad.status, 400);
  EXPECT_EQ(ErrorCodeOf(bad.body), "DIGEST_INVALID");
  const std::string bob = Token("B", "repository:" + repository + ":pull");
  auto hidden = Http("GET", base + "/referrers/" + subject_digest, {Bearer(bob)});
  EXPECT_EQ(hidden.status, 200);
  EXPECT_EQ(IndexOf(hidden)["manifests"].Size(), 0u) << hidden.body;

  // Deleting the artifact takes it out of the list.
  ASSERT_EQ(Http("DELETE", base + "/manifests/" + Sha256Digest(artifact), {Bearer(token)}).status,
            202);
  EXPECT_EQ(
      IndexOf(Http("GET", base + "/referrers/" + subject_digest, {Bearer(token)}))["manifests"]
          .Size(),
      0u);
}

}  // namespace
}  // namespace boxcar::testing
