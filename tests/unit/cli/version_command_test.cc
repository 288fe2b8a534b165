// `boxcar version`: its fields by Docker's template names, with and without an agent.
#include "cli/version_command.h"

#include <gtest/gtest.h>

namespace boxcar::cli {
namespace {

TEST(VersionCommandTest, FieldsByDockersNamesInAnyCase) {
  v1::InfoResponse info;
  info.set_version("9.8.7");
  info.mutable_host()->set_kernel_release("6.1.0-test");
  info.mutable_host()->set_architecture("x86_64");
  const auto fields = VersionFields(&info);
  EXPECT_FALSE(VersionFieldValue(fields, ".Client.Version")->empty());
  EXPECT_EQ(*VersionFieldValue(fields, ".Server.Version"), "9.8.7");
  EXPECT_EQ(*VersionFieldValue(fields, "server.kernelversion"), "6.1.0-test");
  EXPECT_EQ(*VersionFieldValue(fields, ".Server.Arch"), "x86_64");
  auto unknown = VersionFieldValue(fields, ".Server.Nope");
  EXPECT_EQ(unknown.status().code(), StatusCode::kInvalidArgument);
  EXPECT_NE(unknown.status().message().find("--format"), std::string::npos);
  EXPECT_NE(unknown.status().message().find(".Server.Version"), std::string::npos)
      << "names what there is: " << unknown.status().message();
}

TEST(VersionCommandTest, WithoutTheAgentTheClientsAlone) {
  const auto fields = VersionFields(nullptr);
  EXPECT_TRUE(VersionFieldValue(fields, ".Client.Version").ok());
  EXPECT_FALSE(VersionFieldValue(fields, ".Server.Version").ok());
}

}  // namespace
}  // namespace boxcar::cli
