#include "tls_fronted_cloud.h"

#include <stdlib.h>

#include "common/directory_tree.h"
#include "openstack_fixture.h"
#include "test_ca.h"

namespace boxcar::testing {

::testing::AssertionResult TlsFrontedCloud::Start() {
  char dir[] = "/tmp/boxcar-tls-cloud-XXXXXX";
  if (::mkdtemp(dir) == nullptr) return ::testing::AssertionFailure() << "mkdtemp failed";
  pki_dir_ = dir;
  if (!MakeTestCa(pki_dir_)) {
    return ::testing::AssertionFailure() << "openssl failed; see " << pki_dir_ << "/tls.log";
  }
  if (!keystone_.Start(PortOf(OpenStackFixture::Get("OS_FIXTURE_AUTH_URL")), pki_dir_) ||
      !glance_.Start(PortOf(OpenStackFixture::Get("OS_FIXTURE_GLANCE_URL")), pki_dir_)) {
    return ::testing::AssertionFailure()
           << "socat did not listen; see " << pki_dir_ << "/socat.log";
  }
  return ::testing::AssertionSuccess();
}

bool TlsFrontedCloud::Stop() {
  bool stopped = keystone_.Stop();
  stopped &= glance_.Stop();
  if (!pki_dir_.empty()) (void)RemoveTree(pki_dir_);
  pki_dir_.clear();
  return stopped;
}

std::string TlsFrontedCloud::KeystoneUrl() const {
  return "https://127.0.0.1:" + std::to_string(keystone_.port()) + "/v3";
}

std::string TlsFrontedCloud::GlanceUrl() const {
  return "https://127.0.0.1:" + std::to_string(glance_.port());
}

}  // namespace boxcar::testing
