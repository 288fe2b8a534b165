#include "distribution/registry/registry_manifest.h"

#include <gtest/gtest.h>

namespace boxcar {
namespace {

std::string Digest(char c) { return "sha256:" + std::string(64, c); }

std::string Entry(char c, const std::string& os, const std::string& arch,
                  const std::string& variant = "") {
  return R"({"mediaType":"application/vnd.oci.image.manifest.v1+json","digest":")" + Digest(c) +
         R"(","size":10,"platform":{"os":")" + os + R"(","architecture":")" + arch + "\"" +
         (variant.empty() ? "" : R"(,"variant":")" + variant + "\"") + "}}";
}

const std::string kIndex = R"({"schemaVersion":2,"manifests":[)" +
                           Entry('a', "linux", "arm", "v7") + "," + Entry('b', "linux", "amd64") +
                           "," + Entry('c', "linux", "arm64", "v8") + "," +
                           Entry('d', "unknown", "unknown") + "]}";

TEST(RegistryManifestTest, SelectsThePlatform) {
  auto amd64 = SelectPlatformManifest(kIndex, *ParsePlatform("", "platform"));
  ASSERT_TRUE(amd64.ok()) << amd64.status().message();
  EXPECT_EQ(amd64->digest, Digest('b'));
  auto arm64 = SelectPlatformManifest(kIndex, *ParsePlatform("linux/arm64", "platform"));
  ASSERT_TRUE(arm64.ok());
  EXPECT_EQ(arm64->digest, Digest('c'));
  auto armv7 = SelectPlatformManifest(kIndex, *ParsePlatform("linux/arm/v7", "platform"));
  ASSERT_TRUE(armv7.ok());
  EXPECT_EQ(armv7->digest, Digest('a'));
  auto missing = SelectPlatformManifest(kIndex, *ParsePlatform("linux/s390x", "platform"));
  ASSERT_FALSE(missing.ok());
  EXPECT_NE(missing.status().message().find("platform:"), std::string::npos);
  EXPECT_NE(missing.status().message().find("linux/arm/v7, linux/amd64, linux/arm64/v8"),
            std::string::npos)
      << missing.status().message();
  EXPECT_FALSE(ParsePlatform("linux", "platform").ok());
  EXPECT_FALSE(ParsePlatform("linux//x", "platform").ok());
}

TEST(RegistryManifestTest, TellsIndexesFromManifests) {
  EXPECT_TRUE(IsManifestIndex("application/vnd.docker.distribution.manifest.list.v2+json", "{}"));
  EXPECT_TRUE(IsManifestIndex("application/json", kIndex));
  EXPECT_FALSE(IsManifestIndex("application/vnd.oci.image.manifest.v1+json",
                               R"({"config":{},"layers":[]})"));
}

TEST(RegistryManifestTest, ReadsSchema2AndOciManifestsAndRefusesTheRest) {
  const std::string manifest =
      R"({"schemaVersion":2,"mediaType":"application/vnd.docker.distribution.manifest.v2+json",)"
      R"("config":{"mediaType":"application/vnd.docker.container.image.v1+json","digest":")" +
      Digest('1') +
      R"(","size":100},"layers":[{"mediaType":)"
      R"("application/vnd.docker.image.rootfs.diff.tar.gzip","digest":")" +
      Digest('2') + R"(","size":2000}]})";
  auto blobs = ParseImageManifestBlobs(manifest);
  ASSERT_TRUE(blobs.ok()) << blobs.status().message();
  EXPECT_EQ(blobs->config.digest, Digest('1'));
  ASSERT_EQ(blobs->layers.size(), 1u);
  EXPECT_EQ(blobs->layers[0].size, 2000u);

  EXPECT_EQ(ParseImageManifestBlobs(R"({"schemaVersion":1,"fsLayers":[]})").status().code(),
            StatusCode::kUnimplemented);
  std::string encrypted = manifest;
  encrypted.replace(encrypted.find("application/vnd.docker.image.rootfs.diff.tar.gzip"),
                    std::string("application/vnd.docker.image.rootfs.diff.tar.gzip").size(),
                    "application/vnd.oci.image.layer.v1.tar+gzip+encrypted");
  auto refused = ParseImageManifestBlobs(encrypted);
  ASSERT_FALSE(refused.ok());
  EXPECT_NE(refused.status().message().find("manifest layer 0"), std::string::npos);
  std::string bad_digest = manifest;
  bad_digest.replace(bad_digest.find(Digest('2')), 71, "sha256:xyz");
  EXPECT_FALSE(ParseImageManifestBlobs(bad_digest).ok());
  EXPECT_FALSE(ParseImageManifestBlobs("not json").ok());
}

}  // namespace
}  // namespace boxcar
