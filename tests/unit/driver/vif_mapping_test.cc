#include "core/vif_mapping.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace boxcar::nova {
namespace {

using ::testing::ElementsAre;

VifRequest BridgeVif() {
  VifRequest vif;
  vif.id = "5e9d1f3a-0a6e-4a43-9e8b-3f1c2d4e5f60";
  vif.type = "bridge";
  vif.mac_address = "fa:16:3e:12:34:56";
  vif.bridge = "brq5e9d1f3a-0a";
  vif.mtu = 1450;
  vif.addresses = {"192.168.50.10/24", "2001:db8::10/64"};
  vif.gateway_v4 = "192.168.50.1";
  return vif;
}

TEST(VifMappingTest, ABridgeVifBecomesAVethOnThatBridge) {
  VifRequest second = BridgeVif();
  second.devname = "tapcustom";
  auto plans = PlanInterfaces({BridgeVif(), second});
  ASSERT_TRUE(plans.ok()) << plans.status().message();
  ASSERT_EQ(plans->size(), 2u);
  const InterfacePlan& first = (*plans)[0];
  EXPECT_EQ(first.host_ifname, "tap5e9d1f3a-0a");
  EXPECT_EQ(first.container_ifname, "eth0");
  EXPECT_EQ(first.bridge, "brq5e9d1f3a-0a");
  EXPECT_EQ(first.mac_address, "fa:16:3e:12:34:56");
  EXPECT_EQ(first.mtu, 1450u);
  EXPECT_THAT(first.addresses, ElementsAre("192.168.50.10/24", "2001:db8::10/64"));
  EXPECT_EQ(first.gateway_v4, "192.168.50.1");
  EXPECT_EQ((*plans)[1].host_ifname, "tapcustom");
  EXPECT_EQ((*plans)[1].container_ifname, "eth1");
}

TEST(VifMappingTest, WhatCannotBePluggedIsRefusedNamingTheVif) {
  struct Case {
    const char* what;
    std::function<void(VifRequest&)> change;
    const char* message;
  } cases[] = {
      {"ovs", [](VifRequest& v) { v.type = "ovs"; }, "vif_type 'ovs' is not supported"},
      {"mac", [](VifRequest& v) { v.mac_address = "fa:16:3e:12:34"; }, "is not a MAC address"},
      {"bridge", [](VifRequest& v) { v.bridge.clear(); }, "without network.bridge"},
      {"mtu", [](VifRequest& v) { v.mtu = 20; }, "mtu 20 is not 68..65535"},
      {"cidr", [](VifRequest& v) { v.addresses = {"192.168.50.10"}; }, "is not ADDRESS/PREFIX"},
      {"prefix", [](VifRequest& v) { v.addresses = {"192.168.50.10/33"}; }, "ADDRESS/PREFIX"},
      {"devname", [](VifRequest& v) { v.devname = "tap-name-far-too-long"; }, "15 characters"},
  };
  for (const auto& c : cases) {
    VifRequest vif = BridgeVif();
    c.change(vif);
    auto plans = PlanInterfaces({BridgeVif(), vif});
    EXPECT_EQ(plans.status().code(), StatusCode::kInvalidArgument) << c.what;
    EXPECT_NE(plans.status().message().find("vifs[1] (port 5e9d1f3a"), std::string::npos)
        << plans.status().message();
    EXPECT_NE(plans.status().message().find(c.message), std::string::npos)
        << c.what << ": " << plans.status().message();
  }
}

}  // namespace
}  // namespace boxcar::nova
