// The OpenStack fixture (tests/fixtures/openstack/up|down) for gtest: one Keystone + Glance
// per test binary, in a temporary state directory, stopped and removed at exit (also when a
// test fails). Its env file is read into a map.
#pragma once

#include <gtest/gtest.h>

#include <map>
#include <string>

#include "glance/glance_client.h"
#include "openstack/keystone_credentials.h"

namespace boxcar::testing {

class OpenStackFixture : public ::testing::Environment {
 public:
  void SetUp() override;
  void TearDown() override;
  // A value of the env file ("OS_FIXTURE_AUTH_URL"...); fails the test when missing.
  static std::string Get(const std::string& key);
  // Password credentials of tenant "A", "B" or "admin".
  static openstack::KeystoneCredentials Credentials(const std::string& who);
  // A Glance client authenticated with Credentials(who) (a test failure when Keystone refuses).
  static glance::GlanceClient Client(const std::string& who);
  static const std::string& state_dir();
  // The process group of glance-api (its pid), to kill it mid-transfer.
  static int GlanceProcessGroup();
  // Starts glance-api again (tests/fixtures/openstack/restart-glance); false on failure.
  static bool RestartGlance();

 private:
  static std::string state_dir_;
  static std::map<std::string, std::string> env_;
};

// Runs `command` through /bin/sh; its exit status.
int RunShell(const std::string& command);

}  // namespace boxcar::testing
