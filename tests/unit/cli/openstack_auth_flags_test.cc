#include "cli/openstack_auth_flags.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <map>

#include "../temp_dir.h"

namespace boxcar::cli {
namespace {

// The settings of `argv` (the --os-* options) with the environment `env`.
class OpenStackAuthFlagsTest : public ::testing::Test {
 protected:
  void TearDown() override {
    if (!dir_.empty()) std::filesystem::remove_all(dir_);
  }

  StatusOr<OpenStackRequestAuth> Resolve(std::vector<const char*> argv,
                                         const std::string& ca_file_flag = "") {
    CLI::App app;
    OpenStackAuthFlags flags;
    AddOpenStackAuthFlags(&app, flags);
    argv.insert(argv.begin(), "pull");
    app.parse(static_cast<int>(argv.size()), const_cast<char**>(argv.data()));
    return ResolveOpenStackAuth(flags, ca_file_flag, [this](const char* name) -> const char* {
      auto it = env_.find(name);
      return it == env_.end() ? nullptr : it->second.c_str();
    });
  }

  // A clouds.yaml named by OS_CLIENT_CONFIG_FILE; HOME is the scratch directory.
  void WriteClouds(const std::string& text, const std::string& secure_text = "") {
    if (dir_.empty()) ASSERT_NO_FATAL_FAILURE(MakeTempDir("/tmp/boxcar-osauth-XXXXXX", &dir_));
    std::ofstream(dir_ + "/clouds.yaml") << text;
    env_["OS_CLIENT_CONFIG_FILE"] = dir_ + "/clouds.yaml";
    env_["HOME"] = dir_;
    if (!secure_text.empty()) {
      std::ofstream(dir_ + "/secure.yaml") << secure_text;
      env_["OS_SECURE_FILE"] = dir_ + "/secure.yaml";
    }
  }

