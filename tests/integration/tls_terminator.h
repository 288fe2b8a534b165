// socat terminating TLS on a free loopback port and passing the bytes on to a plain backend, as
// a TLS front of Keystone or glance-api whose certificate a test CA signed (test_ca.h): for
// tests of clients that must trust a private CA (glance/tls_fronted_cloud.h puts one in front
// of the OpenStack fixture's Keystone and glance-api).
#pragma once

#include <sys/types.h>

#include <string>

namespace boxcar::testing {

class TlsTerminator {
 public:
  ~TlsTerminator() { Stop(); }
  // Listens with pki_dir/server.pem and server.key (MakeTestCa) in front of 127.0.0.1:
  // `backend_port`, in a session of its own so that its per-connection children stop with
  // it; false when it does not accept connections within 10 s (see pki_dir/socat.log).
  bool Start(int backend_port, const std::string& pki_dir);
  // Stops socat and every child it forked; true when none is left.
  bool Stop();
  int port() const { return port_; }

 private:
  int port_ = 0;
  pid_t pid_ = 0;
};

// The port of "http://127.0.0.1:PORT[/path]".
int PortOf(const std::string& url);

}  // namespace boxcar::testing
