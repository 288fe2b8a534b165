#include "distribution/registry/registry_reference.h"

#include <gtest/gtest.h>

namespace boxcar {
namespace {

TEST(RegistryReferenceTest, DockerHubDefaultsAndLibraryPrefix) {
  auto plain = ParseRegistryReference("busybox", "source");
  ASSERT_TRUE(plain.ok()) << plain.status().message();
  EXPECT_EQ(plain->registry, "docker.io");
  EXPECT_EQ(plain->repository, "library/busybox");
  EXPECT_EQ(plain->tag, "latest");
  EXPECT_EQ(plain->ApiHost(), "registry-1.docker.io");
  EXPECT_EQ(plain->StoreReference(), "busybox:latest");

  auto user = ParseRegistryReference("index.docker.io/team/app:1.2", "source");
  ASSERT_TRUE(user.ok());
  EXPECT_EQ(user->registry, "docker.io");
  EXPECT_EQ(user->repository, "team/app");
  EXPECT_EQ(user->StoreReference(), "team/app:1.2");
}

TEST(RegistryReferenceTest, HostsPortsTagsAndDigests) {
  const std::string digest = "sha256:" + std::string(64, 'a');
  auto full = ParseRegistryReference("127.0.0.1:5000/a/b_c/d.e:v-1@" + digest, "source");
  ASSERT_TRUE(full.ok()) << full.status().message();
  EXPECT_EQ(full->registry, "127.0.0.1:5000");
  EXPECT_EQ(full->repository, "a/b_c/d.e");
  EXPECT_EQ(full->tag, "v-1");
  EXPECT_EQ(full->digest, digest);
  EXPECT_EQ(full->ManifestKey(), digest);

  auto by_digest = ParseRegistryReference("localhost/app@" + digest, "source");
  ASSERT_TRUE(by_digest.ok());
  EXPECT_EQ(by_digest->registry, "localhost");
  EXPECT_EQ(by_digest->tag, "");
  EXPECT_EQ(by_digest->StoreReference(), "");

  auto host_port_only = ParseRegistryReference("registry.example.com:443/app", "source");
  ASSERT_TRUE(host_port_only.ok());
  EXPECT_EQ(host_port_only->StoreReference(), "registry.example.com:443/app:latest");
  // A first component without '.', ':' or "localhost" is a path, not a host.
  auto path = ParseRegistryReference("team/app", "source");
  ASSERT_TRUE(path.ok());
  EXPECT_EQ(path->registry, "docker.io");
}

TEST(RegistryReferenceTest, ErrorsNameTheFieldAndThePart) {
  auto upper = ParseRegistryReference("Busybox", "source");
  ASSERT_FALSE(upper.ok());
  EXPECT_NE(upper.status().message().find("source: 'Busybox'"), std::string::npos);
  EXPECT_NE(upper.status().message().find("component 'Busybox'"), std::string::npos);
  auto bad_tag = ParseRegistryReference("app:-x", "destination");
  ASSERT_FALSE(bad_tag.ok());
  EXPECT_NE(bad_tag.status().message().find("destination:"), std::string::npos);
  EXPECT_NE(bad_tag.status().message().find("tag '-x'"), std::string::npos);
  EXPECT_FALSE(ParseRegistryReference("app@sha256:abc", "source").ok());
  EXPECT_FALSE(ParseRegistryReference("", "source").ok());
  EXPECT_FALSE(ParseRegistryReference("host:5000/", "source").ok());
  EXPECT_FALSE(ParseRegistryReference("a//b", "source").ok());
  EXPECT_FALSE(ParseRegistryReference("a/b-/c", "source").ok());
  EXPECT_FALSE(ParseRegistryReference("host:port/app", "source").ok());
}

}  // namespace
}  // namespace boxcar
