#include "shim/host_devices.h"

#include <gtest/gtest.h>

#include <algorithm>

namespace boxcar {
namespace {

TEST(HostDevicesTest, ListsTheHostsNodesButThoseTheContainerHasOfItsOwn) {
  std::vector<std::string> nodes = HostDeviceNodes();
  EXPECT_NE(std::find(nodes.begin(), nodes.end(), "null"), nodes.end());
  for (const std::string& node : nodes) {
    EXPECT_NE(node, "console");
    EXPECT_NE(node, "ptmx");
    for (const char* own : {"pts/", "shm/", "mqueue/", "fd/"})
      EXPECT_NE(node.rfind(own, 0), 0u) << node;
  }
}

}  // namespace
}  // namespace boxcar
