#include "distribution/glance/glance_image_mapping.h"

#include <gtest/gtest.h>

#include <thread>

#include "distribution/glance/byte_pipe.h"

namespace boxcar {
namespace {

TEST(GlanceLocation, IdsAndNames) {
  EXPECT_EQ(*GlanceLocationId("glance://abc-1", "source", true), "abc-1");
  EXPECT_EQ(*GlanceLocationId("glance://", "destination", false), "");
  auto empty = GlanceLocationId("glance://", "source", true);
  EXPECT_EQ(empty.status().code(), StatusCode::kInvalidArgument);
  EXPECT_NE(empty.status().message().find("source: no image id"), std::string::npos);
  EXPECT_FALSE(GlanceLocationId("glance://a/b", "source", true).ok());
  EXPECT_FALSE(GlanceLocationId("busybox", "source", true).ok());
}

TEST(GlancePullable, FormatsAndStatus) {
  glance::GlanceImage image;
  image.id = "i";
  image.container_format = "docker";
  image.disk_format = "raw";
  image.status = "active";
  EXPECT_TRUE(CheckPullable(image).ok());
  image.container_format = "bare";
  EXPECT_NE(CheckPullable(image).message().find("container_format 'bare'"), std::string::npos);
  image.container_format = "docker";
  image.disk_format = "qcow2";
  EXPECT_EQ(CheckPullable(image).code(), StatusCode::kFailedPrecondition);
  image.disk_format = "raw";
  image.status = "saving";
  EXPECT_NE(CheckPullable(image).message().find("'saving', not active"), std::string::npos);
}

TEST(GlanceProperties, RoundTripOfReferences) {
  v1::Image image;
  image.set_id("sha256:aa");
  image.add_references("app:1");
  image.add_references("app:latest");
  auto properties = GlancePropertiesOf(image, "sha256:bb");
  EXPECT_EQ(properties[kGlanceConfigDigest], "sha256:aa");
  EXPECT_EQ(properties[kGlanceManifestDigest], "sha256:bb");
  EXPECT_EQ(properties[kGlanceReferences], "app:1,app:latest");
  glance::GlanceImage glance_image;
  glance_image.properties = properties;
  EXPECT_EQ(GlanceReferences(glance_image), (std::vector<std::string>{"app:1", "app:latest"}));
  v1::Image untagged;
  untagged.set_id("sha256:cc");
  EXPECT_EQ(GlancePropertiesOf(untagged, "").count(kGlanceReferences), 0u);
  EXPECT_TRUE(GlanceReferences(glance::GlanceImage{}).empty());
}

// A property anyone writes never names the compute driver's cache ("glance/<image id>").
TEST(GlanceProperties, ReferencesNeverNameTheComputeDriversCache) {
  glance::GlanceImage image;
  image.properties[kGlanceReferences] =
      "app:1,glance/0d3e-aa,docker.io/glance/0d3e-aa:latest,glancex/ok:2";
  EXPECT_EQ(GlanceReferences(image), (std::vector<std::string>{"app:1", "glancex/ok:2"}));
}

// Only Glance's own multihash, of an algorithm that cannot be forged, names an archive.
TEST(GlanceArchiveDigest, OnlyGlancesStrongHash) {
  glance::GlanceImage image;
  EXPECT_FALSE(GlanceArchiveDigest(image));
  image.checksum = "d41d8cd98f00b204e9800998ecf8427e";
  EXPECT_FALSE(GlanceArchiveDigest(image)) << "md5 alone";
  image.os_hash_algo = "sha512";
  image.os_hash_value = "ab12";
  EXPECT_EQ(GlanceArchiveDigest(image), std::optional<std::string>("sha512:ab12"));
  image.os_hash_algo = "sha1";
  EXPECT_FALSE(GlanceArchiveDigest(image));
  image.os_hash_algo = "sha3_256";
  EXPECT_EQ(GlanceArchiveDigest(image), std::optional<std::string>("sha3_256:ab12"));
  image.properties[kGlanceConfigDigest] = "sha256:feed";
  image.os_hash_value.clear();
  EXPECT_FALSE(GlanceArchiveDigest(image)) << "the property is no hash of the data";
}

TEST(BytePipe, CarriesBytesInOrderAndTheWritersError) {
  BytePipe pipe(16);
  std::thread writer([&] {
    for (int i = 0; i < 100; ++i) ASSERT_TRUE(pipe.Push(std::to_string(i % 10)));
    pipe.Close(Internal("save failed"));
  });
  std::string got;
  char buffer[7];
  while (true) {
    auto n = pipe.Pop(buffer, sizeof buffer);
    if (!n.ok()) {
      EXPECT_EQ(n.status().message(), "save failed");
      break;
    }
    ASSERT_GT(*n, 0u);
    got.append(buffer, *n);
  }
  writer.join();
  ASSERT_EQ(got.size(), 100u);
  EXPECT_EQ(got.substr(0, 12), "012345678901");
}

TEST(BytePipe, ReaderCancelStopsTheWriter) {
  BytePipe pipe(4);
  std::thread writer([&] {
    bool accepted = true;
    for (int i = 0; i < 1000 && accepted; ++i) accepted = pipe.Push("xxxx");
    EXPECT_FALSE(accepted);
    pipe.Close(OkStatus());
  });
  char buffer[4];
  ASSERT_TRUE(pipe.Pop(buffer, 4).ok());
  pipe.Cancel();
  writer.join();
}

TEST(BytePipe, CleanEndIsZero) {
  BytePipe pipe;
  ASSERT_TRUE(pipe.Push("ab"));
  pipe.Close(OkStatus());
  char buffer[8];
  EXPECT_EQ(*pipe.Pop(buffer, 8), 2u);
  EXPECT_EQ(*pipe.Pop(buffer, 8), 0u);
}

}  // namespace
}  // namespace boxcar
