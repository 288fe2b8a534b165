// Runs Debian's docker-registry (Distribution 2.8) for one test: a free loopback port, a
// temporary config and storage, optionally htpasswd Basic auth, token auth against a token
// service the test runs, and TLS with a test CA; stopped (and its files removed) on teardown.
#pragma once

#include <sys/types.h>

#include <string>

namespace boxcar::testing {

struct RegistryServerOptions {
  // htpasswd Basic auth with this user (bcrypt, made by `htpasswd -B`).
  std::string basic_user;
  std::string basic_password;
  // TLS with a certificate for 127.0.0.1 signed by a test CA (ca_file()).
  bool tls = false;
  // Token auth: the token service's realm URL and the PEM of the key its JWTs are signed with.
  std::string token_realm;
  std::string token_cert_file;
};

class RegistryServer {
 public:
  RegistryServer();
  ~RegistryServer();  // stops it, removes its work dir

  // Starts it and waits until it answers; false (with log()) when it does not.
  bool Start(const RegistryServerOptions& options = {});
  // SIGTERM, or SIGKILL with `kill9`; the storage is kept for a later Start.
  void Stop(bool kill9 = false);
  bool running() const { return pid_ > 0; }

  // "127.0.0.1:<port>".
  const std::string& host() const { return host_; }
  const std::string& work_dir() const { return work_dir_; }
  // The test CA (PEM) when tls.
  std::string ca_file() const { return work_dir_ + "/ca.pem"; }
  std::string log() const;

 private:
  std::string work_dir_;
  std::string host_;
  int port_ = 0;
  pid_t pid_ = 0;
};

// fixtures/registry-token-service.py on a free loopback port: grants the scopes asked for to
// one user, as JWTs the registry verifies with cert_file().
class TokenService {
 public:
  TokenService();
  ~TokenService();
  bool Start(const std::string& user, const std::string& password);
  std::string realm() const { return "http://127.0.0.1:" + std::to_string(port_) + "/token"; }
  std::string cert_file() const { return work_dir_ + "/token.pem"; }
  std::string log() const;

 private:
  std::string work_dir_;
  int port_ = 0;
  pid_t pid_ = 0;
};

// A free TCP port on 127.0.0.1 (bound to port 0, read back, closed).
int FreeLoopbackPort();
// Waits up to `seconds` until something accepts connections on 127.0.0.1:`port`.
bool WaitForPort(int port, int seconds);
// Runs `command` with /bin/sh; its exit code, output in `*out` when given.
int Shell(const std::string& command, std::string* out = nullptr);

}  // namespace boxcar::testing
