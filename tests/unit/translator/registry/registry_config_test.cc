#include "registry/registry_config.h"

#include <gtest/gtest.h>
#include <stdlib.h>
#include <unistd.h>

#include <fstream>
#include <map>
#include <regex>
#include <set>
#include <sstream>
#include <vector>

#include "registry/tls_context.h"

namespace boxcar::registry {
namespace {

RegistryConfig On(const std::string& address) {
  RegistryConfig config;
  config.keystone_url = "http://127.0.0.1:5000/v3";
  config.listen_address = address;
  return config;
}

TEST(RegistryConfig, PlainHttpOnLoopbackOnly) {
  EXPECT_TRUE(On("127.0.0.1").Validate().ok());
  EXPECT_TRUE(On("127.0.0.2").Validate().ok());
  EXPECT_TRUE(On("::1").Validate().ok());
  for (const char* address : {"0.0.0.0", "::", "192.0.2.10", "1127.0.0.1"}) {
    Status refused = On(address).Validate();
    EXPECT_EQ(refused.code(), StatusCode::kInvalidArgument) << address;
    EXPECT_NE(refused.message().find("set --tls-cert and --tls-key"), std::string::npos)
        << refused.message();
  }
  RegistryConfig proxied = On("0.0.0.0");
  proxied.allow_plain_http = true;
  EXPECT_TRUE(proxied.Validate().ok());
}

TEST(RegistryConfig, TlsNeedsCertificateAndKey) {
  RegistryConfig tls = On("0.0.0.0");
  tls.tls_cert_file = "/etc/boxcar/registry.crt";
  EXPECT_NE(tls.Validate().message().find("tls-key: missing"), std::string::npos);
  tls.tls_key_file = "/etc/boxcar/registry.key";
  EXPECT_TRUE(tls.Validate().ok());
  EXPECT_TRUE(tls.tls());
  tls.tls_cert_file.clear();
  EXPECT_NE(tls.Validate().message().find("tls-cert: missing"), std::string::npos);
}

TEST(RegistryConfig, TlsAndUploadDirKeysFromTheConfigFile) {
  char path[] = "/tmp/boxcar-registry-config.XXXXXX";
  const int fd = mkstemp(path);
  ASSERT_GE(fd, 0);
  const std::string text =
      "keystone-url = \"http://127.0.0.1:5000/v3\"\nlisten = \"0.0.0.0\"\nport = 5443\n"
      "tls-cert = \"/run/credentials/r/tls.crt\"\ntls-key = \"/run/credentials/r/tls.key\"\n"
      "upload-dir = \"/var/tmp/registry-uploads\"\n";
  ASSERT_EQ(write(fd, text.data(), text.size()), static_cast<ssize_t>(text.size()));
  close(fd);
  std::string program = "boxcar-registry", flag = "--config", file = path;
  char* argv[] = {program.data(), flag.data(), file.data(), nullptr};
  int exit_code = -1;
  auto config = RegistryConfig::FromCommandLine(3, argv, &exit_code);
  unlink(path);
  ASSERT_TRUE(config.ok()) << config.status().message();
  EXPECT_EQ(config->listen_address, "0.0.0.0");
  EXPECT_EQ(config->port, 5443);
  EXPECT_EQ(config->tls_cert_file, "/run/credentials/r/tls.crt");
  EXPECT_EQ(config->tls_key_file, "/run/credentials/r/tls.key");
  EXPECT_TRUE(config->tls());
  EXPECT_EQ(config->upload_dir(), "/var/tmp/registry-uploads");
  EXPECT_TRUE(config->Validate().ok()) << config->Validate().message();
  EXPECT_EQ(On("127.0.0.1").upload_dir(), "/var/lib/boxcar-registry/uploads");
}

// FromCommandLine over `args` (after the program name) with `env` as the environment.
StatusOr<RegistryConfig> Parse(std::vector<std::string> args,
                               std::map<std::string, std::string> env = {}) {
  args.insert(args.begin(), {"boxcar-registry", "--keystone-url", "https://keystone:5000/v3"});
  std::vector<char*> argv;
  for (auto& arg : args) argv.push_back(arg.data());
  argv.push_back(nullptr);
  int exit_code = -1;
  return RegistryConfig::FromCommandLine(
      static_cast<int>(args.size()), argv.data(), &exit_code, [&env](const char* name) {
        auto it = env.find(name);
        return it == env.end() ? static_cast<const char*>(nullptr) : it->second.c_str();
      });
}

TEST(RegistryConfig, CloudCaFromTheFlagTheConfigFileElseOsCacert) {
  auto flag = Parse({"--os-cacert", "/etc/boxcar/cloud-ca.pem"}, {{"OS_CACERT", "/env/ca.pem"}});
  ASSERT_TRUE(flag.ok()) << flag.status().message();
  EXPECT_EQ(flag->os_cacert, "/etc/boxcar/cloud-ca.pem");
  EXPECT_EQ(flag->cloud_tls().ca_file, "/etc/boxcar/cloud-ca.pem");

  auto env = Parse({}, {{"OS_CACERT", "/env/ca.pem"}});
  ASSERT_TRUE(env.ok()) << env.status().message();
  EXPECT_EQ(env->cloud_tls().ca_file, "/env/ca.pem");

  auto none = Parse({});
  ASSERT_TRUE(none.ok());
  EXPECT_EQ(none->cloud_tls().ca_file, "");
  EXPECT_NE(none->cloud_tls().untrusted_hint.find("--os-cacert"), std::string::npos);

  // A relative path is the working directory's file, named absolutely from then on.
  auto relative = Parse({"--os-cacert", "ca.pem"});
  ASSERT_TRUE(relative.ok());
  char cwd[4096];
  ASSERT_NE(getcwd(cwd, sizeof cwd), nullptr);
  EXPECT_EQ(relative->os_cacert, std::string(cwd) + "/ca.pem");

  char path[] = "/tmp/boxcar-registry-config.XXXXXX";
  const int fd = mkstemp(path);
  ASSERT_GE(fd, 0);
  const std::string text = "os-cacert = \"/etc/boxcar/file-ca.pem\"\n";
  ASSERT_EQ(write(fd, text.data(), text.size()), static_cast<ssize_t>(text.size()));
  close(fd);
  auto file = Parse({"--config", path}, {{"OS_CACERT", "/env/ca.pem"}});
  unlink(path);
  ASSERT_TRUE(file.ok()) << file.status().message();
  EXPECT_EQ(file->os_cacert, "/etc/boxcar/file-ca.pem");
}

TEST(RegistryConfig, TurningVerificationOffIsRefusedNamingTheCaOption) {
  for (const char* value : {"true", "1", "True", "yes", "on", "anything"}) {
    auto refused = Parse({}, {{"OS_INSECURE", value}});
    ASSERT_FALSE(refused.ok()) << value;
    EXPECT_EQ(refused.status().code(), StatusCode::kInvalidArgument);
    EXPECT_NE(refused.status().message().find(std::string("OS_INSECURE=") + value),
              std::string::npos)
        << refused.status().message();
    EXPECT_NE(refused.status().message().find("give the cloud's CA with --os-cacert FILE"),
              std::string::npos)
        << refused.status().message();
  }
  for (const char* value : {"", "false", "0", "no", "off", "False"}) {
    EXPECT_TRUE(Parse({}, {{"OS_INSECURE", value}}).ok()) << value;
  }
  for (const std::vector<std::string>& args : std::vector<std::vector<std::string>>{
           {"--insecure"}, {"--os-insecure"}, {"--verify", "false"}}) {
    auto refused = Parse(args);
    ASSERT_FALSE(refused.ok()) << args[0];
    EXPECT_NE(refused.status().message().find("does not turn off TLS verification"),
              std::string::npos)
        << refused.status().message();
  }
  EXPECT_TRUE(Parse({"--verify", "true"}).ok());

  // The same keys in a config file (which would otherwise ignore a key it does not know).
  char path[] = "/tmp/boxcar-registry-config.XXXXXX";
  const int fd = mkstemp(path);
  ASSERT_GE(fd, 0);
  const std::string text = "insecure = true\n";
  ASSERT_EQ(write(fd, text.data(), text.size()), static_cast<ssize_t>(text.size()));
  close(fd);
  auto file = Parse({"--config", path});
  unlink(path);
  ASSERT_FALSE(file.ok());
  EXPECT_NE(file.status().message().find("insecure"), std::string::npos) << file.status().message();
}

TEST(RegistryConfig, LogFormatIsTextOrJson) {
  RegistryConfig config = On("127.0.0.1");
  EXPECT_EQ(config.log_format, "text");
  config.log_format = "json";
  EXPECT_TRUE(config.Validate().ok());
  config.log_format = "xml";
  EXPECT_NE(config.Validate().message().find("log-format: 'xml'"), std::string::npos);
}

TEST(RegistryConfig, TheShippedConfigFileLoadsAndNamesEveryFlag) {
  const std::string shipped = std::string(BOXCAR_DEPLOY_DIR) + "/registry/boxcar-registry.conf";
  std::string program = "boxcar-registry", flag = "--config", file = shipped;
  char* argv[] = {program.data(), flag.data(), file.data(), nullptr};
  int exit_code = -1;
  auto config = RegistryConfig::FromCommandLine(3, argv, &exit_code);
  ASSERT_TRUE(config.ok()) << shipped << ": " << config.status().message();
  EXPECT_EQ(config->blob_cache_bytes, RegistryConfig{}.blob_cache_bytes);
  EXPECT_EQ(config->bootable_images, RegistryConfig{}.bootable_images);

  // Every flag of --help is a key of the file, set or commented out, so that the file is the
  // one place an operator reads them all.
  std::string help_flag = "--help";
  char* help_argv[] = {program.data(), help_flag.data(), nullptr};
  ::testing::internal::CaptureStdout();
  (void)RegistryConfig::FromCommandLine(2, help_argv, &exit_code);
  const std::string help = ::testing::internal::GetCapturedStdout();
  std::ifstream in(shipped);
  std::stringstream text;
  text << in.rdbuf();
  std::set<std::string> flags;
  const std::regex flag_pattern("--([a-z][a-z-]+)");
  for (std::sregex_iterator it(help.begin(), help.end(), flag_pattern), end; it != end; ++it)
    flags.insert((*it)[1]);
  ASSERT_GT(flags.size(), 15u) << help;
  for (const std::string& name : flags) {
    if (name == "help" || name == "config") continue;
    const std::regex key("(^|\\n)#? ?" + name + " = ");
    EXPECT_TRUE(std::regex_search(text.str(), key)) << name << " is not in " << shipped;
  }
}

TEST(TlsContext, UnreadableFilesNameTheOption) {
  auto missing = LoadServerTlsContext("/nonexistent/server.crt", "/nonexistent/server.key");
  ASSERT_FALSE(missing.ok());
  EXPECT_NE(missing.status().message().find("tls-cert '/nonexistent/server.crt'"),
            std::string::npos)
      << missing.status().message();
  EXPECT_FALSE(LoadServerTlsContext("", "/x.key").ok());
}

TEST(TlsContext, OnlyAHandshakeRecordIsTls) {
  EXPECT_TRUE(LooksLikeTlsHandshake(0x16));
  for (int c : {int{'G'}, int{'P'}, int{'H'}, int{'D'}, 0x15, 0x17}) {
    EXPECT_FALSE(LooksLikeTlsHandshake(static_cast<unsigned char>(c)));
  }
}

}  // namespace
}  // namespace boxcar::registry
