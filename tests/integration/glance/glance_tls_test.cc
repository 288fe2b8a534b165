// glance:// with Keystone and glance-api behind TLS whose certificate a private CA signed, as in
// an operator's cloud: the real fixture stack (tests/fixtures/openstack) with a socat TLS
// terminator in front of each, and the real CLI. Without the CA a pull fails saying how to give
// it; with --ca-file, OS_CACERT or a clouds.yaml's cacert, pushes and pulls work.
#include <gtest/gtest.h>

#include <fstream>

#include "agent_harness.h"
#include "build_paths.h"
#include "glance/glance_client.h"
#include "image_test_support.h"
#include "openstack/keystone_auth.h"
#include "openstack_fixture.h"
#include "tls_fronted_cloud.h"

namespace boxcar::testing {
namespace {

class GlanceTlsTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    cloud_ = new TlsFrontedCloud();
    ASSERT_TRUE(cloud_->Start());
  }
  static void TearDownTestSuite() {
    // Nothing of the terminators stays behind.
    EXPECT_TRUE(cloud_->Stop());
    delete cloud_;
  }

  void SetUp() override {
    agent_.Start();
    v1::ImportResponse imported;
    ASSERT_TRUE(agent_.ImportTarball(BOXCAR_BUSYBOX_TAR, "tls-box:1", &imported).ok());
    box_id_ = imported.image().id();
  }
  void TearDown() override {
    for (const auto& id : glance_images_) (void)OpenStackFixture::Client("A").Delete(id);
    auto log = ReadFileToString(agent_.work_dir() + "/agent.log");
    ASSERT_TRUE(log.ok());
    EXPECT_EQ(log->find("alice-secret"), std::string::npos) << "the agent logged a password";
  }

  static std::string KeystoneUrl() { return cloud_->KeystoneUrl(); }
  static std::string GlanceUrl() { return cloud_->GlanceUrl(); }
  // Tenant A's password credentials against the TLS endpoints.
  static std::vector<std::string> OsFlags() {
    auto c = OpenStackFixture::Credentials("A");
    return {"--os-auth-url",  KeystoneUrl(), "--os-username",     c.username,
            "--os-password",  c.password,    "--os-project-name", c.project_name,
            "--os-image-url", GlanceUrl()};
  }

  CommandResult Cli(std::vector<std::string> args, const std::vector<std::string>& extra,
                    const std::vector<std::string>& environment = {}) {
    args.insert(args.end(), extra.begin(), extra.end());
    return agent_.Cli(args, environment);
  }

  // Pushes tls-box:1 to Glance, removes it locally and pulls it back, each with `extra` flags
  // and `environment`: the pulled image is the pushed one.
  void PushAndPull(const std::vector<std::string>& extra,
                   const std::vector<std::string>& environment) {
    auto pushed = Cli({"image", "push", "-q", "tls-box:1", "glance://tls-box"}, extra, environment);
    ASSERT_EQ(pushed.exit_code, 0) << pushed.err;
    const size_t at = pushed.out.find('@');
    ASSERT_EQ(pushed.out.rfind("glance://", 0), 0u) << pushed.out;
    ASSERT_NE(at, std::string::npos) << pushed.out;
    const std::string id = pushed.out.substr(9, at - 9);
    glance_images_.push_back(id);
    auto shown = OpenStackFixture::Client("A").Show(id);
    ASSERT_TRUE(shown.ok()) << shown.status().message();
    EXPECT_EQ(shown->status, "active");

    auto removed = agent_.Cli({"image", "rm", "tls-box:1"});
    ASSERT_EQ(removed.exit_code, 0) << removed.err;
    auto pulled = Cli({"image", "pull", "-q", "glance://" + id}, extra, environment);
    ASSERT_EQ(pulled.exit_code, 0) << pulled.err;
    EXPECT_NE(pulled.out.find(box_id_), std::string::npos) << pulled.out;
    auto run = agent_.Cli({"run", "--rm", "tls-box:1", "echo", "over-tls"});
    EXPECT_EQ(run.exit_code, 0) << run.err;
  }

