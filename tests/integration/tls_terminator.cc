#include "tls_terminator.h"

#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <vector>

#include "agent_harness.h"
#include "registry_harness.h"

namespace boxcar::testing {

bool TlsTerminator::Start(int backend_port, const std::string& pki_dir) {
  port_ = FreeLoopbackPort();
  pid_ = Spawn({"/usr/bin/setsid", "/usr/bin/socat",
                "OPENSSL-LISTEN:" + std::to_string(port_) + ",bind=127.0.0.1,reuseaddr,fork,cert=" +
                    pki_dir + "/server.pem,key=" + pki_dir + "/server.key,verify=0",
                "TCP:127.0.0.1:" + std::to_string(backend_port)},
               pki_dir + "/socat.log", pki_dir + "/socat.log");
  return pid_ > 0 && WaitForPort(port_, 10);
}

bool TlsTerminator::Stop() {
  if (pid_ <= 0) return true;
  ::kill(-pid_, SIGTERM);
  ::waitpid(pid_, nullptr, 0);
  for (int i = 0; i < 100 && ::kill(-pid_, 0) == 0; ++i) ::usleep(20000);
  if (::kill(-pid_, 0) == 0) ::kill(-pid_, SIGKILL);
  const bool gone = ::kill(-pid_, 0) != 0;
  pid_ = 0;
  return gone;
}

int PortOf(const std::string& url) { return std::stoi(url.substr(url.rfind(':') + 1)); }

}  // namespace boxcar::testing
