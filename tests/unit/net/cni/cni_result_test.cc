#include "net/cni/cni_result.h"

#include <gtest/gtest.h>

namespace boxcar {
namespace {

TEST(CniResultTest, TakesTheFirstIpv4AddressWithItsInterfacesMac) {
  // As bridge + host-local 1.1.1 return it (FACTS.md): bridge, host veth, container eth0.
  const std::string result = R"({"cniVersion": "1.0.0", "interfaces": [
      {"name": "cni0", "mac": "aa:aa:aa:aa:aa:01"},
      {"name": "veth1", "mac": "aa:aa:aa:aa:aa:02"},
      {"name": "eth0", "mac": "02:00:00:00:02:77", "sandbox": "/var/lib/boxcar/cni/netns/x"}],
    "ips": [{"interface": 2, "address": "fd00::5/64", "gateway": "fd00::1"},
            {"interface": 2, "address": "10.22.0.5/24", "gateway": "10.22.0.1"}],
    "routes": [{"dst": "0.0.0.0/0"}]})";
  CniResultAddress address = ParseCniResultAddress(result);
  EXPECT_EQ(address.ip, "10.22.0.5");
  EXPECT_EQ(address.prefix_length, 24u);
  EXPECT_EQ(address.gateway, "10.22.0.1");
  EXPECT_EQ(address.mac, "02:00:00:00:02:77");
}

TEST(CniResultTest, WithoutAnInterfaceIndexTheSandboxInterfacesMacAndEmptyWhenNothingFits) {
  CniResultAddress address = ParseCniResultAddress(R"({"interfaces": [{"name": "br", "mac": "x"},
      {"name": "eth0", "mac": "02:00:00:00:00:09", "sandbox": "/n"}],
      "ips": [{"address": "10.1.0.9/16"}]})");
  EXPECT_EQ(address.ip, "10.1.0.9");
  EXPECT_EQ(address.prefix_length, 16u);
  EXPECT_EQ(address.gateway, "");
  EXPECT_EQ(address.mac, "02:00:00:00:00:09");
  for (const char* unusable :
       {"", "{", "[]", R"({"ips": 3})", R"({"ips": [{"address": "fd00::2/64"}]})",
        R"({"ips": [{"address": "10.0.0.1"}], "interfaces": []})"}) {
    EXPECT_EQ(ParseCniResultAddress(unusable).ip, "") << unusable;
  }
  // An index past the interfaces falls back to the sandbox interface (none here).
  EXPECT_EQ(ParseCniResultAddress(R"({"ips": [{"interface": 7, "address": "10.0.0.2/8"}],
                                      "interfaces": [{"mac": "m"}]})")
                .mac,
            "");
}

}  // namespace
}  // namespace boxcar
