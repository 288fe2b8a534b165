#include "core/container_devices.h"

#include <gtest/gtest.h>

namespace boxcar {
namespace {

v1::ContainerSpec SpecWith(std::vector<std::vector<std::string>> mappings) {
  v1::ContainerSpec spec;
  for (const auto& fields : mappings) {
    v1::DeviceMapping* mapping = spec.add_devices();
    mapping->set_host_path(fields.at(0));
    if (fields.size() > 1) mapping->set_container_path(fields[1]);
    if (fields.size() > 2) mapping->set_permissions(fields[2]);
  }
  return spec;
}

TEST(ContainerDevicesTest, NoMappingIsDockersDefaultRules) {
  auto devices = ResolveContainerDevices(v1::ContainerSpec());
  ASSERT_TRUE(devices.ok());
  EXPECT_TRUE(devices->nodes.empty());
  EXPECT_EQ(devices->rules.size(), DefaultDeviceRules().size());
}

TEST(ContainerDevicesTest, EachMappingAddsItsNodeAndARuleWithItsPermissions) {
  auto devices = ResolveContainerDevices(SpecWith({{"/dev/full", "/dev/f", "r"}, {"/dev/zero"}}));
  ASSERT_TRUE(devices.ok()) << devices.status().message();
  ASSERT_EQ(devices->nodes.size(), 2u);
  EXPECT_EQ(devices->nodes[0].target, "/dev/f");
  EXPECT_EQ(devices->nodes[0].type, 'c');
  EXPECT_EQ(devices->nodes[0].major, 1u);
  EXPECT_EQ(devices->nodes[0].minor, 7u);
  EXPECT_EQ(devices->nodes[1].target, "/dev/zero") << "the host path when none is given";
  const size_t defaults = DefaultDeviceRules().size();
  ASSERT_EQ(devices->rules.size(), defaults + 2);
  EXPECT_EQ(V1DeviceRuleLine(devices->rules[defaults]), "c 1:7 r");
  EXPECT_EQ(V1DeviceRuleLine(devices->rules[defaults + 1]), "c 1:5 rwm");
}

TEST(ContainerDevicesTest, BadMappingsNameTheField) {
  struct Case {
    std::vector<std::string> mapping;
    std::string field;
  } cases[] = {
      {{"/dev/no-such-node"}, "spec.devices[1].host_path"},
      {{"dev/null"}, "spec.devices[1].host_path"},
      {{"/etc/hostname"}, "spec.devices[1].host_path"},
      {{"/dev"}, "spec.devices[1].host_path"},
      {{"/dev/null", "null"}, "spec.devices[1].container_path"},
      {{"/dev/null", "/"}, "spec.devices[1].container_path"},
      {{"/dev/null", "/dev/n", "rwx"}, "spec.devices[1].permissions"},
      {{"/dev/null", "/dev/n", "rr"}, "spec.devices[1].permissions"},
  };
  for (const Case& bad : cases) {
    auto devices = ResolveContainerDevices(SpecWith({{"/dev/null"}, bad.mapping}));
    ASSERT_FALSE(devices.ok()) << bad.mapping[0];
    EXPECT_EQ(devices.status().code(), StatusCode::kInvalidArgument);
    EXPECT_EQ(devices.status().message().rfind(bad.field + ":", 0), 0u)
        << devices.status().message();
  }
}

}  // namespace
}  // namespace boxcar
