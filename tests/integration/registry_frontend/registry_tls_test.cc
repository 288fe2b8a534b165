// boxcar-registry's own TLS (--tls-cert / --tls-key): a throw-away CA and a server certificate
// for 127.0.0.1 made here with the openssl CLI; skopeo push and pull verifying it through a
// cert dir, podman's login / push / pull through --cert-dir, the agent's login / push / pull
// through --ca-file, a plain HTTP client on the TLS
// port answered 400, and the start-up refusals (a non-loopback address without a
// certificate, a key that is not the certificate's, a certificate without its key).
#include <gtest/gtest.h>
#include <stdlib.h>

#include <fstream>
#include <sstream>
#include <string>

#include "agent_harness.h"
#include "registry_frontend_fixture.h"

namespace boxcar::testing {
namespace {

// A CA, a server certificate signed by it for IP 127.0.0.1 and "localhost", a key that
// belongs to neither, and a skopeo cert dir (certs/ca.crt); removed on destruction.
class ThrowAwayPki {
 public:
  ThrowAwayPki() {
    char dir[] = "/tmp/boxcar-registry-tls.XXXXXX";
    if (mkdtemp(dir)) dir_ = dir;
    ok_ = !dir_.empty() &&
          RunShell("set -e; cd " + dir_ +
                   "; exec >openssl.log 2>&1;"
                   " openssl req -x509 -newkey rsa:2048 -nodes -keyout ca.key -out ca.crt -days 1"
                   "   -subj '/CN=boxcar registry test CA';"
                   " openssl req -newkey rsa:2048 -nodes -keyout server.key -out server.csr"
                   "   -subj '/CN=127.0.0.1';"
                   " printf 'subjectAltName=IP:127.0.0.1,DNS:localhost\\n"
                   "extendedKeyUsage=serverAuth\\n' > server.ext;"
                   " openssl x509 -req -in server.csr -CA ca.crt -CAkey ca.key -CAcreateserial"
                   "   -out server.crt -days 1 -extfile server.ext;"
                   " openssl genrsa -out other.key 2048;"
                   " mkdir certs; cp ca.crt certs/ca.crt") == 0;
  }
  ~ThrowAwayPki() {
    if (!dir_.empty()) RunShell("rm -rf " + dir_);
  }
  bool ok() const { return ok_; }
  std::string path(const std::string& name) const { return dir_ + "/" + name; }
  std::vector<std::string> ServerArgs() const {
    return {"--tls-cert", path("server.crt"), "--tls-key", path("server.key")};
  }

