#include "cli/clouds_yaml.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <map>

#include "../temp_dir.h"

namespace boxcar::cli {
namespace {

// A scratch HOME and current directory, and an environment of the test's own.
class CloudsYamlTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_NO_FATAL_FAILURE(MakeTempDir("/tmp/boxcar-clouds-XXXXXX", &dir_));
    char cwd[PATH_MAX];
    ASSERT_NE(::getcwd(cwd, sizeof cwd), nullptr);
    old_cwd_ = cwd;
    std::filesystem::create_directories(dir_ + "/home/.config/openstack");
    std::filesystem::create_directories(dir_ + "/work");
    ASSERT_EQ(::chdir((dir_ + "/work").c_str()), 0);
    env_["HOME"] = dir_ + "/home";
  }
  void TearDown() override {
    ASSERT_EQ(::chdir(old_cwd_.c_str()), 0);
    std::filesystem::remove_all(dir_);
  }

  void Write(const std::string& path, const std::string& text) { std::ofstream(path) << text; }
  EnvReader Env() {
    return [this](const char* name) -> const char* {
      auto it = env_.find(name);
      return it == env_.end() ? nullptr : it->second.c_str();
    };
  }

  std::string dir_;
  std::string old_cwd_;
  std::map<std::string, std::string> env_;
};

constexpr char kClouds[] = R"(clouds:
  mycloud:
    auth_type: password
    auth:
      auth_url: https://keystone.example:5000/v3
      username: alice
      project-name: tenantA
    region_name: RegionTwo
    cacert: /etc/ssl/cloud-ca.pem
  other:
    auth: {auth_url: https://other:5000/v3}
)";

TEST_F(CloudsYamlTest, ReadsTheNamedCloudFromTheUsersConfig) {
  Write(dir_ + "/home/.config/openstack/clouds.yaml", kClouds);
  auto cloud = LoadCloud("mycloud", Env());
  ASSERT_TRUE(cloud.ok()) << cloud.status().message();
  EXPECT_EQ(cloud->clouds_file, dir_ + "/home/.config/openstack/clouds.yaml");
  EXPECT_EQ(cloud->secure_file, "");
  EXPECT_EQ(cloud->Get("auth.auth_url"), "https://keystone.example:5000/v3");
  EXPECT_EQ(cloud->Get("auth.username"), "alice");
  EXPECT_EQ(cloud->Get("auth.project_name"), "tenantA") << "'-' in a key reads as '_'";
  EXPECT_EQ(cloud->Get("region_name"), "RegionTwo");
  EXPECT_EQ(cloud->Get("cacert"), "/etc/ssl/cloud-ca.pem");
  EXPECT_EQ(cloud->Get("auth.password"), "");
}

TEST_F(CloudsYamlTest, SearchOrderIsOpenStackSdks) {
  Write(dir_ + "/home/.config/openstack/clouds.yaml",
        "clouds: {mycloud: {region_name: from-home}}\n");
  EXPECT_EQ(LoadCloud("mycloud", Env())->Get("region_name"), "from-home");
  // ./clouds.yaml comes before the user's; only the first file found is read.
  Write(dir_ + "/work/clouds.yaml", "clouds: {mycloud: {region_name: from-cwd}}\n");
  EXPECT_EQ(LoadCloud("mycloud", Env())->Get("region_name"), "from-cwd");
  // OS_CLIENT_CONFIG_FILE before both.
  Write(dir_ + "/chosen.yaml", "clouds: {mycloud: {region_name: from-variable}}\n");
  env_["OS_CLIENT_CONFIG_FILE"] = dir_ + "/chosen.yaml";
  EXPECT_EQ(LoadCloud("mycloud", Env())->Get("region_name"), "from-variable");
  // XDG_CONFIG_HOME moves the user's directory.
  auto candidates = CloudsFileCandidates("clouds", "OS_CLIENT_CONFIG_FILE", Env());
  ASSERT_GE(candidates.size(), 10u);
  EXPECT_EQ(candidates[0], dir_ + "/chosen.yaml");
  EXPECT_EQ(candidates[1], dir_ + "/work/clouds.yaml");
  EXPECT_EQ(candidates[4], dir_ + "/home/.config/openstack/clouds.yaml");
  EXPECT_EQ(candidates.back(), "/etc/openstack/clouds.json");
  env_["XDG_CONFIG_HOME"] = dir_ + "/xdg";
  EXPECT_EQ(CloudsFileCandidates("secure", "OS_SECURE_FILE", Env())[3],
            dir_ + "/xdg/openstack/secure.yaml");
}

