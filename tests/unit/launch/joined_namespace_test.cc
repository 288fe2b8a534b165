#include "launch/joined_namespace.h"

#include <gtest/gtest.h>

#include "launch/launch_spec.h"

namespace boxcar {
namespace {

TEST(JoinedNamespaceTest, TextRoundTripsAndHostHasNoPid) {
  JoinedNamespace other{"net", 1234, 567890};
  EXPECT_EQ(JoinedNamespaceToText(other), "net:1234:567890");
  auto read = JoinedNamespaceFromText("net:1234:567890");
  ASSERT_TRUE(read.ok()) << read.status().message();
  EXPECT_EQ(read->type, "net");
  EXPECT_EQ(read->pid, 1234);
  EXPECT_EQ(read->start_ticks, 567890u);
  EXPECT_EQ(JoinedNamespaceToText({"uts"}), "uts:host");
  auto host = JoinedNamespaceFromText("uts:host");
  ASSERT_TRUE(host.ok());
  EXPECT_TRUE(host->host());
}

TEST(JoinedNamespaceTest, MalformedTextIsRefused) {
  for (const char* text : {"", "net", "mnt:host", "user:1:2", "net:0:5", "net:12", "net:a:1",
                           "net:1:", "pid:-1:3", "ipc:host:1"}) {
    EXPECT_EQ(JoinedNamespaceFromText(text).status().code(), StatusCode::kInvalidArgument) << text;
  }
}

TEST(JoinedNamespaceTest, LaunchSpecCarriesThemAndNoneWhenAbsent) {
  LaunchSpec spec;
  spec.container_id = "c";
  spec.rootfs_dir = "/r";
  spec.argv = {"true"};
  spec.exit_file = "/e";
  EXPECT_EQ(LaunchSpecToJson(spec).find("joined_namespaces"), std::string::npos)
      << "not written for a container that shares nothing";
  spec.joined_namespaces = {{"net", 7, 8}, {"pid"}};
  auto back = LaunchSpecFromJson(LaunchSpecToJson(spec));
  ASSERT_TRUE(back.ok()) << back.status().message();
  ASSERT_EQ(back->joined_namespaces.size(), 2u);
  EXPECT_EQ(back->joined_namespaces[0].pid, 7);
  EXPECT_EQ(back->joined_namespaces[0].start_ticks, 8u);
  EXPECT_TRUE(back->joined_namespaces[1].host());
  EXPECT_EQ(FindJoinedNamespace(back->joined_namespaces, "pid"), &back->joined_namespaces[1]);
  EXPECT_EQ(FindJoinedNamespace(back->joined_namespaces, "uts"), nullptr);
}

}  // namespace
}  // namespace boxcar
