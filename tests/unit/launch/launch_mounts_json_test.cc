#include "launch/launch_mounts_json.h"

#include <gtest/gtest.h>

namespace boxcar {
namespace {

TEST(LaunchMountsJsonTest, MountsAndReadOnlyRootRoundTrip) {
  LaunchSpec spec;
  spec.rootfs_dir = "/r";
  spec.argv = {"sh"};
  spec.exit_file = "/x";
  auto without = LaunchSpecFromJson(LaunchSpecToJson(spec));
  ASSERT_TRUE(without.ok());
  EXPECT_TRUE(without->mounts.empty());
  EXPECT_FALSE(without->read_only_rootfs);
  spec.read_only_rootfs = true;
  spec.mounts.push_back({LaunchMount::Kind::kBind, "/host", "/data", true, 0, 0});
  spec.mounts.push_back({LaunchMount::Kind::kTmpfs, "", "/t", false, 1 << 20, 01770});
  auto with = LaunchSpecFromJson(LaunchSpecToJson(spec));
  ASSERT_TRUE(with.ok()) << with.status().message();
  EXPECT_TRUE(with->read_only_rootfs);
  ASSERT_EQ(with->mounts.size(), 2u);
  EXPECT_EQ(with->mounts[0].kind, LaunchMount::Kind::kBind);
  EXPECT_EQ(with->mounts[0].source, "/host");
  EXPECT_EQ(with->mounts[0].target, "/data");
  EXPECT_TRUE(with->mounts[0].read_only);
  EXPECT_EQ(with->mounts[1].kind, LaunchMount::Kind::kTmpfs);
  EXPECT_EQ(with->mounts[1].tmpfs_size_bytes, 1u << 20);
  EXPECT_EQ(with->mounts[1].tmpfs_mode, 01770u);
}

TEST(LaunchMountsJsonTest, RejectsMalformedMounts) {
  const std::string head = "{\"rootfs_dir\":\"/r\",\"argv\":[\"sh\"],\"exit_file\":\"/x\",";
  for (const char* mounts :
       {"\"mounts\":{}", "\"mounts\":[{\"kind\":\"nfs\",\"target\":\"/x\"}]",
        "\"mounts\":[{\"kind\":\"bind\",\"target\":\"/x\"}]",
        "\"mounts\":[{\"kind\":\"tmpfs\",\"target\":\"relative\"}]",
        "\"mounts\":[{\"kind\":\"tmpfs\",\"target\":\"/t\",\"read_only\":1}]"}) {
    auto parsed = LaunchSpecFromJson(head + mounts + "}");
    EXPECT_EQ(parsed.status().code(), StatusCode::kInvalidArgument) << mounts;
  }
}

}  // namespace
}  // namespace boxcar
