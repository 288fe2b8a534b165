#include "net/container_name_files.h"

#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "../temp_dir.h"

namespace boxcar {
namespace {

std::string ReadFile(const std::string& path) {
  std::ifstream in(path);
  std::stringstream content;
  content << in.rdbuf();
  return content.str();
}

void WriteFile(const std::string& path, const std::string& content) {
  std::ofstream(path, std::ios::trunc) << content;
}

class ContainerEtcFilesOnDiskTest : public ::testing::Test {
 protected:
  void SetUp() override { ASSERT_NO_FATAL_FAILURE(MakeTempDir("/tmp/boxcar-etc-XXXXXX", &dir_)); }
  void TearDown() override { std::filesystem::remove_all(dir_); }
  std::string dir_;
};

TEST(ContainerNameFilesTest, HostsListsLoopbackThenEntries) {
  EXPECT_EQ(HostsFileContent({{"10.88.0.2", {"web", "abc"}}}),
            "127.0.0.1\tlocalhost\n::1\tlocalhost ip6-localhost ip6-loopback\n"
            "10.88.0.2\tweb\tabc\n");
}

TEST(ContainerNameFilesTest, ExtraHostsParseNameAndAddressOrNameTheField) {
  auto v4 = ParseExtraHost("db:192.0.2.9", "spec.network.extra_hosts[0]");
  ASSERT_TRUE(v4.ok()) << v4.status().message();
  EXPECT_EQ(v4->ip, "192.0.2.9");
  EXPECT_EQ(v4->names, std::vector<std::string>{"db"});
  auto v6 = ParseExtraHost("v6host:2001:db8::1", "f");
  ASSERT_TRUE(v6.ok());
  EXPECT_EQ(v6->ip, "2001:db8::1");
  EXPECT_EQ(ParseExtraHost("eq=[::1]", "f")->ip, "::1");
  for (const char* bad : {"db", "db:999.1.1.1", ":192.0.2.1", "d b:192.0.2.1", "db:"}) {
    auto parsed = ParseExtraHost(bad, "spec.network.extra_hosts[1]");
    EXPECT_EQ(parsed.status().code(), StatusCode::kInvalidArgument) << bad;
    EXPECT_NE(parsed.status().message().find("spec.network.extra_hosts[1]"), std::string::npos)
        << parsed.status().message();
  }
  EXPECT_EQ(ExtraHostsOf({"a:192.0.2.1", "bad"}).size(), 1u);
  EXPECT_FALSE(CheckResolvConfWord("two words", "spec.network.dns_search[0]").ok());
  EXPECT_TRUE(CheckResolvConfWord("ndots:2", "spec.network.dns_options[0]").ok());
}

TEST(ContainerNameFilesTest, ResolvConfDropsLoopbackResolversOrUsesTheSpecs) {
  const std::string host = "# generated\nnameserver 127.0.0.53\nnameserver 192.0.2.1\nsearch example\n";
  EXPECT_EQ(ResolvConfContent({}, host, true).content, "nameserver 192.0.2.1\nsearch example\n");
  EXPECT_FALSE(ResolvConfContent({}, host, true).used_fallback_nameservers);
}

TEST(ContainerNameFilesTest, ResolvConfWithDnsKeepsTheHostsSearchAndOptions) {
  const std::string host = "nameserver 192.0.2.1\nsearch example.org\noptions ndots:2 timeout:1\n";
  EXPECT_EQ(ResolvConfContent({{"198.51.100.1"}, {}, {}}, host, true).content,
            "nameserver 198.51.100.1\nsearch example.org\noptions ndots:2 timeout:1\n");
  // --dns-search and --dns-option replace the host's of their kind only.
  EXPECT_EQ(ResolvConfContent({{}, {"a.test", "b.test"}, {}}, host, true).content,
            "nameserver 192.0.2.1\noptions ndots:2 timeout:1\nsearch a.test b.test\n");
  EXPECT_EQ(ResolvConfContent({{}, {}, {"ndots:5"}}, host, true).content,
            "nameserver 192.0.2.1\nsearch example.org\noptions ndots:5\n");
}

TEST(ContainerNameFilesTest, ResolvConfFallsBackToPublicResolversWhenNoneIsLeft) {
  auto only_stub = ResolvConfContent({}, "nameserver 127.0.0.53\nsearch lan\n", true);
  EXPECT_EQ(only_stub.content, "nameserver 8.8.8.8\nnameserver 8.8.4.4\nsearch lan\n");
  EXPECT_TRUE(only_stub.used_fallback_nameservers);
  EXPECT_TRUE(ResolvConfContent({}, "", true).used_fallback_nameservers);
  // The host's own network namespace: its loopback resolver answers there, kept as is.
  auto host_network = ResolvConfContent({}, "nameserver 127.0.0.53\nsearch lan\n", false);
  EXPECT_EQ(host_network.content, "nameserver 127.0.0.53\nsearch lan\n");
  EXPECT_FALSE(host_network.used_fallback_nameservers);
}

TEST_F(ContainerEtcFilesOnDiskTest, SystemdResolvedStubIsReplacedByItsUpstreamServers) {
  HostResolvConfPaths paths{dir_ + "/resolv.conf", dir_ + "/upstream.conf"};
  WriteFile(paths.resolv_conf, "nameserver 127.0.0.53\noptions edns0\n");
  WriteFile(paths.systemd_resolved, "nameserver 192.0.2.7\nsearch corp\n");
  EXPECT_EQ(ReadHostResolvConf(paths), "nameserver 192.0.2.7\nsearch corp\n");
  EXPECT_EQ(ResolvConfContent({}, ReadHostResolvConf(paths), true).content,
            "nameserver 192.0.2.7\nsearch corp\n");
  // A host with a real resolver keeps its own file; without the upstream file, the stub's.
  WriteFile(paths.resolv_conf, "nameserver 192.0.2.1\n");
  EXPECT_EQ(ReadHostResolvConf(paths), "nameserver 192.0.2.1\n");
  WriteFile(paths.resolv_conf, "nameserver 127.0.0.53\n");
  ::unlink(paths.systemd_resolved.c_str());
  EXPECT_EQ(ReadHostResolvConf(paths), "nameserver 127.0.0.53\n");
}

TEST_F(ContainerEtcFilesOnDiskTest, RewritesKeepTheInodeAndNeverFollowASymlink) {
  ASSERT_TRUE(CreateContainerEtcFiles(dir_).ok());
  struct stat before {};
  ASSERT_EQ(::stat((dir_ + "/hosts").c_str(), &before), 0);
  EXPECT_EQ(before.st_size, 0);
  ASSERT_TRUE(WriteContainerEtcFile(dir_, kHostsFile, "a long first content\n").ok());
  ASSERT_TRUE(WriteContainerEtcFile(dir_, kHostsFile, "short\n").ok());
  struct stat after {};
  ASSERT_EQ(::stat((dir_ + "/hosts").c_str(), &after), 0);
  EXPECT_EQ(after.st_ino, before.st_ino) << "a bind mount of the file would keep the old inode";
  EXPECT_EQ(ReadFile(dir_ + "/hosts"), "short\n");
  // Created again: the content stays.
  ASSERT_TRUE(CreateContainerEtcFiles(dir_).ok());
  EXPECT_EQ(ReadFile(dir_ + "/hosts"), "short\n");
  WriteFile(dir_ + "/target", "host file\n");
  ASSERT_EQ(::symlink((dir_ + "/target").c_str(), (dir_ + "/evil").c_str()), 0);
  EXPECT_FALSE(WriteContainerEtcFile(dir_, "evil", "x\n").ok());
  EXPECT_EQ(ReadFile(dir_ + "/target"), "host file\n");
}

}  // namespace
}  // namespace boxcar
