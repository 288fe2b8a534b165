// Deleting blobs: a blob DELETE is refused while a manifest of the project uses it and done
// once none does; with --delete-unused-blobs a manifest DELETE takes along the blobs no other
// manifest of the project uses, and only those.
#include <gtest/gtest.h>
#include <time.h>
#include <unistd.h>

#include "registry_frontend_fixture.h"

namespace boxcar::testing {
namespace {

using RegistryDeleteTest = RegistryFrontendTest;

TEST_F(RegistryDeleteTest, ABlobIsDeletedOnlyOnceNoManifestUsesIt) {
  const std::string repository = "tenanta/blobdelete";
  const std::string token = Token("A", "repository:" + repository + ":pull,push");
  ASSERT_FALSE(token.empty());
  const std::string base = registry_->url() + "/v2/" + repository;
  // Blobs of this test only (other tests share the plain config).
  const std::string unique = std::to_string(getpid()) + "-" + std::to_string(time(nullptr));
  const std::string config =
      "{\"architecture\":\"amd64\",\"os\":\"linux\",\"x\":\"" + unique + "\"}";
  const std::string layer = Layer("delete-" + unique);
  for (const auto* blob : {&config, &layer})
    ASSERT_EQ(PushBlob(token, repository, *blob).status, 201);
  const std::string manifest = ManifestOf(config, layer);
  const std::string manifest_digest = Sha256Digest(manifest);
  ASSERT_EQ(PutManifest(token, repository, "1", manifest).status, 201);
  const std::string layer_url = base + "/blobs/" + Sha256Digest(layer);

  // Used by a manifest: refused, naming it; nothing deleted.
  auto used = Http("DELETE", layer_url, {Bearer(token)});
  EXPECT_EQ(used.status, 405);
  EXPECT_EQ(ErrorCodeOf(used.body), "UNSUPPORTED") << used.body;
  EXPECT_NE(used.body.find(repository + "@" + manifest_digest), std::string::npos) << used.body;
  EXPECT_EQ(BlobImagesOf(Sha256Digest(layer)).size(), 1u);
  // Bad and unknown digests; another project's token.
  EXPECT_EQ(ErrorCodeOf(Http("DELETE", base + "/blobs/sha256:xyz", {Bearer(token)}).body),
            "DIGEST_INVALID");
  auto unknown =
      Http("DELETE", base + "/blobs/" + Sha256Digest("never pushed " + unique), {Bearer(token)});
  EXPECT_EQ(unknown.status, 404);
  EXPECT_EQ(ErrorCodeOf(unknown.body), "BLOB_UNKNOWN") << unknown.body;
  const std::string bob = Token("B", "repository:tenantb/blobdelete:pull,push");
  EXPECT_EQ(Http("DELETE", layer_url, {Bearer(bob)}).status, 403);
  auto not_bobs =
      Http("DELETE", registry_->url() + "/v2/tenantb/blobdelete/blobs/" + Sha256Digest(layer),
           {Bearer(bob)});
  EXPECT_EQ(not_bobs.status, 404) << not_bobs.body;
  EXPECT_EQ(BlobImagesOf(Sha256Digest(layer)).size(), 1u);

  // Still used once its tag is gone (the manifest stays, by digest); free once the manifest
  // is deleted. Deleting a manifest leaves its blobs: the config stays until deleted too.
  // The tag's DELETE takes its bootable image along.
  ASSERT_TRUE(WaitForBootableImage("A", repository, "1").has_value()) << registry_->log();
  ASSERT_EQ(Http("DELETE", base + "/manifests/1", {Bearer(token)}).status, 202);
  EXPECT_TRUE(RegistryImages("A", "bootable", repository).empty()) << registry_->log();
  EXPECT_EQ(Http("DELETE", layer_url, {Bearer(token)}).status, 405);
  ASSERT_EQ(Http("DELETE", base + "/manifests/" + manifest_digest, {Bearer(token)}).status, 202);
  auto freed = Http("DELETE", layer_url, {Bearer(token)});
  EXPECT_EQ(freed.status, 202) << freed.body << registry_->log();
  EXPECT_TRUE(BlobImagesOf(Sha256Digest(layer)).empty()) << "the blob image is still in Glance";
  auto gone = Http("GET", layer_url, {Bearer(token)});
  EXPECT_EQ(gone.status, 404);
  EXPECT_EQ(ErrorCodeOf(gone.body), "BLOB_UNKNOWN");
  EXPECT_EQ(Http("HEAD", layer_url, {Bearer(token)}).status, 404);
  EXPECT_EQ(Http("DELETE", layer_url, {Bearer(token)}).status, 404);
  EXPECT_EQ(Http("HEAD", base + "/blobs/" + Sha256Digest(config), {Bearer(token)}).status, 200);
  ASSERT_EQ(Http("DELETE", base + "/blobs/" + Sha256Digest(config), {Bearer(token)}).status, 202);
  // A deleted blob can be pushed again.
  EXPECT_EQ(PushBlob(token, repository, layer).status, 201);
  EXPECT_EQ(Http("HEAD", layer_url, {Bearer(token)}).status, 200);
  EXPECT_EQ(Http("DELETE", layer_url, {Bearer(token)}).status, 202);
}

TEST_F(RegistryDeleteTest, AManifestDeleteTakesAlongTheBlobsNoOtherManifestUses) {
  registry_->Stop();
  ASSERT_TRUE(registry_->Start({"--delete-unused-blobs", "true"})) << registry_->log();
  const std::string repository = "tenanta/collected";
  const std::string token = Token("A", "repository:" + repository + ":pull,push");
  ASSERT_FALSE(token.empty());
  const std::string base = registry_->url() + "/v2/" + repository;
  const std::string unique = std::to_string(getpid()) + "-" + std::to_string(time(nullptr));
  const std::string config =
      "{\"architecture\":\"amd64\",\"os\":\"linux\",\"c\":\"" + unique + "\"}";
  const std::string layer1 = Layer("one-" + unique), layer2 = Layer("two-" + unique);
  for (const auto* blob : {&config, &layer1, &layer2}) {
    ASSERT_EQ(PushBlob(token, repository, *blob).status, 201);
  }
  const std::string first = ManifestOf(config, layer1), second = ManifestOf(config, layer2);
  ASSERT_EQ(PutManifest(token, repository, Sha256Digest(first), first).status, 201);
  ASSERT_EQ(PutManifest(token, repository, Sha256Digest(second), second).status, 201);

  // The first manifest goes with its own layer; the config stays (the second uses it).
  ASSERT_EQ(Http("DELETE", base + "/manifests/" + Sha256Digest(first), {Bearer(token)}).status,
            202);
  EXPECT_TRUE(BlobImagesOf(Sha256Digest(layer1)).empty()) << registry_->log();
  EXPECT_EQ(BlobImagesOf(Sha256Digest(config)).size(), 1u);
  EXPECT_EQ(BlobImagesOf(Sha256Digest(layer2)).size(), 1u);
  EXPECT_NE(registry_->log().find("blob " + Sha256Digest(layer1) + " deleted with manifest"),
            std::string::npos)
      << registry_->log();
  // The second takes the rest.
  ASSERT_EQ(Http("DELETE", base + "/manifests/" + Sha256Digest(second), {Bearer(token)}).status,
            202);
  EXPECT_TRUE(BlobImagesOf(Sha256Digest(config)).empty());
  EXPECT_TRUE(BlobImagesOf(Sha256Digest(layer2)).empty());
  EXPECT_EQ(Http("HEAD", base + "/blobs/" + Sha256Digest(layer2), {Bearer(token)}).status, 404);
  registry_->Stop();
  ASSERT_TRUE(registry_->Start()) << registry_->log();
}

}  // namespace
}  // namespace boxcar::testing
