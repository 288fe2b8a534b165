#include "net/container_name_files.h"

#include <gtest/gtest.h>

namespace boxcar {
namespace {

TEST(ContainerNameFilesTest, HostsListsLoopbackThenEntries) {
  EXPECT_EQ(HostsFileContent({{"10.88.0.2", {"web", "abc"}}}),
            "127.0.0.1\tlocalhost\n::1\tlocalhost ip6-localhost ip6-loopback\n"
            "10.88.0.2\tweb\tabc\n");
}

TEST(ContainerNameFilesTest, ResolvConfDropsLoopbackResolversOrUsesTheSpecs) {
  const std::string host = "# generated\nnameserver 127.0.0.53\nnameserver 192.0.2.1\nsearch example\n";
  EXPECT_EQ(ResolvConfContent({}, host), "nameserver 192.0.2.1\nsearch example\n");
  EXPECT_EQ(ResolvConfContent({"198.51.100.1"}, host), "nameserver 198.51.100.1\n");
}

}  // namespace
}  // namespace boxcar
