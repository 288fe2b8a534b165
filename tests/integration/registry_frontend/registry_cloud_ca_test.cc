// boxcar-registry in front of a cloud whose Keystone and glance-api sit behind TLS signed by a
// private CA (socat terminators with a test CA, tests/integration/tls_terminator.h): without
// the CA the start-up check logs an error and a login is refused with 503 UNAVAILABLE whose
// message (and the registry's log) names --os-cacert, as is a Glance call when only Glance's
// certificate is untrusted; with
// --os-cacert, or OS_CACERT, skopeo pushes and pulls through it, byte-identical, and the tag's
// bootable image is published (Glance through TLS from the publisher's thread too). Turning
// verification off (OS_INSECURE) and a CA file holding no certificate stop the start.
#include <gtest/gtest.h>

#include <fstream>
#include <sstream>
#include <string>

#include "agent_harness.h"
#include "registry_frontend_fixture.h"
#include "tls_fronted_cloud.h"

namespace boxcar::testing {
namespace {

// `command`'s standard output and error; its exit code in *exit_code.
std::string CommandOutput(const std::string& command, int* exit_code) {
  char path[] = "/tmp/boxcar-registry-cloud-ca-out.XXXXXX";
  const int fd = mkstemp(path);
  if (fd >= 0) ::close(fd);
  *exit_code = RunShell("(" + command + ") >" + std::string(path) + " 2>&1");
  std::ifstream in(path);
  std::stringstream text;
  text << in.rdbuf();
  ::unlink(path);
  return text.str();
}

class RegistryCloudCaTest : public RegistryFrontendTest {
 protected:
  static void SetUpTestSuite() {
    RegistryFrontendTest::SetUpTestSuite();
    cloud_ = new TlsFrontedCloud();
    ASSERT_TRUE(cloud_->Start());
  }
  static void TearDownTestSuite() {
    EXPECT_TRUE(cloud_->Stop()) << "socat left children";
    delete cloud_;
    RegistryFrontendTest::TearDownTestSuite();
  }

  static std::string KeystoneUrl() { return cloud_->KeystoneUrl(); }
  static std::string GlanceUrl() { return cloud_->GlanceUrl(); }
  static std::string CaFile() { return cloud_->CaFile(); }
  // Keystone and Glance both through TLS.
  static std::vector<std::string> CloudArgs() {
    return {"--keystone-url", KeystoneUrl(), "--glance-url", GlanceUrl()};
  }

  // skopeo pushes the fixture's image to `repository`:1 through `registry` and pulls it back:
  // the same blobs; the tag's bootable image shows up in Glance.
  void PushAndPull(const RegistryProcess& registry, const std::string& repository) {
    const std::string reference = "docker://" + registry.host() + "/" + repository + ":1";
    int exit_code = 0;
    std::string log = CommandOutput(
        "skopeo copy --dest-tls-verify=false --dest-creds alice:alice-secret oci:" + images_dir_ +
            "/oci:latest " + reference,
        &exit_code);
    ASSERT_EQ(exit_code, 0) << log << registry.log();
    const std::string back = images_dir_ + "/" + repository.substr(repository.find('/') + 1);
    RunShell("rm -rf " + back);
    log = CommandOutput("skopeo copy --src-tls-verify=false --src-creds alice:alice-secret " +
                            reference + " oci:" + back + ":latest",
                        &exit_code);
    ASSERT_EQ(exit_code, 0) << log << registry.log();
    ExpectSameBlobs(back);
    RunShell("rm -rf " + back);
    EXPECT_EQ(RegistryImages("A", "manifest", repository).size(), 1u);
    EXPECT_TRUE(WaitForBootableImage("A", repository, "1").has_value()) << registry.log();
    ExpectNoSecretIn(registry.log());
  }

  static void ExpectNoSecretIn(const std::string& log) {
    for (const char* secret : {"alice-secret", "BEGIN"}) {
      EXPECT_EQ(log.find(secret), std::string::npos) << "the registry logged a secret";
    }
  }

