#include "net/subnet_allocator.h"

#include <gtest/gtest.h>

namespace boxcar {
namespace {

Ipv4Subnet Subnet(const std::string& text) {
  auto subnet = ParseIpv4Subnet(text, "test");
  EXPECT_TRUE(subnet.ok()) << subnet.status().message();
  return subnet.ok() ? *subnet : Ipv4Subnet{};
}

// A prefix of any length (a host route /32, a VPN's 0.0.0.0/1), as the host's table has them.
Ipv4Subnet Prefix(const std::string& address, int length) {
  return {*ParseIpv4Address(address, "test"), length};
}

std::string Chosen(const std::vector<AddressPool>& pools, const std::vector<Ipv4Subnet>& taken) {
  auto chosen = ChooseFreeSubnet(pools, taken);
  return chosen.ok() ? chosen->ToString() : chosen.status().message();
}

TEST(SubnetAllocatorTest, DefaultPoolsAreDockers) {
  std::vector<AddressPool> pools = DefaultAddressPools();
  ASSERT_EQ(pools.size(), 16u);
  EXPECT_EQ(pools.front().ToString(), "base=172.17.0.0/16,size=16");
  EXPECT_EQ(pools[14].ToString(), "base=172.31.0.0/16,size=16");
  EXPECT_EQ(pools.back().ToString(), "base=192.168.0.0/16,size=20");
  EXPECT_EQ(Chosen(pools, {}), "172.17.0.0/16");
}

TEST(SubnetAllocatorTest, SkipsSubnetsOfOtherNetworks) {
  const auto pools = DefaultAddressPools();
  // A network inside a pool's subnet takes all of it, as does one holding it.
  EXPECT_EQ(Chosen(pools, {Subnet("172.17.0.0/16"), Subnet("172.18.5.0/24")}), "172.19.0.0/16");
  EXPECT_EQ(Chosen(pools, {Subnet("172.16.0.0/14")}), "172.20.0.0/16");
  // Networks outside the pools (boxcar0's 10.88.0.0/16) change nothing.
  EXPECT_EQ(Chosen(pools, {Subnet("10.88.0.0/16"), Subnet("172.16.0.0/16")}), "172.17.0.0/16");
}

TEST(SubnetAllocatorTest, SkipsHostRoutesAndAddresses) {
  const auto pools = DefaultAddressPools();
  // A route over all of 172.16/12 sends it to 192.168/16, cut into /20s; a host route (/32)
  // or an address's subnet within a /20 takes that /20.
  EXPECT_EQ(Chosen(pools, {Subnet("172.16.0.0/12")}), "192.168.0.0/20");
  EXPECT_EQ(Chosen(pools,
                   {Subnet("172.16.0.0/12"), Subnet("192.168.1.0/24"), Prefix("192.168.16.5", 32)}),
            "192.168.32.0/20");
  // As Docker: a route over half the address space (a VPN's 128.0.0.0/1) covers every pool.
  auto covered = ChooseFreeSubnet(pools, {Prefix("128.0.0.0", 1)});
  EXPECT_EQ(covered.status().code(), StatusCode::kResourceExhausted);
}

TEST(SubnetAllocatorTest, ExhaustedPoolsAreRefusedInDockersWords) {
  auto none =
      ChooseFreeSubnet(DefaultAddressPools(), {Subnet("172.16.0.0/12"), Subnet("192.168.0.0/16")});
  ASSERT_FALSE(none.ok());
  EXPECT_EQ(none.status().code(), StatusCode::kResourceExhausted);
  const std::string& message = none.status().message();
  EXPECT_EQ(message.rfind("network.subnet: could not find an available, non-overlapping IPv4 "
                          "address pool among the defaults to assign to the network",
                          0),
            0u)
      << message;
  EXPECT_NE(message.find("--subnet"), std::string::npos) << message;
  EXPECT_NE(message.find("base=192.168.0.0/16,size=20"), std::string::npos) << message;
}

TEST(SubnetAllocatorTest, ConfiguredPoolsAreCutBySizeInOrder) {
  auto small = ParseAddressPool("base=10.10.0.0/16,size=24", "pool");
  ASSERT_TRUE(small.ok()) << small.status().message();
  auto wide = ParseAddressPool("base=10.0.0.0/8,size=30", "pool");
  ASSERT_TRUE(wide.ok()) << wide.status().message();
  EXPECT_EQ(Chosen({*small}, {Subnet("10.10.0.0/24"), Subnet("10.10.1.128/25")}), "10.10.2.0/24");
  // The first pool full: the second. A large taken prefix is stepped over at once.
  EXPECT_EQ(Chosen({*small, *wide}, {Subnet("10.10.0.0/16"), Subnet("10.0.0.0/9")}),
            "10.128.0.0/30");
  // The last subnet of the address space is reachable (no overflow past 255.255.255.255).
  auto top = ParseAddressPool("base=255.255.255.0/24,size=30", "pool");
  ASSERT_TRUE(top.ok()) << top.status().message();
  EXPECT_EQ(Chosen({*top}, {Subnet("255.255.255.0/25"), Subnet("255.255.255.128/26"),
                            Subnet("255.255.255.192/27"), Subnet("255.255.255.224/28"),
                            Subnet("255.255.255.240/29"), Subnet("255.255.255.248/30")}),
            "255.255.255.252/30");
  EXPECT_EQ(ChooseFreeSubnet({*top}, {Subnet("255.255.255.0/24")}).status().code(),
            StatusCode::kResourceExhausted);
}

TEST(SubnetAllocatorTest, BadPoolsAreRefusedNamingTheField) {
  for (const char* text :
       {"10.10.0.0/16", "base=10.10.0.0/16", "size=24,base=10.10.0.0/16",
        "base=10.10.0.0/16,size=", "base=10.10.0.0/16,size=24x", "base=10.10.0.1/16,size=24",
        "base=10.10.0.0/16,size=12", "base=10.10.0.0/16,size=31"}) {
    auto pool = ParseAddressPool(text, "--default-address-pool");
    EXPECT_FALSE(pool.ok()) << text;
    EXPECT_EQ(pool.status().message().rfind("--default-address-pool", 0), 0u)
        << pool.status().message();
  }
  EXPECT_NE(ParseAddressPool("base=10.10.0.0/16,size=12", "p")
                .status()
                .message()
                .find("p.size: 12 must be 16 to 30"),
            std::string::npos);
}

TEST(SubnetAllocatorTest, HostOverlapNamesTheRouteOrAddressAndSkipsOwnBridges) {
  const std::vector<HostIpv4Prefix> host = {
      {Subnet("198.18.0.0/24"), "eth0", false},
      {Subnet("10.201.0.0/24"), "bx-tnet", false},
      {Subnet("10.250.0.0/24"), "lan0", true, *ParseIpv4Address("10.250.0.1", "test")},
  };
  const std::set<std::string> own = {"bx-tnet"};
  EXPECT_FALSE(FindHostOverlap(Subnet("10.252.0.0/24"), host, own));
  // The agent's own bridges are checked as its networks, not here.
  EXPECT_FALSE(FindHostOverlap(Subnet("10.201.0.0/16"), host, own));
  auto inside = FindHostOverlap(Subnet("198.18.0.128/25"), host, own);
  ASSERT_TRUE(inside);
  EXPECT_EQ(inside->ToString(), "route 198.18.0.0/24 on eth0");
  auto holding = FindHostOverlap(Subnet("10.250.0.0/16"), host, own);
  ASSERT_TRUE(holding);
  EXPECT_EQ(holding->ToString(), "address 10.250.0.1/24 on lan0");
}

}  // namespace
}  // namespace boxcar
