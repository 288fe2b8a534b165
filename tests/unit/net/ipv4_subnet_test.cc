#include "net/ipv4_subnet.h"

#include <gtest/gtest.h>

namespace boxcar {
namespace {

TEST(Ipv4SubnetTest, ParsesAndPrints) {
  auto subnet = ParseIpv4Subnet("10.88.0.0/16", "network.subnet");
  ASSERT_TRUE(subnet.ok()) << subnet.status().message();
  EXPECT_EQ(subnet->ToString(), "10.88.0.0/16");
  EXPECT_EQ(FormatIpv4(subnet->FirstHost()), "10.88.0.1");
  EXPECT_EQ(FormatIpv4(subnet->LastHost()), "10.88.255.254");
  EXPECT_TRUE(subnet->Contains(*ParseIpv4Address("10.88.3.4", "ip")));
  EXPECT_FALSE(subnet->Contains(*ParseIpv4Address("10.89.0.1", "ip")));
}

TEST(Ipv4SubnetTest, RefusesBadSubnetsNamingTheField) {
  for (const char* text : {"10.88.0.1/16", "10.88.0.0", "10.88.0.0/31", "10.88.0.0/x", "nope/8"}) {
    auto subnet = ParseIpv4Subnet(text, "network.subnet");
    EXPECT_FALSE(subnet.ok()) << text;
    EXPECT_EQ(subnet.status().message().rfind("network.subnet:", 0), 0u)
        << subnet.status().message();
  }
}

TEST(Ipv4SubnetTest, LowestFreeAddressSkipsGatewayAndLeasesUntilFull) {
  auto subnet = *ParseIpv4Subnet("10.0.0.0/29", "s");  // hosts .1 - .6
  uint32_t gateway = subnet.FirstHost();
  std::set<uint32_t> taken;
  for (int i = 0; i < 5; ++i) {
    auto address = LowestFreeAddress(subnet, gateway, taken, "n");
    ASSERT_TRUE(address.ok());
    EXPECT_EQ(FormatIpv4(*address), "10.0.0." + std::to_string(i + 2));
    taken.insert(*address);
  }
  auto full = LowestFreeAddress(subnet, gateway, taken, "n");
  EXPECT_EQ(full.status().code(), StatusCode::kResourceExhausted);
  EXPECT_NE(full.status().message().find("no free address"), std::string::npos);
  taken.erase(*ParseIpv4Address("10.0.0.4", "ip"));
  EXPECT_EQ(FormatIpv4(*LowestFreeAddress(subnet, gateway, taken, "n")), "10.0.0.4");
}

TEST(Ipv4SubnetTest, ChooseLeaseAddressChecksAGivenIpNamingItsField) {
  auto subnet = *ParseIpv4Subnet("10.0.0.0/29", "s");
  uint32_t gateway = subnet.FirstHost();
  std::set<uint32_t> taken = {*ParseIpv4Address("10.0.0.3", "ip")};
  EXPECT_EQ(FormatIpv4(*ChooseLeaseAddress(subnet, gateway, taken, "", "ip", "n")), "10.0.0.2");
  EXPECT_EQ(FormatIpv4(*ChooseLeaseAddress(subnet, gateway, taken, "10.0.0.5", "ip", "n")),
            "10.0.0.5");
  for (const char* outside : {"10.0.0.0", "10.0.0.1", "10.0.0.7", "10.0.1.2"}) {
    auto refused = ChooseLeaseAddress(subnet, gateway, taken, outside, "spec.network.ip", "n");
    EXPECT_EQ(refused.status().code(), StatusCode::kInvalidArgument) << outside;
    EXPECT_EQ(refused.status().message(), std::string("spec.network.ip: ") + outside +
                                              " is not a free host address of 10.0.0.0/29");
  }
  auto leased = ChooseLeaseAddress(subnet, gateway, taken, "10.0.0.3", "ip", "n");
  EXPECT_EQ(leased.status().code(), StatusCode::kFailedPrecondition);
  EXPECT_EQ(leased.status().message(), "ip: 10.0.0.3 is leased to another container");
  EXPECT_EQ(ChooseLeaseAddress(subnet, gateway, taken, "10.0.0.x", "ip", "n").status().code(),
            StatusCode::kInvalidArgument);
}

TEST(Ipv4SubnetTest, MacAddresses) {
  EXPECT_EQ(MacForAddress(*ParseIpv4Address("10.88.0.2", "ip")), "02:42:0a:58:00:02");
  EXPECT_TRUE(CheckMacAddress("02:00:00:00:00:77", "mac").ok());
  EXPECT_FALSE(CheckMacAddress("01:00:00:00:00:77", "mac").ok()) << "multicast";
  EXPECT_FALSE(CheckMacAddress("02:00:00:00:00", "mac").ok());
}

}  // namespace
}  // namespace boxcar