  static TlsFrontedCloud* cloud_;
  AgentHarness agent_;
  std::string box_id_;
  std::vector<std::string> glance_images_;
};

TlsFrontedCloud* GlanceTlsTest::cloud_ = nullptr;

TEST_F(GlanceTlsTest, WithoutTheCaAPullFailsSayingHowToGiveIt) {
  auto target =
      OpenStackFixture::Client("A").Create({"tls-target", "docker", "raw", "private", {}, {}});
  ASSERT_TRUE(target.ok()) << target.status().message();
  const std::string id = target->id;
  glance_images_.push_back(id);
  const std::string before = StoreListing(agent_.root_dir());
  auto refused = Cli({"image", "pull", "-q", "glance://" + id}, OsFlags());
  EXPECT_NE(refused.exit_code, 0);
  EXPECT_NE(refused.err.find("give the cloud's CA with --ca-file, OS_CACERT or cacert in "
                             "clouds.yaml"),
            std::string::npos)
      << refused.err;
  EXPECT_NE(refused.err.find("certificate"), std::string::npos) << refused.err;
  EXPECT_EQ(StoreListing(agent_.root_dir()), before) << "the store is as it was";

  // A CA that did not sign it: the message names the file.
  auto wrong = Cli({"image", "pull", "-q", "glance://" + id}, OsFlags(),
                   {"OS_CACERT=/etc/ssl/certs/ca-certificates.crt"});
  EXPECT_NE(wrong.exit_code, 0);
  EXPECT_NE(wrong.err.find("not signed by the CA in /etc/ssl/certs/ca-certificates.crt"),
            std::string::npos)
      << wrong.err;
}

TEST_F(GlanceTlsTest, CaFileFlag) {
  auto flags = OsFlags();
  flags.insert(flags.end(), {"--ca-file", cloud_->CaFile()});
  PushAndPull(flags, {});
}

TEST_F(GlanceTlsTest, OsCacert) { PushAndPull(OsFlags(), {"OS_CACERT=" + cloud_->CaFile()}); }

TEST_F(GlanceTlsTest, CloudsYamlWithCacertAndSecureYaml) {
  auto c = OpenStackFixture::Credentials("A");
  const std::string clouds = agent_.work_dir() + "/clouds.yaml";
  const std::string secure = agent_.work_dir() + "/secure.yaml";
  std::ofstream(clouds) << "clouds:\n"
                        << "  tls-cloud:\n"
                        << "    auth_type: password\n"
                        << "    auth:\n"
                        << "      auth_url: " << KeystoneUrl() << "\n"
                        << "      username: " << c.username << "\n"
                        << "      project_name: " << c.project_name << "\n"
                        << "      user_domain_name: Default\n"
                        << "      project_domain_name: Default\n"
                        << "    image_endpoint_override: " << GlanceUrl() << "\n"
                        << "    cacert: " << cloud_->CaFile() << "\n";
  std::ofstream(secure) << "clouds:\n  tls-cloud:\n    auth:\n      password: " << c.password
                        << "\n";
  PushAndPull({"--os-cloud", "tls-cloud"},
              {"OS_CLIENT_CONFIG_FILE=" + clouds, "OS_SECURE_FILE=" + secure});
  // The same cloud by OS_CLOUD; a wrong name says which clouds the file has.
  auto missing = Cli({"image", "pull", "-q", "glance://x"}, {},
                     {"OS_CLIENT_CONFIG_FILE=" + clouds, "OS_CLOUD=other"});
  EXPECT_EQ(missing.exit_code, 1);
  EXPECT_NE(missing.err.find("its clouds: tls-cloud"), std::string::npos) << missing.err;
  EXPECT_EQ(missing.err.find(c.password), std::string::npos);
}

}  // namespace
}  // namespace boxcar::testing