  std::string dir_;
  std::map<std::string, std::string> env_;
};

TEST_F(OpenStackAuthFlagsTest, FlagsWinOverEnvironment) {
  env_ = {{"OS_USERNAME", "bob"},
          {"OS_PASSWORD", "pw"},
          {"OS_AUTH_URL", "http://k:5000/v3"},
          {"OS_TENANT_NAME", "tenantA"},
          {"OS_DOMAIN_NAME", "Dom"}};
  auto resolved = Resolve({"--os-username", "alice", "--os-image-url", "http://g:9292"});
  ASSERT_TRUE(resolved.ok()) << resolved.status().message();
  const auto& auth = resolved->auth;
  EXPECT_EQ(auth.username(), "alice");
  EXPECT_EQ(auth.password(), "pw");
  EXPECT_EQ(auth.auth_url(), "http://k:5000/v3");
  EXPECT_EQ(auth.glance_endpoint(), "http://g:9292");
  EXPECT_EQ(auth.project_name(), "tenantA");
  EXPECT_EQ(auth.user_domain_name(), "Dom");
  EXPECT_EQ(auth.project_domain_name(), "Dom");
  EXPECT_EQ(auth.token(), "");
  EXPECT_EQ(resolved->ca_file, "");
}

TEST_F(OpenStackAuthFlagsTest, GlancePushFlags) {
  CLI::App app;
  GlancePushFlags flags;
  AddGlancePushFlags(&app, flags);
  const char* argv[] = {"push", "--glance-image-id", "abc", "--glance-visibility", "shared"};
  app.parse(5, const_cast<char**>(argv));
  EXPECT_EQ(flags.image_id, "abc");
  EXPECT_EQ(flags.visibility, "shared");
}

TEST_F(OpenStackAuthFlagsTest, NothingGivenIsEmpty) {
  auto resolved = Resolve({});
  ASSERT_TRUE(resolved.ok());
  EXPECT_EQ(resolved->auth.ByteSizeLong(), 0u);
  EXPECT_EQ(resolved->ca_file, "");
}

constexpr char kCloud[] = R"(clouds:
  prod:
    auth:
      auth_url: https://keystone.example:5000/v3
      username: alice
      password: from-yaml
      project_name: tenantA
      domain_name: CloudDom
    region_name: RegionTwo
    interface: internal
    image_endpoint_override: https://glance.example:9292
    cacert: certs/cloud-ca.pem
)";

// python-openstackclient's order: flags, then OS_* variables, then clouds.yaml.
TEST_F(OpenStackAuthFlagsTest, CloudIsTheLastFallback) {
  WriteClouds(kCloud);
  env_["OS_CLOUD"] = "prod";
  env_["OS_PASSWORD"] = "from-env";
  env_["OS_REGION_NAME"] = "RegionEnv";
  auto resolved = Resolve({"--os-region-name", "RegionFlag"});
  ASSERT_TRUE(resolved.ok()) << resolved.status().message();
  const auto& auth = resolved->auth;
  EXPECT_EQ(auth.auth_url(), "https://keystone.example:5000/v3");
  EXPECT_EQ(auth.username(), "alice");
  EXPECT_EQ(auth.password(), "from-env");
  EXPECT_EQ(auth.region_name(), "RegionFlag");
  EXPECT_EQ(auth.interface(), "internal");
  EXPECT_EQ(auth.glance_endpoint(), "https://glance.example:9292");
  EXPECT_EQ(auth.user_domain_name(), "CloudDom");
  EXPECT_EQ(auth.project_domain_name(), "CloudDom");
  // A relative cacert is the current directory's, as openstacksdk opens it.
  EXPECT_EQ(resolved->ca_file, std::filesystem::current_path().string() + "/certs/cloud-ca.pem");

  // --os-cloud over OS_CLOUD; a password only in secure.yaml.
  WriteClouds(std::string(kCloud) + "  dev:\n    auth: {auth_url: https://dev:5000/v3}\n",
              "clouds: {dev: {auth: {password: from-secure}}}\n");
  env_.erase("OS_PASSWORD");
  resolved = Resolve({"--os-cloud", "dev"});
  ASSERT_TRUE(resolved.ok()) << resolved.status().message();
  EXPECT_EQ(resolved->auth.auth_url(), "https://dev:5000/v3");
  EXPECT_EQ(resolved->auth.password(), "from-secure");
  EXPECT_EQ(resolved->ca_file, "");
}

TEST_F(OpenStackAuthFlagsTest, CaFileIsTheFlagThenOsCacertThenTheClouds) {
  WriteClouds(kCloud);
  env_["OS_CLOUD"] = "prod";
  env_["OS_CACERT"] = "~/env-ca.pem";
  auto resolved = Resolve({}, "/flag/ca.pem");
  ASSERT_TRUE(resolved.ok()) << resolved.status().message();
  EXPECT_EQ(resolved->ca_file, "/flag/ca.pem");
  resolved = Resolve({});
  ASSERT_TRUE(resolved.ok()) << resolved.status().message();
  EXPECT_EQ(resolved->ca_file, dir_ + "/env-ca.pem");
}

TEST_F(OpenStackAuthFlagsTest, AuthTypeKeepsOnlyItsCredentials) {
  WriteClouds(R"(clouds:
  app:
    auth_type: v3applicationcredential
    auth:
      auth_url: https://k:5000/v3
      application_credential_id: app-id
      application_credential_secret: app-secret
  tok:
    auth_type: token
    auth: {auth_url: https://k:5000/v3, token: tok-123}
)");
  env_["OS_PASSWORD"] = "from-an-openrc";
  env_["OS_USERNAME"] = "alice";
  auto resolved = Resolve({"--os-cloud", "app"});
  ASSERT_TRUE(resolved.ok()) << resolved.status().message();
  EXPECT_EQ(resolved->auth.application_credential_id(), "app-id");
  EXPECT_EQ(resolved->auth.application_credential_secret(), "app-secret");
  EXPECT_EQ(resolved->auth.password(), "") << "not the type asked for";

  resolved = Resolve({"--os-cloud", "tok"});
  ASSERT_TRUE(resolved.ok()) << resolved.status().message();
  EXPECT_EQ(resolved->auth.token(), "tok-123");
  EXPECT_EQ(resolved->auth.password(), "");

  // A flag or OS_AUTH_TYPE overrides the cloud's type.
  resolved = Resolve({"--os-cloud", "tok", "--os-auth-type", "password"});
  ASSERT_TRUE(resolved.ok()) << resolved.status().message();
  EXPECT_EQ(resolved->auth.token(), "");
  EXPECT_EQ(resolved->auth.password(), "from-an-openrc");
}

TEST_F(OpenStackAuthFlagsTest, OtherAuthTypesAreRefusedNamingWhereTheyCameFrom) {
  WriteClouds("clouds: {sso: {auth_type: v3oidcpassword, auth: {auth_url: https://k/v3}}}\n");
  auto refused = Resolve({"--os-cloud", "sso"});
  ASSERT_EQ(refused.status().code(), StatusCode::kInvalidArgument);
  EXPECT_NE(refused.status().message().find("auth_type 'v3oidcpassword' (cloud 'sso' (" + dir_ +
                                            "/clouds.yaml))"),
            std::string::npos)
      << refused.status().message();
  EXPECT_NE(refused.status().message().find("v3applicationcredential"), std::string::npos);
  env_["OS_AUTH_TYPE"] = "v3totp";
  refused = Resolve({});
  EXPECT_NE(refused.status().message().find("auth_type 'v3totp' (OS_AUTH_TYPE)"), std::string::npos)
      << refused.status().message();
}

TEST_F(OpenStackAuthFlagsTest, VerifyFalseIsRefusedAskingForTheCa) {
  WriteClouds(
      "clouds: {lab: {verify: false, auth: {auth_url: https://k/v3, password: hunter2-secret}}}\n");
  auto refused = Resolve({"--os-cloud", "lab"});
  ASSERT_EQ(refused.status().code(), StatusCode::kInvalidArgument);
  const std::string& message = refused.status().message();
  EXPECT_NE(message.find("'verify: false'"), std::string::npos) << message;
  EXPECT_NE(message.find("cacert"), std::string::npos) << message;
  EXPECT_NE(message.find(dir_ + "/clouds.yaml"), std::string::npos) << message;
  EXPECT_EQ(message.find("hunter2"), std::string::npos) << "no secret in a message";
}

TEST_F(OpenStackAuthFlagsTest, InsecureSettingsAreRefusedAskingForTheCa) {
  WriteClouds(
      "clouds: {lab: {insecure: true, auth: {auth_url: https://k/v3, password: "
      "hunter2-secret}}}\n");
  auto refused = Resolve({"--os-cloud", "lab"});
  ASSERT_EQ(refused.status().code(), StatusCode::kInvalidArgument);
  EXPECT_NE(refused.status().message().find("'insecure: true'"), std::string::npos)
      << refused.status().message();
  EXPECT_EQ(refused.status().message().find("hunter2"), std::string::npos);

  // OS_INSECURE, as openstackclient reads it: refused whatever else is set.
  env_["OS_INSECURE"] = "True";
  env_["OS_AUTH_URL"] = "https://k/v3";
  refused = Resolve({});
  ASSERT_EQ(refused.status().code(), StatusCode::kInvalidArgument);
  EXPECT_NE(refused.status().message().find("OS_INSECURE=True"), std::string::npos)
      << refused.status().message();
  EXPECT_NE(refused.status().message().find("--ca-file"), std::string::npos);
  env_["OS_INSECURE"] = "false";
  EXPECT_TRUE(Resolve({}).ok());
}

TEST_F(OpenStackAuthFlagsTest, AMissingCloudIsAnError) {
  WriteClouds(kCloud);
  auto missing = Resolve({"--os-cloud", "staging"});
  EXPECT_EQ(missing.status().code(), StatusCode::kNotFound);
  EXPECT_NE(missing.status().message().find("its clouds: prod"), std::string::npos)
      << missing.status().message();
}

}  // namespace
}  // namespace boxcar::cli
