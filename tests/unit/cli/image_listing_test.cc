#include "cli/image_listing.h"

#include <gtest/gtest.h>

namespace boxcar::cli {
namespace {

google::protobuf::RepeatedPtrField<v1::Image> Images() {
  google::protobuf::RepeatedPtrField<v1::Image> images;
  v1::Image* app = images.Add();
  app->set_id("sha256:" + std::string(64, 'a'));
  app->add_references("registry.local:5000/team/app:1");
  app->add_references("app:latest");
  (*app->mutable_config()->mutable_labels())["tier"] = "web";
  app->set_created_unix_seconds(300);
  v1::Image* pinned = images.Add();
  pinned->set_id("sha256:" + std::string(64, 'b'));
  pinned->add_repo_digests("busybox@sha256:" + std::string(64, 'c'));
  pinned->set_created_unix_seconds(200);
  v1::Image* dangling = images.Add();
  dangling->set_id("sha256:" + std::string(64, 'd'));
  dangling->set_created_unix_seconds(100);
  return images;
}

// "REPOSITORY:TAG@DIGEST" of the rows `filters` keep.
std::string Kept(const std::vector<std::string>& filters) {
  auto images = Images();
  auto filter = ImageFilter::Parse(filters);
  EXPECT_TRUE(filter.ok()) << filter.status().message();
  EXPECT_TRUE(filter->Resolve(images).ok());
  std::string kept;
  for (const ImageRow& row : ImageRows(images)) {
    if (filter->Matches(row))
      kept += row.repository + ":" + row.tag + "@" + row.digest.substr(0, 8) + " ";
  }
  return kept;
}

TEST(ImageListingTest, RowsSplitRepositoryTagAndDigest) {
  EXPECT_EQ(Kept({}),
            "registry.local:5000/team/app:1@<none> app:latest@<none> busybox:<none>@sha256:c "
            "<none>:<none>@<none> ");
}

TEST(ImageListingTest, FiltersAsDockersImages) {
  EXPECT_EQ(Kept({"dangling=true"}), "<none>:<none>@<none> ");
  EXPECT_EQ(Kept({"dangling=false"}),
            "registry.local:5000/team/app:1@<none> app:latest@<none> busybox:<none>@sha256:c ");
  EXPECT_EQ(Kept({"reference=app"}), "app:latest@<none> ") << "the repository alone matches";
  EXPECT_EQ(Kept({"reference=*/team/*"}), "registry.local:5000/team/app:1@<none> ");
  EXPECT_EQ(Kept({"reference=*:1", "reference=busy*"}), "busybox:<none>@sha256:c ")
      << "`*` does not cross a '/': registry.local:5000/team/app:1 is not '*:1'";
  EXPECT_EQ(Kept({"reference=*/*/*:1"}), "registry.local:5000/team/app:1@<none> ");
  EXPECT_EQ(Kept({"label=tier=web"}), "registry.local:5000/team/app:1@<none> app:latest@<none> ");
  EXPECT_EQ(Kept({"before=app"}), "busybox:<none>@sha256:c <none>:<none>@<none> ");
  EXPECT_EQ(Kept({"since=dddd"}),
            "registry.local:5000/team/app:1@<none> app:latest@<none> busybox:<none>@sha256:c ");
}

TEST(ImageListingTest, MistakesNameTheFlag) {
  for (const char* bad : {"dangling=maybe", "color=red", "reference", "=x"}) {
    auto filter = ImageFilter::Parse({bad});
    EXPECT_EQ(filter.status().code(), StatusCode::kInvalidArgument) << bad;
    EXPECT_NE(filter.status().message().find("--filter '"), std::string::npos) << bad;
  }
  auto images = Images();
  auto missing = ImageFilter::Parse({"since=nothing:1"});
  EXPECT_EQ(missing->Resolve(images).code(), StatusCode::kNotFound);
  auto rows = ImageRows(images);
  EXPECT_EQ(*FormatImageRow("{{.Repository}}\\t{{.Tag}} {{.ID}}", &rows[0], false),
            "registry.local:5000/team/app\t1 aaaaaaaaaaaa");
  EXPECT_EQ(*FormatImageRow("{{.Repository}} {{.Size}}", nullptr, false), "REPOSITORY SIZE");
  EXPECT_EQ(FormatImageRow("{{.Names}}", &rows[0], false).status().code(),
            StatusCode::kInvalidArgument);
}

}  // namespace
}  // namespace boxcar::cli
