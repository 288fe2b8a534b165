#include "cli/mount_flags.h"

#include <gtest/gtest.h>

namespace boxcar::cli {
namespace {

TEST(MountFlagsTest, VolumeFlagTellsBindsFromVolumes) {
  auto bind = ParseVolumeFlag("/srv/data:/data:ro");
  ASSERT_TRUE(bind.ok()) << bind.status().message();
  EXPECT_EQ(bind->type(), v1::Mount::TYPE_BIND);
  EXPECT_EQ(bind->source(), "/srv/data");
  EXPECT_EQ(bind->target(), "/data");
  EXPECT_TRUE(bind->read_only());
  auto named = ParseVolumeFlag("appdata:/var/lib/app");
  ASSERT_TRUE(named.ok());
  EXPECT_EQ(named->type(), v1::Mount::TYPE_VOLUME);
  EXPECT_EQ(named->source(), "appdata");
  EXPECT_FALSE(named->read_only());
  auto anonymous = ParseVolumeFlag("/cache");
  ASSERT_TRUE(anonymous.ok());
  EXPECT_EQ(anonymous->type(), v1::Mount::TYPE_VOLUME);
  EXPECT_EQ(anonymous->source(), "");
  auto relative = ParseVolumeFlag("./here:/x");
  ASSERT_TRUE(relative.ok());
  EXPECT_EQ(relative->type(), v1::Mount::TYPE_BIND);
  EXPECT_EQ(relative->source()[0], '/') << "made absolute against the caller's directory";
}

TEST(MountFlagsTest, VolumeFlagRefusesNamingTheFlag) {
  for (const char* text : {"a:relative", ":/x", "/a:/b:zz", "a:b:c:d", "relative"}) {
    auto parsed = ParseVolumeFlag(text);
    ASSERT_FALSE(parsed.ok()) << text;
    EXPECT_EQ(parsed.status().code(), StatusCode::kInvalidArgument);
    EXPECT_NE(parsed.status().message().find("--volume"), std::string::npos)
        << parsed.status().message();
  }
}

TEST(MountFlagsTest, TmpfsFlagTakesSizeAndMode) {
  auto tmpfs = ParseTmpfsFlag("/scratch:size=64m,mode=1770");
  ASSERT_TRUE(tmpfs.ok()) << tmpfs.status().message();
  EXPECT_EQ(tmpfs->type(), v1::Mount::TYPE_TMPFS);
  EXPECT_EQ(tmpfs->target(), "/scratch");
  EXPECT_EQ(tmpfs->tmpfs_size_bytes(), 64u << 20);
  EXPECT_EQ(tmpfs->tmpfs_mode(), 01770u);
  EXPECT_TRUE(ParseTmpfsFlag("/run").ok());
  for (const char* text : {"run", "/x:size=lots", "/x:mode=999", "/x:colour=blue"}) {
    auto parsed = ParseTmpfsFlag(text);
    ASSERT_FALSE(parsed.ok()) << text;
    EXPECT_NE(parsed.status().message().find("--tmpfs"), std::string::npos);
  }
}

TEST(MountFlagsTest, MountFlagTakesDockersFields) {
  auto bind = ParseMountFlag("type=bind,source=/srv,target=/data,readonly");
  ASSERT_TRUE(bind.ok()) << bind.status().message();
  EXPECT_EQ(bind->type(), v1::Mount::TYPE_BIND);
  EXPECT_EQ(bind->source(), "/srv");
  EXPECT_TRUE(bind->read_only());
  auto volume = ParseMountFlag("type=volume,src=v,dst=/v,ro=false");
  ASSERT_TRUE(volume.ok()) << volume.status().message();
  EXPECT_EQ(volume->type(), v1::Mount::TYPE_VOLUME);
  EXPECT_FALSE(volume->read_only());
  auto tmpfs = ParseMountFlag("type=tmpfs,target=/t,tmpfs-size=1m,tmpfs-mode=700");
  ASSERT_TRUE(tmpfs.ok()) << tmpfs.status().message();
  EXPECT_EQ(tmpfs->tmpfs_size_bytes(), 1u << 20);
  EXPECT_EQ(tmpfs->tmpfs_mode(), 0700u);
  for (const char* text : {"type=nfs,target=/x", "type=bind,source=rel,target=/x",
                           "type=tmpfs,source=/x,target=/t", "type=volume,target=/x,tmpfs-size=1m",
                           "type=bind,source=/x", "type=bind,source=/x,target=/y,colour=red"}) {
    auto parsed = ParseMountFlag(text);
    ASSERT_FALSE(parsed.ok()) << text;
    EXPECT_NE(parsed.status().message().find("--mount"), std::string::npos);
  }
}

}  // namespace
}  // namespace boxcar::cli