  static inline TlsFrontedCloud* cloud_ = nullptr;
};

TEST_F(RegistryCloudCaTest, WithoutTheCaLoginFailsNamingTheOption) {
  RegistryProcess registry;
  ASSERT_TRUE(registry.Start(CloudArgs())) << registry.log();
  // The start-up check tells the operator first (it starts all the same).
  for (const std::string& url : {KeystoneUrl(), GlanceUrl()}) {
    const size_t line =
        registry.log().find("error registry checking the cloud's certificate: GET " + url + ": ");
    ASSERT_NE(line, std::string::npos) << registry.log();
    const std::string text = registry.log().substr(line, registry.log().find('\n', line) - line);
    EXPECT_NE(text.find("--os-cacert FILE"), std::string::npos) << text;
  }

  // The token endpoint: 503 UNAVAILABLE, the message says what failed and which option of the
  // registry gives the CA.
  auto refused = Http("GET", registry.url() + "/token?service=boxcar-registry",
                      {"Authorization: Basic " + registry::Base64UrlEncode("alice:alice-secret")});
  EXPECT_EQ(refused.status, 503) << refused.body;
  EXPECT_EQ(ErrorCodeOf(refused.body), "UNAVAILABLE") << refused.body;
  for (const char* said :
       {"keystone login", "certificate", "boxcar-registry does not trust the cloud's certificate",
        "--os-cacert FILE", "OS_CACERT"}) {
    EXPECT_NE(refused.body.find(said), std::string::npos) << said << " not in " << refused.body;
  }
  EXPECT_NE(registry.log().find("--os-cacert FILE"), std::string::npos) << registry.log();

  // skopeo's push is refused (containers/image shows only the status of a refused token
  // request: the message is in the body and the log).
  int exit_code = 0;
  const std::string push = CommandOutput(
      "skopeo copy --dest-tls-verify=false --dest-creds alice:alice-secret oci:" + images_dir_ +
          "/oci:latest docker://" + registry.host() + "/tenanta/cloud-ca-none:1",
      &exit_code);
  EXPECT_NE(exit_code, 0) << push;
  EXPECT_NE(push.find("503"), std::string::npos) << push;
  EXPECT_TRUE(RegistryImages("A", "manifest", "tenanta/cloud-ca-none").empty());

  // boxcar login shows the registry's message.
  AgentHarness agent;
  agent.Start();
  CommandResult login = agent.Cli({"login", registry.host(), "-u", "alice", "-p", "alice-secret"});
  EXPECT_NE(login.exit_code, 0);
  EXPECT_NE(login.err.find("--os-cacert FILE"), std::string::npos) << login.err;
  ExpectNoSecretIn(registry.log());
}

TEST_F(RegistryCloudCaTest, ACaThatDidNotSignItIsNamed) {
  RegistryProcess registry;
  ASSERT_TRUE(registry.Start(CloudArgs(), {"OS_CACERT=/etc/ssl/certs/ca-certificates.crt"}))
      << registry.log();
  EXPECT_NE(registry.log().find("cloud CA /etc/ssl/certs/ca-certificates.crt"), std::string::npos)
      << registry.log();
  EXPECT_TRUE(RegistryTokenFor(registry, "alice", "alice-secret", "").empty());
  EXPECT_NE(registry.log().find(
                "signed neither by the CA in /etc/ssl/certs/ca-certificates.crt nor by the "
                "system's"),
            std::string::npos)
      << registry.log();
}

TEST_F(RegistryCloudCaTest, GlanceUntrustedAloneIsNamedToo) {
  // Keystone over plain HTTP (the fixture's), Glance behind TLS: the login works, the first
  // Glance call is refused naming the option.
  RegistryProcess registry;
  ASSERT_TRUE(registry.Start({"--glance-url", GlanceUrl()})) << registry.log();
  const std::string token =
      RegistryTokenFor(registry, "alice", "alice-secret", "repository:tenanta/cloud-ca:pull");
  ASSERT_FALSE(token.empty()) << registry.log();
  auto tags = Http("GET", registry.url() + "/v2/tenanta/cloud-ca/tags/list", {Bearer(token)});
  EXPECT_EQ(tags.status, 503) << tags.body;
  EXPECT_NE(tags.body.find("glance"), std::string::npos) << tags.body;
  EXPECT_NE(tags.body.find("--os-cacert FILE"), std::string::npos) << tags.body;
}

TEST_F(RegistryCloudCaTest, OsCacertFlagPushAndPull) {
  RegistryProcess registry;
  auto args = CloudArgs();
  args.insert(args.end(), {"--os-cacert", CaFile()});
  ASSERT_TRUE(registry.Start(args)) << registry.log();
  PushAndPull(registry, "tenanta/cloud-ca-flag");
  EXPECT_EQ(registry.log().find(" error registry "), std::string::npos) << registry.log();
}

TEST_F(RegistryCloudCaTest, OsCacertVariablePushAndPull) {
  RegistryProcess registry;
  ASSERT_TRUE(registry.Start(CloudArgs(), {"OS_CACERT=" + CaFile()})) << registry.log();
  EXPECT_NE(registry.log().find("cloud CA " + CaFile()), std::string::npos) << registry.log();
  PushAndPull(registry, "tenanta/cloud-ca-env");
}

TEST_F(RegistryCloudCaTest, InsecureAndABadCaFileStopTheStart) {
  RegistryProcess insecure;
  EXPECT_FALSE(insecure.Start(CloudArgs(), {"OS_INSECURE=true"}));
  EXPECT_NE(insecure.log().find("OS_INSECURE=true: boxcar-registry does not turn off TLS "
                                "verification"),
            std::string::npos)
      << insecure.log();
  EXPECT_NE(insecure.log().find("--os-cacert FILE"), std::string::npos) << insecure.log();

  RegistryProcess flag;
  EXPECT_FALSE(flag.Start({"--insecure"}));
  EXPECT_NE(flag.log().find("does not turn off TLS verification"), std::string::npos) << flag.log();

  RegistryProcess missing;
  EXPECT_FALSE(missing.Start({"--os-cacert", cloud_->pki_dir() + "/nope.pem"}));
  EXPECT_NE(missing.log().find("os-cacert: cannot read '" + cloud_->pki_dir() + "/nope.pem'"),
            std::string::npos)
      << missing.log();

  RegistryProcess not_pem;
  EXPECT_FALSE(not_pem.Start({"--os-cacert", cloud_->pki_dir() + "/tls.log"}));
  EXPECT_NE(not_pem.log().find("holds no PEM certificate"), std::string::npos) << not_pem.log();
}

}  // namespace
}  // namespace boxcar::testing
