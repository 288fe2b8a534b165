// boxcar-registry for one test binary: started against the OpenStack fixture's Keystone on a
// free port (--port 0, read back from --port-file), state in a temporary directory that a
// restart keeps, stopped and removed on destruction. Plus small HTTP helpers for tests that
// speak the protocol directly.
#pragma once

#include <sys/types.h>

#include <map>
#include <string>
#include <vector>

namespace boxcar::testing {

class RegistryProcess {
 public:
  RegistryProcess();
  ~RegistryProcess();
  // Starts it (again, with the same state dir) with `extra_args` and `environment`
  // ("KEY=value", added to this process's); false when it does not come up within 10 s (see
  // log()). With "--tls-cert" among them, url() is https; a "--keystone-url" among them
  // replaces the fixture's.
  bool Start(const std::vector<std::string>& extra_args = {},
             const std::vector<std::string>& environment = {});
  void Stop(bool kill9 = false);
  // "127.0.0.1:PORT" and "http[s]://127.0.0.1:PORT".
  const std::string& host() const { return host_; }
  std::string url() const { return (tls_ ? "https://" : "http://") + host_; }
  pid_t pid() const { return pid_; }
  const std::string& state_dir() const { return state_dir_; }
  std::string log() const;

 private:
  std::string work_dir_;
  std::string state_dir_;
  std::string host_;
  bool tls_ = false;
  pid_t pid_ = 0;
};

struct HttpResult {
  long status = 0;
  std::string body;
  std::map<std::string, std::string> headers;  // lower-case names
  std::string Header(const std::string& name) const {
    auto it = headers.find(name);
    return it == headers.end() ? "" : it->second;
  }
};

HttpResult Http(const std::string& method, const std::string& url,
                const std::vector<std::string>& headers = {}, const std::string& body = "");
// A registry token from GET /token with Basic user:password and `scope`; "" on refusal.
std::string RegistryTokenFor(const RegistryProcess& registry, const std::string& user,
                             const std::string& password, const std::string& scope);
// errors[0].code of a spec error body, "" when the body is not one.
std::string ErrorCodeOf(const std::string& body);

}  // namespace boxcar::testing
