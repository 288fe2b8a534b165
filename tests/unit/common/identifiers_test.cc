#include "common/identifiers.h"

#include <gtest/gtest.h>

#include <utility>
#include <vector>

#include "common/signal_names.h"

namespace boxcar {
namespace {

TEST(IdentifiersTest, ContainerIdsAreRandomHex) {
  std::string a = NewContainerId(), b = NewContainerId();
  EXPECT_EQ(a.size(), 64u);
  EXPECT_TRUE(IsHexPrefix(a));
  EXPECT_NE(a, b);
  EXPECT_EQ(ShortId(a), a.substr(0, 12));
  EXPECT_EQ(ShortId("sha256:" + a), a.substr(0, 12));
}

TEST(IdentifiersTest, ContainerNames) {
  EXPECT_TRUE(ValidateContainerName("web-1.a_b", "spec.name").ok());
  for (const std::string& bad :
       std::vector<std::string>{"", "-lead", "has space", "slash/no", std::string(64, 'a')}) {
    Status status = ValidateContainerName(bad, "spec.name");
    EXPECT_EQ(status.code(), StatusCode::kInvalidArgument) << bad;
    EXPECT_NE(status.message().find("spec.name"), std::string::npos);
  }
}

TEST(IdentifiersTest, ImageReferences) {
  auto plain = ParseImageReference("busybox", "image");
  ASSERT_TRUE(plain.ok());
  EXPECT_EQ(plain->ToString(), "busybox:latest");
  auto registry = ParseImageReference("localhost:5000/library/busy-box:1.36", "image");
  ASSERT_TRUE(registry.ok());
  EXPECT_EQ(registry->name, "localhost:5000/library/busy-box");
  EXPECT_EQ(registry->tag, "1.36");
  // Docker Hub names as Docker shows them: an archive tagged docker.io/acme/web runs as acme/web.
  for (auto [given, stored] : std::vector<std::pair<const char*, const char*>>{
           {"docker.io/acme/web:latest", "acme/web:latest"},
           {"docker.io/library/busybox:1.36", "busybox:1.36"},
           {"index.docker.io/library/busybox", "busybox:latest"},
           {"registry-1.docker.io/acme/web:2", "acme/web:2"},
           {"docker.io/library/team/app:1", "library/team/app:1"},
           {"quay.io/library/busybox:1", "quay.io/library/busybox:1"},
           {"docker.io.example.com/acme/web:1", "docker.io.example.com/acme/web:1"}}) {
    auto parsed = ParseImageReference(given, "image");
    ASSERT_TRUE(parsed.ok()) << given;
    EXPECT_EQ(parsed->ToString(), stored) << given;
  }
  for (const char* bad : {"", "Upper", "a:b:c", "bad tag:x", "-x", "a//b"}) {
    EXPECT_FALSE(ParseImageReference(bad, "header.reference").ok()) << bad;
  }
}

TEST(SignalNamesTest, NamesAndNumbers) {
  EXPECT_EQ(ParseSignal("TERM"), 15);
  EXPECT_EQ(ParseSignal("SIGKILL"), 9);
  EXPECT_EQ(ParseSignal("hup"), 1);
  EXPECT_EQ(ParseSignal("10"), 10);
  EXPECT_EQ(ParseSignal("NOPE"), 0);
  EXPECT_EQ(ParseSignal("0"), 0);
  EXPECT_EQ(ParseSignal("999"), 0);
}

}  // namespace
}  // namespace boxcar
