// A test CA and a server certificate for 127.0.0.1 (and localhost) that it signed, made with the
// openssl CLI: for tests of TLS with a private CA (registry_harness.h, glance/glance_tls_test.cc).
#pragma once

#include <string>

namespace boxcar::testing {

// Writes ca.pem (the CA), server.pem and server.key into `dir`; false on failure, with
// openssl's output in dir/tls.log.
bool MakeTestCa(const std::string& dir);

}  // namespace boxcar::testing
