// IsInterfaceName (net/route_socket.h): the one check of link names a caller gives (a
// network's bridge, a VIF's bridge and host end).
#include <gtest/gtest.h>

#include "net/route_socket.h"

namespace boxcar {
namespace {

TEST(InterfaceNameTest, WhatTheKernelTakesAndNothingElse) {
  for (const char* good : {"eth0", "bx-web", "tap1234abcd-12", "br.100", "a", "123456789012345"}) {
    EXPECT_TRUE(IsInterfaceName(good)) << good;
  }
  for (const char* bad :
       {"", ".", "..", "a b", "a/b", "a:1", "tab\there", "new\nline", "1234567890123456"}) {
    EXPECT_FALSE(IsInterfaceName(bad)) << bad;
  }
}

}  // namespace
}  // namespace boxcar
