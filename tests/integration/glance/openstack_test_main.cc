// main() of the test binaries that run against the real Keystone + glance-api: the stack
// starts once per binary (OpenStackFixture, a global test environment).
#include <gtest/gtest.h>

#include "openstack_fixture.h"

int main(int argc, char** argv) {
  ::testing::InitGoogleTest(&argc, argv);
  ::testing::AddGlobalTestEnvironment(new boxcar::testing::OpenStackFixture());
  return RUN_ALL_TESTS();
}