TEST_F(CloudsYamlTest, SecureYamlIsMergedOverClouds) {
  Write(dir_ + "/home/.config/openstack/clouds.yaml", kClouds);
  Write(dir_ + "/home/.config/openstack/secure.yaml",
        "clouds:\n  mycloud:\n    auth:\n      password: s3cret\n      username: alice2\n");
  auto cloud = LoadCloud("mycloud", Env());
  ASSERT_TRUE(cloud.ok()) << cloud.status().message();
  EXPECT_EQ(cloud->secure_file, dir_ + "/home/.config/openstack/secure.yaml");
  EXPECT_EQ(cloud->Get("auth.password"), "s3cret");
  EXPECT_EQ(cloud->Get("auth.username"), "alice2") << "secure.yaml wins";
  EXPECT_EQ(cloud->Get("auth.auth_url"), "https://keystone.example:5000/v3") << "kept";
  // OS_SECURE_FILE names another one.
  Write(dir_ + "/other-secure.yaml", "clouds: {mycloud: {auth: {password: other}}}\n");
  env_["OS_SECURE_FILE"] = dir_ + "/other-secure.yaml";
  EXPECT_EQ(LoadCloud("mycloud", Env())->Get("auth.password"), "other");
}

TEST_F(CloudsYamlTest, ACloudInNoFileNamesTheFileAndItsClouds) {
  Write(dir_ + "/home/.config/openstack/clouds.yaml", kClouds);
  auto missing = LoadCloud("nope", Env());
  ASSERT_EQ(missing.status().code(), StatusCode::kNotFound);
  const std::string& message = missing.status().message();
  EXPECT_NE(message.find("cloud 'nope'"), std::string::npos) << message;
  EXPECT_NE(message.find(dir_ + "/home/.config/openstack/clouds.yaml"), std::string::npos)
      << message;
  EXPECT_NE(message.find("its clouds: mycloud, other"), std::string::npos) << message;
  EXPECT_NE(message.find("--os-auth-url"), std::string::npos) << message;
}

TEST_F(CloudsYamlTest, NoFileAtAllSaysWhereItLooked) {
  auto missing = LoadCloud("mycloud", Env());
  ASSERT_EQ(missing.status().code(), StatusCode::kNotFound);
  const std::string& message = missing.status().message();
  EXPECT_NE(message.find("no clouds.yaml found"), std::string::npos) << message;
  EXPECT_NE(message.find(dir_ + "/home/.config/openstack/clouds.yaml"), std::string::npos)
      << message;
  EXPECT_NE(message.find("OS_CLIENT_CONFIG_FILE"), std::string::npos) << message;
  env_["OS_CLIENT_CONFIG_FILE"] = dir_ + "/absent.yaml";
  auto absent = LoadCloud("mycloud", Env());
  EXPECT_EQ(absent.status().code(), StatusCode::kInvalidArgument);
  EXPECT_NE(absent.status().message().find("OS_CLIENT_CONFIG_FILE: '" + dir_ + "/absent.yaml'"),
            std::string::npos)
      << absent.status().message();
}

TEST_F(CloudsYamlTest, AFileThatDoesNotParseIsNamedWithItsLine) {
  Write(dir_ + "/broken.yaml", "clouds:\n  mycloud:\n    auth: {password: [unclosed\n");
  env_["OS_CLIENT_CONFIG_FILE"] = dir_ + "/broken.yaml";
  auto broken = LoadCloud("mycloud", Env());
  ASSERT_EQ(broken.status().code(), StatusCode::kInvalidArgument);
  const std::string& message = broken.status().message();
  EXPECT_NE(message.find(dir_ + "/broken.yaml:"), std::string::npos) << message;
  EXPECT_NE(message.find("not valid YAML"), std::string::npos) << message;
  EXPECT_EQ(message.find("unclosed"), std::string::npos) << "no value in the message: " << message;

  Write(dir_ + "/broken.yaml", "clouds:\n  mycloud: {region_name: r}\n  - a list item\n\n");
  broken = LoadCloud("mycloud", Env());
  EXPECT_NE(broken.status().message().find(dir_ + "/broken.yaml:3:"), std::string::npos)
      << broken.status().message();

  Write(dir_ + "/broken.yaml", "- a list\n");
  broken = LoadCloud("mycloud", Env());
  EXPECT_NE(broken.status().message().find("'clouds:' at the top"), std::string::npos)
      << broken.status().message();

  Write(dir_ + "/broken.yaml", "clouds: {mycloud: just-a-string}\n");
  broken = LoadCloud("mycloud", Env());
  EXPECT_NE(broken.status().message().find("clouds.mycloud is not a mapping"), std::string::npos)
      << broken.status().message();
}

}  // namespace
}  // namespace boxcar::cli
