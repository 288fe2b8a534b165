#include "glance/glance_image.h"

#include <gtest/gtest.h>

#include "glance/background_hasher.h"
#include "glance/glance_client.h"
#include "glance/glance_errors.h"
#include "glance/image_hash_verifier.h"
#include "glance/json_patch.h"

namespace boxcar::glance {
namespace {

TEST(GlanceImage, ParsesFieldsAndCustomProperties) {
  auto image = ParseGlanceImage(R"({"id":"i1","name":"busybox","status":"active",
    "visibility":"private","owner":"pa","container_format":"docker","disk_format":"raw",
    "size":5,"virtual_size":null,"checksum":"abc","os_hash_algo":"sha512","os_hash_value":"DEF",
    "tags":["t1","t2"],"boxcar_manifest_digest":"sha256:00","min_ram":0,"self":"/v2/images/i1"})");
  ASSERT_TRUE(image.ok()) << image.status().message();
  EXPECT_EQ(image->id, "i1");
  EXPECT_EQ(image->status, "active");
  EXPECT_EQ(image->owner, "pa");
  ASSERT_TRUE(image->size.has_value());
  EXPECT_EQ(*image->size, 5u);
  EXPECT_EQ(image->tags, (std::vector<std::string>{"t1", "t2"}));
  EXPECT_EQ(image->Property("boxcar_manifest_digest"), "sha256:00");
  EXPECT_EQ(image->properties.count("self"), 0u);
  EXPECT_EQ(image->properties.count("name"), 0u);
}

TEST(GlanceImage, QueuedImageHasNoSize) {
  auto image = ParseGlanceImage(R"({"id":"i1","status":"queued","size":null})");
  ASSERT_TRUE(image.ok());
  EXPECT_FALSE(image->size.has_value());
  EXPECT_FALSE(ParseGlanceImage(R"({"name":"no id"})").ok());
  EXPECT_FALSE(ParseGlanceImage("[").ok());
}

TEST(GlanceImage, ListWithNextMarker) {
  auto page = ParseGlanceImageList(
      R"({"images":[{"id":"a"},{"id":"b"}],"next":"/v2/images?limit=2&marker=b","first":"/v2/images"})");
  ASSERT_TRUE(page.ok());
  ASSERT_EQ(page->images.size(), 2u);
  EXPECT_EQ(page->next_marker, "b");
  auto last = ParseGlanceImageList(R"({"images":[]})");
  ASSERT_TRUE(last.ok());
  EXPECT_EQ(last->next_marker, "");
  EXPECT_FALSE(ParseGlanceImageList(R"({"nope":1})").ok());
}

TEST(GlanceImage, Members) {
  auto member = ParseGlanceMember(R"({"member_id":"pb","status":"pending","image_id":"i"})");
  ASSERT_TRUE(member.ok());
  EXPECT_EQ(member->status, "pending");
  auto members = ParseGlanceMemberList(R"({"members":[{"member_id":"pb","status":"accepted"}]})");
  ASSERT_TRUE(members.ok());
  ASSERT_EQ(members->size(), 1u);
  EXPECT_EQ((*members)[0].status, "accepted");
}

TEST(GlanceQuery, FiltersAreEncoded) {
  ListImagesFilter f;
  f.limit = 2;
  f.name = "reg:5000/app";
  f.visibility = "all";
  f.tags = {"a b"};
  f.properties = {{"boxcar_config_digest", "sha256:1"}};
  EXPECT_EQ(ListQuery(f),
            "?limit=2&name=in%3A%22reg%3A5000%2Fapp%22&visibility=all&tag=a%20b"
            "&boxcar_config_digest=sha256%3A1");
  EXPECT_EQ(ListQuery(ListImagesFilter{}), "");
}

TEST(GlancePatch, Body) {
  EXPECT_EQ(JsonPatchBody({{PatchOperation::Op::kAdd, "boxcar_references", "a:1"},
                           {PatchOperation::Op::kReplace, "visibility", "shared"},
                           {PatchOperation::Op::kRemove, "x/y~z", ""}}),
            R"([{"op":"add","path":"/boxcar_references","value":"a:1"},)"
            R"({"op":"replace","path":"/visibility","value":"shared"},)"
            R"({"op":"remove","path":"/x~1y~0z"}])");
}

TEST(GlanceErrors, StatusesMapToCodes) {
  EXPECT_EQ(GlanceHttpError(401, "x", "").code(), StatusCode::kUnauthenticated);
  EXPECT_EQ(GlanceHttpError(403, "x", "").code(), StatusCode::kPermissionDenied);
  auto not_found = GlanceHttpError(404, "showing image i1", "<html><h1>404 Not Found</h1>\n</html>");
  EXPECT_EQ(not_found.code(), StatusCode::kNotFound);
  EXPECT_EQ(not_found.message(),
            "glance: showing image i1: HTTP 404 (no such image, or not visible to this project): "
            "404 Not Found");
  EXPECT_EQ(GlanceHttpError(409, "x", "").code(), StatusCode::kFailedPrecondition);
  EXPECT_EQ(GlanceHttpError(413, "x", "").code(), StatusCode::kResourceExhausted);
  EXPECT_EQ(GlanceHttpError(503, "x", "").code(), StatusCode::kUnavailable);
}

TEST(GlanceHash, VerifiesSha512ElseMd5) {
  GlanceImage image;
  image.id = "i";
  image.os_hash_algo = "sha512";
  image.os_hash_value = *HexDigest("sha512", "hello");
  auto v = ImageHashVerifier::For(image);
  ASSERT_TRUE(v.ok());
  (*v)->Update("hel", 3);
  (*v)->Update("lo", 2);
  EXPECT_TRUE((*v)->Verify().ok());

  GlanceImage md5_only;
  md5_only.id = "i";
  md5_only.checksum = "5D41402ABC4B2A76B9719D911017C592";  // md5("hello"), any case
  auto m = ImageHashVerifier::For(md5_only);
  ASSERT_TRUE(m.ok());
  EXPECT_EQ((*m)->algorithm(), "md5");
  (*m)->Update("hellO", 5);
  auto bad = (*m)->Verify();
  EXPECT_EQ(bad.code(), StatusCode::kDataLoss);
  EXPECT_NE(bad.message().find("does not match its md5"), std::string::npos) << bad.message();

  GlanceImage none;
  none.id = "i";
  EXPECT_EQ(ImageHashVerifier::For(none).status().code(), StatusCode::kDataLoss);
  none.os_hash_algo = "nosuchalgo";
  none.os_hash_value = "00";
  EXPECT_EQ(ImageHashVerifier::For(none).status().code(), StatusCode::kUnimplemented);
}

TEST(GlanceHash, BackgroundHasherMatchesAndRefuses) {
  std::string bytes(5 * 1024 * 1024 + 3, '\0');
  for (size_t i = 0; i < bytes.size(); ++i) bytes[i] = static_cast<char>(i * 31 >> 5);
  GlanceImage image;
  image.id = "i";
  image.os_hash_algo = "sha512";
  image.os_hash_value = *HexDigest("sha512", bytes);
  BackgroundHasher good(ImageHashVerifier::For(image).value(), 2 << 20);  // a queue smaller than the data
  for (size_t at = 0; at < bytes.size(); at += 65536) {
    good.Update(bytes.data() + at, std::min<size_t>(65536, bytes.size() - at));
  }
  EXPECT_TRUE(good.Verify().ok());
  BackgroundHasher bad(ImageHashVerifier::For(image).value());
  bad.Update(bytes.data(), bytes.size() - 1);
  EXPECT_EQ(bad.Verify().code(), StatusCode::kDataLoss);
  // Dropped without Verify(): the thread still ends.
  BackgroundHasher dropped(ImageHashVerifier::For(image).value());
  dropped.Update(bytes.data(), bytes.size());
}

}  // namespace
}  // namespace boxcar::glance
