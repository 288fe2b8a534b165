#include "core/container_mounts.h"

#include <gtest/gtest.h>
#include <stdlib.h>

#include "common/directory_tree.h"

namespace boxcar {
namespace {

v1::Mount MakeMount(v1::Mount::Type type, const std::string& source, const std::string& target) {
  v1::Mount mount;
  mount.set_type(type);
  mount.set_source(source);
  mount.set_target(target);
  return mount;
}

TEST(ContainerMountsTest, ValidationNamesTheField) {
  struct Case {
    v1::Mount mount;
    std::string field;
  } cases[] = {
      {MakeMount(v1::Mount::TYPE_UNSPECIFIED, "", "/x"), "spec.mounts[0].type"},
      {MakeMount(v1::Mount::TYPE_BIND, "/nonexistent/volume-test", "/x"), "spec.mounts[0].source"},
      {MakeMount(v1::Mount::TYPE_BIND, "relative", "/x"), "spec.mounts[0].source"},
      {MakeMount(v1::Mount::TYPE_BIND, "/", "x"), "spec.mounts[0].target"},
      {MakeMount(v1::Mount::TYPE_BIND, "/", "/./"), "spec.mounts[0].target"},
      // ".." is taken lexically: "/.." and "/a/.." are the root.
      {MakeMount(v1::Mount::TYPE_BIND, "/", "/.."), "spec.mounts[0].target: the container's root"},
      {MakeMount(v1::Mount::TYPE_TMPFS, "", "/a/.."),
       "spec.mounts[0].target: the container's root"},
      {MakeMount(v1::Mount::TYPE_VOLUME, "../up", "/x"), "spec.mounts[0].source"},
      {MakeMount(v1::Mount::TYPE_TMPFS, "/tmp", "/x"), "spec.mounts[0].source"},
  };
  for (const auto& c : cases) {
    v1::ContainerSpec spec;
    *spec.add_mounts() = c.mount;
    Status status = ValidateMounts(spec);
    EXPECT_EQ(status.code(), StatusCode::kInvalidArgument) << c.field;
    EXPECT_NE(status.message().find(c.field), std::string::npos) << status.message();
  }
  v1::ContainerSpec twice;
  *twice.add_mounts() = MakeMount(v1::Mount::TYPE_TMPFS, "", "/data");
  *twice.add_mounts() = MakeMount(v1::Mount::TYPE_VOLUME, "v", "/data/");
  Status duplicate = ValidateMounts(twice);
  EXPECT_NE(duplicate.message().find("spec.mounts[1].target"), std::string::npos)
      << duplicate.message();
  // The same place through "..": one target.
  v1::ContainerSpec around;
  *around.add_mounts() = MakeMount(v1::Mount::TYPE_TMPFS, "", "/data");
  *around.add_mounts() = MakeMount(v1::Mount::TYPE_TMPFS, "", "/x/../../data");
  Status same = ValidateMounts(around);
  EXPECT_NE(same.message().find("spec.mounts[1].target: '/data' is already the target of "
                                "spec.mounts[0]"),
            std::string::npos)
      << same.message();
  EXPECT_EQ(CleanContainerPath("/../../tmp/x/up"), "/tmp/x/up");
  EXPECT_EQ(CleanContainerPath("/a/./b/../c/"), "/a/c");
}

TEST(ContainerMountsTest, CompletesVolumesAndOrdersParentsFirst) {
  char dir_template[] = "/tmp/container-mounts-test-XXXXXX";
  ASSERT_NE(::mkdtemp(dir_template), nullptr);
  std::string dir = dir_template;
  auto store = VolumeStore::Open(dir + "/volumes");
  ASSERT_TRUE(store.ok());
  v1::ContainerSpec spec;
  *spec.add_mounts() = MakeMount(v1::Mount::TYPE_TMPFS, "", "/data/tmp");
  *spec.add_mounts() = MakeMount(v1::Mount::TYPE_VOLUME, "named", "/data");
  *spec.add_mounts() = MakeMount(v1::Mount::TYPE_VOLUME, "", "/anon");
  v1::ImageConfig image;
  image.add_volumes("/data");     // covered by a mount
  image.add_volumes("/var/lib/x/");  // gets an anonymous volume
  std::vector<std::string> created;
  ASSERT_TRUE(CompleteMounts(&spec, image, store->get(), &created).ok());
  EXPECT_EQ(created.size(), 3u) << "named, the mount's anonymous one, the image's";
  ASSERT_EQ(spec.mounts_size(), 4);
  EXPECT_TRUE(spec.mounts(2).anonymous());
  EXPECT_FALSE(spec.mounts(1).anonymous());
  EXPECT_EQ(spec.mounts(3).target(), "/var/lib/x");
  EXPECT_TRUE(spec.mounts(3).anonymous());
  EXPECT_EQ(VolumeNamesOf(spec).size(), 3u);

  auto launch = LaunchMountsOf(spec, store->get());
  ASSERT_TRUE(launch.ok()) << launch.status().message();
  ASSERT_EQ(launch->size(), 4u);
  EXPECT_EQ((*launch)[0].target, "/data") << "a parent before what lies below it";
  EXPECT_EQ((*launch)[0].source, dir + "/volumes/named/_data");
  EXPECT_EQ((*launch)[2].target, "/data/tmp");
  EXPECT_EQ((*launch)[2].kind, LaunchMount::Kind::kTmpfs);
  EXPECT_EQ((*launch)[3].target, "/var/lib/x");
  ASSERT_TRUE((*store)->Remove("named").ok());
  EXPECT_EQ(LaunchMountsOf(spec, store->get()).status().code(), StatusCode::kFailedPrecondition);
  (void)RemoveTree(dir);
}

}  // namespace
}  // namespace boxcar