 private:
  std::string dir_;
  bool ok_ = false;
};

// Runs `command` through the shell; its standard output and error, or "" when it failed and
// `exit_code` is null.
std::string ShellOutput(const std::string& command, int* exit_code = nullptr) {
  char path[] = "/tmp/boxcar-registry-tls-out.XXXXXX";
  int fd = mkstemp(path);
  if (fd >= 0) ::close(fd);
  const int rc = RunShell("(" + command + ") >" + std::string(path) + " 2>&1");
  std::ifstream in(path);
  std::stringstream text;
  text << in.rdbuf();
  ::unlink(path);
  if (exit_code) *exit_code = rc;
  return text.str();
}

using RegistryTlsTest = RegistryFrontendTest;

TEST_F(RegistryTlsTest, SkopeoAndTheAgentPushAndPullOverVerifiedTls) {
  ThrowAwayPki pki;
  ASSERT_TRUE(pki.ok()) << ShellOutput("cat " + pki.path("openssl.log"));
  RegistryProcess tls;
  ASSERT_TRUE(tls.Start(pki.ServerArgs())) << tls.log();
  ASSERT_EQ(tls.url().rfind("https://", 0), 0u);
  EXPECT_NE(tls.log().find("HTTPS"), std::string::npos) << tls.log();

  // curl: verified against the CA, the challenge's realm is https; plain HTTP is a clear 400.
  const std::string challenge = ShellOutput("curl -sS -D - -o /dev/null --cacert " +
                                            pki.path("ca.crt") + " " + tls.url() + "/v2/");
  EXPECT_NE(challenge.find("HTTP/1.1 401"), std::string::npos) << challenge;
  EXPECT_NE(challenge.find("realm=\"https://" + tls.host() + "/token\""), std::string::npos)
      << challenge;
  auto plain = Http("GET", "http://" + tls.host() + "/v2/");
  EXPECT_EQ(plain.status, 400);
  EXPECT_NE(plain.body.find("plain HTTP request on the TLS port"), std::string::npos) << plain.body;
  int unverified = 0;
  const std::string unknown_ca = ShellOutput("curl -sS " + tls.url() + "/v2/", &unverified);
  EXPECT_NE(unverified, 0) << "a client without the CA must not trust the certificate";
  EXPECT_NE(unknown_ca.find("certificate"), std::string::npos) << unknown_ca;

  // skopeo with TLS verification on, trusting the CA through a cert dir: push, pull back,
  // byte-identical.
  const std::string certs = pki.path("certs");
  const std::string reference = "docker://" + tls.host() + "/tenanta/tls:1";
  int pushed = 0;
  const std::string push_log = ShellOutput(
      "skopeo copy --dest-cert-dir " + certs +
          " --dest-creds alice:alice-secret oci:" + images_dir_ + "/oci:latest " + reference,
      &pushed);
  ASSERT_EQ(pushed, 0) << push_log << tls.log();
  RunShell("rm -rf " + images_dir_ + "/tls-back");
  int pulled = 0;
  const std::string pull_log =
      ShellOutput("skopeo copy --src-cert-dir " + certs + " --src-creds alice:alice-secret " +
                      reference + " oci:" + images_dir_ + "/tls-back:latest",
                  &pulled);
  ASSERT_EQ(pulled, 0) << pull_log << tls.log();
  ExpectSameBlobs(images_dir_ + "/tls-back");
  int untrusted = 0;
  const std::string untrusted_log =
      ShellOutput("skopeo inspect --creds alice:alice-secret " + reference, &untrusted);
  EXPECT_NE(untrusted, 0) << "skopeo without the CA must refuse the certificate";
  EXPECT_NE(untrusted_log.find("certificate"), std::string::npos) << untrusted_log;
  EXPECT_EQ(RegistryImages("A", "manifest", "tenanta/tls").size(), 1u);

  // podman trusting the CA through --cert-dir: login, push, pull (its own storage, vfs).
  const std::string dir = images_dir_ + "/podman-tls";
  const std::string podman = "REGISTRY_AUTH_FILE=" + dir + "/auth.json podman --root " + dir +
                             "/root --runroot " + dir + "/run --storage-driver vfs ";
  const std::string podman_ref = tls.host() + "/tenanta/tls-podman:1";
  ASSERT_EQ(RunShell("rm -rf " + dir + "; mkdir -p " + dir), 0);
  int podman_exit = 0;
  std::string podman_log =
      ShellOutput(podman + "login --cert-dir " + certs + " -u alice -p alice-secret " + tls.host(),
                  &podman_exit);
  ASSERT_EQ(podman_exit, 0) << podman_log << tls.log();
  podman_log =
      ShellOutput("skopeo copy -q oci:" + images_dir_ + "/oci:latest 'containers-storage:[vfs@" +
                      dir + "/root+" + dir + "/run]" + podman_ref + "'",
                  &podman_exit);
  ASSERT_EQ(podman_exit, 0) << podman_log;
  podman_log = ShellOutput(podman + "push " + podman_ref, &podman_exit);
  EXPECT_NE(podman_exit, 0) << "podman pushed over TLS without trusting the CA";
  EXPECT_NE(podman_log.find("certificate"), std::string::npos) << podman_log;
  podman_log = ShellOutput(podman + "push --cert-dir " + certs + " " + podman_ref, &podman_exit);
  ASSERT_EQ(podman_exit, 0) << podman_log << tls.log();
  ASSERT_EQ(RunShell(podman + "rmi -a -f >/dev/null 2>&1"), 0);
  podman_log = ShellOutput(podman + "pull --cert-dir " + certs + " " + podman_ref, &podman_exit);
  ASSERT_EQ(podman_exit, 0) << podman_log << tls.log();
  EXPECT_EQ(RegistryImages("A", "manifest", "tenanta/tls-podman").size(), 1u);
  RunShell(podman + "rmi -a -f >/dev/null 2>&1; rm -rf " + dir);

  // The agent: login, push and pull over https with --ca-file (its loopback probe over plain
  // HTTP gets the 400 and moves to https); without the CA the pull is refused.
  AgentHarness agent;
  agent.Start();
  agent.ImportBusybox();
  const std::string ca = pki.path("ca.crt");
  const std::string boxcar_ref = tls.host() + "/tenanta/tls-busybox:1";
  CommandResult login =
      agent.Cli({"login", tls.host(), "-u", "alice", "-p", "alice-secret", "--ca-file", ca});
  ASSERT_EQ(login.exit_code, 0) << login.err << tls.log();
  CommandResult push = agent.Cli({"image", "push", "busybox:latest", boxcar_ref, "--ca-file", ca});
  ASSERT_EQ(push.exit_code, 0) << push.err << tls.log();
  ASSERT_EQ(agent.Cli({"image", "rm", "busybox:latest"}).exit_code, 0);
  CommandResult refused = agent.Cli({"image", "pull", "-q", boxcar_ref});
  EXPECT_NE(refused.exit_code, 0) << "pulled over TLS without trusting the CA";
  CommandResult pull = agent.Cli({"image", "pull", "-q", boxcar_ref, "--ca-file", ca});
  ASSERT_EQ(pull.exit_code, 0) << pull.err << tls.log();
  CommandResult run = agent.Cli({"run", "--rm", boxcar_ref, "echo", "over-tls"});
  EXPECT_EQ(run.exit_code, 0) << run.err;
  EXPECT_NE(run.out.find("over-tls"), std::string::npos) << run.out;
  agent.RemoveAllContainers();
  const std::string log = tls.log();
  for (const char* secret : {"alice-secret", "BEGIN"}) {
    EXPECT_EQ(log.find(secret), std::string::npos) << "the registry logged a secret";
  }
}

TEST_F(RegistryTlsTest, StartRefusesNonLoopbackWithoutTlsAndBadCertificates) {
  ThrowAwayPki pki;
  ASSERT_TRUE(pki.ok());
  // Refused while validating the flags: nothing is bound on a non-loopback address.
  RegistryProcess wide;
  EXPECT_FALSE(wide.Start({"--listen", "0.0.0.0"}));
  EXPECT_NE(wide.log().find("0.0.0.0 is not a loopback address"), std::string::npos) << wide.log();
  EXPECT_NE(wide.log().find("set --tls-cert and --tls-key"), std::string::npos) << wide.log();

  RegistryProcess half;
  EXPECT_FALSE(half.Start({"--tls-cert", pki.path("server.crt")}));
  EXPECT_NE(half.log().find("tls-key: missing"), std::string::npos) << half.log();

  RegistryProcess mismatched;
  EXPECT_FALSE(
      mismatched.Start({"--tls-cert", pki.path("server.crt"), "--tls-key", pki.path("other.key")}));
  EXPECT_NE(mismatched.log().find("tls-key '" + pki.path("other.key") + "'"), std::string::npos)
      << mismatched.log();

  RegistryProcess absent;
  EXPECT_FALSE(
      absent.Start({"--tls-cert", pki.path("nope.crt"), "--tls-key", pki.path("server.key")}));
  EXPECT_NE(absent.log().find("tls-cert '" + pki.path("nope.crt") + "'"), std::string::npos)
      << absent.log();
}

}  // namespace
}  // namespace boxcar::testing
