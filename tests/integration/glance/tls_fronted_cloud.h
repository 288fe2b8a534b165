// The OpenStack fixture's Keystone and glance-api behind TLS: a test CA (test_ca.h) in a
// temporary directory and a socat TlsTerminator in front of each, for tests of clients that
// must trust a private CA (glance_tls_test.cc, registry_frontend/registry_cloud_ca_test.cc).
#pragma once

#include <gtest/gtest.h>

#include <string>

#include "tls_terminator.h"

namespace boxcar::testing {

class TlsFrontedCloud {
 public:
  // Makes the CA and starts both terminators.
  ::testing::AssertionResult Start();
  // Stops both terminators (false when socat left a child) and removes the CA's directory.
  bool Stop();

  std::string KeystoneUrl() const;  // https://127.0.0.1:PORT/v3
  std::string GlanceUrl() const;    // https://127.0.0.1:PORT
  std::string CaFile() const { return pki_dir_ + "/ca.pem"; }
  const std::string& pki_dir() const { return pki_dir_; }

 private:
  std::string pki_dir_;
  TlsTerminator keystone_;
  TlsTerminator glance_;
};

}  // namespace boxcar::testing
