#include "core/instance_labels.h"

#include <gtest/gtest.h>

namespace boxcar::nova {
namespace {

constexpr char kUuid[] = "57742de4-996d-4d3c-88a3-baacd3d6ae8b";

TEST(InstanceLabelsTest, TheContainerIsNamedAfterTheUuid) {
  EXPECT_EQ(*ContainerNameFor(kUuid), std::string("nova-") + kUuid);
  for (const char* bad :
       {"", "57742DE4-996D-4D3C-88A3-BAACD3D6AE8B", "x", "57742de4996d4d3c88a3baacd3d6ae8b",
        "57742de4-996d-4d3c-88a3-baacd3d6ae8/"}) {
    auto name = ContainerNameFor(bad);
    EXPECT_EQ(name.status().code(), StatusCode::kInvalidArgument) << bad;
    EXPECT_NE(name.status().message().find("instance.uuid"), std::string::npos);
  }
}

TEST(InstanceLabelsTest, LabelsSayWhoseTheContainerIs) {
  InstanceRequest instance;
  instance.uuid = kUuid;
  instance.name = "instance-00000001";
  instance.project_id = "p1";
  instance.flavor.name = "m1.tiny";
  ImageRequest image;
  image.id = "img";
  auto labels = LabelsFor(instance, image);
  EXPECT_EQ(labels.at(kInstanceUuidLabel), kUuid);
  EXPECT_EQ(labels.at(kInstanceNameLabel), "instance-00000001");
  EXPECT_EQ(labels.at(kProjectLabel), "p1");
  EXPECT_EQ(labels.at(kImageLabel), "img");
  EXPECT_EQ(labels.count(kUserLabel), 0u) << "empty values are left out";

  v1::Container container;
  for (const auto& [key, value] : labels)
    (*container.mutable_spec()->mutable_labels())[key] = value;
  EXPECT_TRUE(IsInstanceContainer(container));
  EXPECT_EQ(InstanceUuidOf(container), kUuid);
  EXPECT_EQ(InstanceNameOf(container), "instance-00000001");
  EXPECT_FALSE(IsInstanceContainer(v1::Container()));
}

TEST(InstanceLabelsTest, HostnamesAreMadeValidForTheAgent) {
  EXPECT_EQ(ContainerHostnameFor("web-1.example"), "web-1.example");
  EXPECT_EQ(ContainerHostnameFor("my server_1"), "my-server-1");
  EXPECT_EQ(ContainerHostnameFor("--lead"), "lead");
  EXPECT_EQ(ContainerHostnameFor("___"), "");
  EXPECT_EQ(ContainerHostnameFor(std::string(100, 'a')).size(), 63u);
}

TEST(InstanceLabelsTest, NonAsciiHostnamesBecomeRfc1123Names) {
  // Nova's hostname for the server name 'we!rd name; $(x) ü/..'.
  EXPECT_EQ(ContainerHostnameFor("werd-name-x-\xc3\xbc"), "werd-name-x-u");
  EXPECT_EQ(ContainerHostnameFor("m\xc3\xbcnchen-\xc3\x9f"), "munchen-s");
  // Characters beyond Latin-1 (Nova drops them itself) and stray bytes are left out.
  EXPECT_EQ(ContainerHostnameFor("web-\xe2\x82\xac-\xf0\x9f\x98\x80"), "web");
  EXPECT_EQ(ContainerHostnameFor("a\x80"
                                 "b\xc3"),
            "ab");
  EXPECT_EQ(ContainerHostnameFor("\xd1\x81\xd0\xb5\xd1\x80\xd0\xb2"), "");
  // Labels neither start nor end with '-'; empty labels go.
  EXPECT_EQ(ContainerHostnameFor("-a-.-b-..c\xc3\xbc-"), "a.b.cu");
  EXPECT_EQ(ContainerHostnameFor("x.-"), "x");
  // The cut at 63 does not leave a trailing '-'.
  EXPECT_EQ(ContainerHostnameFor(std::string(62, 'a') + "-b"), std::string(62, 'a'));
  // A valid hostname passes unchanged.
  EXPECT_EQ(ContainerHostnameFor("server-57742de4-996d-4d3c-88a3-baacd3d6ae8b"),
            "server-57742de4-996d-4d3c-88a3-baacd3d6ae8b");
}

}  // namespace
}  // namespace boxcar::nova
