#include "cli/publish_flag.h"

#include <gtest/gtest.h>

namespace boxcar::cli {
namespace {

TEST(PublishFlagTest, AcceptsDockersForms) {
  auto full = ParsePublishFlag("127.0.0.1:8080:80/udp");
  ASSERT_TRUE(full.ok()) << full.status().message();
  EXPECT_EQ(full->host_ip(), "127.0.0.1");
  EXPECT_EQ(full->host_port(), 8080u);
  EXPECT_EQ(full->container_port(), 80u);
  EXPECT_EQ(full->protocol(), "udp");
  auto ports = ParsePublishFlag("8080:80");
  ASSERT_TRUE(ports.ok());
  EXPECT_EQ(ports->host_port(), 8080u);
  EXPECT_EQ(ports->protocol(), "tcp");
  auto only = ParsePublishFlag("80");
  ASSERT_TRUE(only.ok());
  EXPECT_EQ(only->host_port(), 0u) << "the agent picks one";
  auto any_port = ParsePublishFlag("10.0.0.1::80");
  ASSERT_TRUE(any_port.ok());
  EXPECT_EQ(any_port->host_port(), 0u);
  EXPECT_EQ(any_port->host_ip(), "10.0.0.1");
}

TEST(PublishFlagTest, RefusesNamingTheFlag) {
  for (const char* text : {"", "80/sctp", "0:80", "8080:70000", "a:b:c:d", "x"}) {
    auto parsed = ParsePublishFlag(text);
    EXPECT_FALSE(parsed.ok()) << text;
    EXPECT_EQ(parsed.status().message().rfind("--publish", 0), 0u) << parsed.status().message();
  }
}

}  // namespace
}  // namespace boxcar::cli
