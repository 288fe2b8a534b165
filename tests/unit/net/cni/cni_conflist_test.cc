#include "net/cni/cni_conflist.h"

#include <gtest/gtest.h>
#include <rapidjson/document.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstdlib>
#include <fstream>

namespace boxcar {
namespace {

const char* kConflist = R"({"cniVersion": "1.0.0", "name": "web", "plugins": [
  {"type": "bridge", "bridge": "cni0", "capabilities": {"ips": true, "mac": false},
   "ipam": {"type": "host-local", "subnet": "10.22.0.0/24"}},
  {"type": "portmap", "capabilities": {"portMappings": true}, "runtimeConfig": {"stale": 1}}]})";

TEST(CniConflistTest, ParsesPluginsCapabilitiesAndIpam) {
  auto conflist = ParseCniConflist(kConflist, "network.cni_conflist");
  ASSERT_TRUE(conflist.ok()) << conflist.status().message();
  EXPECT_EQ(conflist->cni_version, "1.0.0");
  EXPECT_EQ(conflist->name, "web");
  ASSERT_EQ(conflist->plugins.size(), 2u);
  EXPECT_EQ(conflist->plugins[0].type, "bridge");
  EXPECT_EQ(conflist->plugins[0].ipam_type, "host-local");
  EXPECT_EQ(conflist->plugins[0].capabilities, std::set<std::string>{"ips"});
  EXPECT_TRUE(conflist->HasCapability("portMappings"));
  EXPECT_FALSE(conflist->HasCapability("mac"));
  EXPECT_TRUE(conflist->HasPlugin("portmap"));
  EXPECT_FALSE(conflist->disable_check);
}

TEST(CniConflistTest, ErrorsNameTheField) {
  struct Case {
    const char* text;
    const char* message;
  } cases[] = {
      {"[", "network.cni_conflist: not JSON"},
      {"[]", "network.cni_conflist: must be a JSON object"},
      {R"({"name": "x", "plugins": [{"type": "bridge"}]})", "network.cni_conflist.cniVersion"},
      {R"({"cniVersion": "1.0.0", "plugins": [{"type": "bridge"}]})", "network.cni_conflist.name"},
      {R"({"cniVersion": "1.0.0", "name": "x", "plugins": []})", "network.cni_conflist.plugins"},
      {R"({"cniVersion": "1.0.0", "name": "x", "plugins": [{"type": "a"}, 3]})",
       "network.cni_conflist.plugins[1]: must be an object"},
      {R"({"cniVersion": "1.0.0", "name": "x", "plugins": [{"bridge": "b"}]})",
       "network.cni_conflist.plugins[0].type"},
      {R"({"cniVersion": "1.0.0", "name": "x", "plugins": [{"type": "/bin/sh"}]})",
       "network.cni_conflist.plugins[0].type: '/bin/sh' is not a plugin name"},
      {R"({"cniVersion": "1.0.0", "name": "x", "plugins": [{"type": "b", "ipam": {"type": ".."}}]})",
       "network.cni_conflist.plugins[0].ipam.type"},
      {R"({"cniVersion": "1.0.0", "name": "x", "disableCheck": "yes", "plugins": [{"type": "b"}]})",
       "network.cni_conflist.disableCheck"},
  };
  for (const auto& c : cases) {
    auto parsed = ParseCniConflist(c.text, "network.cni_conflist");
    ASSERT_FALSE(parsed.ok()) << c.text;
    EXPECT_EQ(parsed.status().code(), StatusCode::kInvalidArgument);
    EXPECT_EQ(parsed.status().message().rfind(c.message, 0), 0u) << parsed.status().message();
  }
}

TEST(CniConflistTest, PluginInputCarriesVersionNamePrevResultAndOnlyItsCapabilities) {
  auto conflist = ParseCniConflist(kConflist, "c");
  ASSERT_TRUE(conflist.ok());
  const std::string runtime =
      R"({"portMappings": [{"hostPort": 8080, "containerPort": 80, "protocol": "tcp"}], "ips": ["10.22.0.9"], "mac": "02:00:00:00:00:01"})";
  rapidjson::Document bridge;
  bridge.Parse(CniPluginInput(*conflist, 0, "", runtime).c_str());
  EXPECT_STREQ(bridge["cniVersion"].GetString(), "1.0.0");
  EXPECT_STREQ(bridge["name"].GetString(), "web");
  EXPECT_STREQ(bridge["bridge"].GetString(), "cni0");
  EXPECT_FALSE(bridge.HasMember("prevResult"));
  ASSERT_TRUE(bridge.HasMember("runtimeConfig"));
  EXPECT_TRUE(bridge["runtimeConfig"].HasMember("ips"));
  EXPECT_FALSE(bridge["runtimeConfig"].HasMember("mac")) << "mac is false in its capabilities";
  EXPECT_FALSE(bridge["runtimeConfig"].HasMember("portMappings"));

  rapidjson::Document portmap;
  portmap.Parse(CniPluginInput(*conflist, 1, R"({"cniVersion": "1.0.0", "ips": []})", runtime).c_str());
  ASSERT_TRUE(portmap.HasMember("prevResult"));
  EXPECT_TRUE(portmap["prevResult"].HasMember("ips"));
  EXPECT_EQ(portmap["runtimeConfig"]["portMappings"][0]["hostPort"].GetInt(), 8080);
  EXPECT_FALSE(portmap["runtimeConfig"].HasMember("stale")) << "the list's own runtimeConfig is replaced";
  EXPECT_FALSE(portmap["runtimeConfig"].HasMember("ips"));

  rapidjson::Document without;
  without.Parse(CniPluginInput(*conflist, 1, "", "{}").c_str());
  EXPECT_FALSE(without.HasMember("runtimeConfig"));
}

TEST(CniConflistTest, FindsPluginsInTheCniPathAndNamesTheMissingOne) {
  char dir_template[] = "/tmp/cni-path-XXXXXX";
  ASSERT_NE(::mkdtemp(dir_template), nullptr);
  const std::string dir = dir_template;
  for (const char* name : {"bridge", "portmap"}) {
    std::ofstream(dir + "/" + name) << "#!/bin/sh\n";
    ::chmod((dir + "/" + name).c_str(), 0755);
  }
  auto conflist = ParseCniConflist(kConflist, "network.cni_conflist");
  ASSERT_TRUE(conflist.ok());
  EXPECT_EQ(*FindCniPlugin("bridge", {"/nonexistent", dir}), dir + "/bridge");
  Status missing = CheckCniPluginsPresent(*conflist, {dir}, "network.cni_conflist");
  EXPECT_EQ(missing.code(), StatusCode::kNotFound);
  EXPECT_EQ(missing.message(), "network.cni_conflist.plugins[0].ipam.type: failed to find plugin "
                               "\"host-local\" in path [" + dir + "]");
  std::ofstream(dir + "/host-local") << "#!/bin/sh\n";
  ::chmod((dir + "/host-local").c_str(), 0755);
  EXPECT_TRUE(CheckCniPluginsPresent(*conflist, {dir}, "network.cni_conflist").ok());
  std::system(("rm -rf " + dir).c_str());
}

}  // namespace
}  // namespace boxcar
