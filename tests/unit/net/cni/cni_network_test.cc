// The conflist loop against fake plugins (shell scripts that log their calls and stdin).
#include "net/cni/cni_network.h"

#include <gtest/gtest.h>
#include <rapidjson/document.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstdlib>
#include <fstream>
#include <sstream>

#include "../../temp_dir.h"

namespace boxcar {
namespace {

const char* kFakePlugin = R"(#!/bin/sh
d=$(dirname "$0"); n=$(basename "$0")
cat > "$d/$n.$CNI_COMMAND.stdin"
echo "$CNI_COMMAND $n $CNI_CONTAINERID $CNI_IFNAME $CNI_NETNS $CNI_ARGS" >> "$d/log"
if [ -e "$d/fail-$n-$CNI_COMMAND" ]; then
  [ -e "$d/fail-$n-$CNI_COMMAND-always" ] || rm "$d/fail-$n-$CNI_COMMAND"
  echo "{\"code\": 999, \"msg\": \"$(cat "$d/fail-$n-$CNI_COMMAND-msg" 2>/dev/null || echo $n failed as asked)\"}"
  exit 1
fi
[ "$CNI_COMMAND" = ADD ] && echo "{\"cniVersion\": \"1.0.0\", \"ips\": [{\"address\": \"10.9.0.5/24\"}], \"from\": \"$n\"}"
exit 0
)";

class CniNetworkTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_NO_FATAL_FAILURE(MakeTempDir("/tmp/cni-fake-XXXXXX", &dir_));
    for (const char* name : {"a", "b", "portmap"}) {
      std::ofstream(dir_ + "/" + name) << kFakePlugin;
      ::chmod((dir_ + "/" + name).c_str(), 0755);
    }
    auto conflist = ParseCniConflist(R"({"cniVersion": "1.0.0", "name": "fake", "plugins": [
        {"type": "a"}, {"type": "b"}, {"type": "portmap", "capabilities": {"portMappings": true}}]})",
                                     "c");
    ASSERT_TRUE(conflist.ok());
    conflist_ = *conflist;
    attachment_.container_id = "c0ffee";
    attachment_.network = "fake";
    attachment_.netns_path = "/run/netns/x";
    attachment_.runtime_config_json =
        R"({"portMappings": [{"hostPort": 8080, "containerPort": 80, "protocol": "tcp"}]})";
  }
  void TearDown() override { std::system(("rm -rf " + dir_).c_str()); }
  std::string Read(const std::string& name) const {
    std::ifstream file(dir_ + "/" + name);
    std::stringstream text;
    text << file.rdbuf();
    return text.str();
  }
  void Touch(const std::string& name) const { std::ofstream(dir_ + "/" + name) << ""; }
  std::string dir_;
  CniConflist conflist_;
  CniAttachment attachment_;
};

TEST_F(CniNetworkTest, AddChainsResultsAndDelGoesInReverseWithTheCachedResult) {
  CniPluginExec exec({"/nonexistent", dir_});
  CniNetwork network(&exec, conflist_);
  auto result = network.Add(attachment_);
  ASSERT_TRUE(result.ok()) << result.status().message();
  EXPECT_NE(result->find("\"from\": \"portmap\""), std::string::npos) << *result;
  rapidjson::Document b_input;
  b_input.Parse(Read("b.ADD.stdin").c_str());
  EXPECT_STREQ(b_input["prevResult"]["from"].GetString(), "a");
  EXPECT_FALSE(b_input.HasMember("runtimeConfig"));
  rapidjson::Document portmap_input;
  portmap_input.Parse(Read("portmap.ADD.stdin").c_str());
  EXPECT_EQ(portmap_input["runtimeConfig"]["portMappings"][0]["hostPort"].GetInt(), 8080);

  attachment_.result_json = *result;
  ASSERT_TRUE(network.Del(attachment_).ok());
  EXPECT_EQ(Read("log"),
            "ADD a c0ffee eth0 /run/netns/x IgnoreUnknown=1\n"
            "ADD b c0ffee eth0 /run/netns/x IgnoreUnknown=1\n"
            "ADD portmap c0ffee eth0 /run/netns/x IgnoreUnknown=1\n"
            "DEL portmap c0ffee eth0 /run/netns/x IgnoreUnknown=1\n"
            "DEL b c0ffee eth0 /run/netns/x IgnoreUnknown=1\n"
            "DEL a c0ffee eth0 /run/netns/x IgnoreUnknown=1\n");
  // portmap's DEL gets the mappings again (1.1.1 leaves its rules otherwise), every DEL the
  // cached final result.
  rapidjson::Document portmap_del;
  portmap_del.Parse(Read("portmap.DEL.stdin").c_str());
  EXPECT_EQ(portmap_del["runtimeConfig"]["portMappings"][0]["containerPort"].GetInt(), 80);
  rapidjson::Document a_del;
  a_del.Parse(Read("a.DEL.stdin").c_str());
  EXPECT_STREQ(a_del["prevResult"]["from"].GetString(), "portmap");
}

TEST_F(CniNetworkTest, FailedAddIsDeletedAndAFailedDelIsTriedOnceMore) {
  Touch("fail-b-ADD");
  Touch("fail-a-DEL");
  CniPluginExec exec({dir_});
  auto result = CniNetwork(&exec, conflist_).Add(attachment_);
  ASSERT_FALSE(result.ok());
  EXPECT_EQ(result.status().message(),
            "network fake: CNI plugin b ADD: b failed as asked [CNI error 999]");
  EXPECT_EQ(Read("log"),
            "ADD a c0ffee eth0 /run/netns/x IgnoreUnknown=1\n"
            "ADD b c0ffee eth0 /run/netns/x IgnoreUnknown=1\n"
            "DEL portmap c0ffee eth0 /run/netns/x IgnoreUnknown=1\n"
            "DEL b c0ffee eth0 /run/netns/x IgnoreUnknown=1\n"
            "DEL a c0ffee eth0 /run/netns/x IgnoreUnknown=1\n"
            "DEL a c0ffee eth0 /run/netns/x IgnoreUnknown=1\n");
}

TEST_F(CniNetworkTest, DelTriesEveryPluginAndReportsTheFirstFailure) {
  Touch("fail-b-DEL");
  Touch("fail-b-DEL-always");
  CniPluginExec exec({dir_});
  Status deleted = CniNetwork(&exec, conflist_).Del(attachment_);
  EXPECT_EQ(deleted.message(), "network fake: CNI plugin b DEL: b failed as asked [CNI error 999]");
  EXPECT_NE(Read("log").find("DEL a"), std::string::npos) << "a still got its DEL";
}

TEST_F(CniNetworkTest, CheckSkipsPortmapAndHonoursDisableCheck) {
  CniPluginExec exec({dir_});
  attachment_.result_json = R"({"cniVersion": "1.0.0", "from": "cache"})";
  ASSERT_TRUE(CniNetwork(&exec, conflist_).Check(attachment_).ok());
  EXPECT_EQ(Read("log"),
            "CHECK a c0ffee eth0 /run/netns/x IgnoreUnknown=1\n"
            "CHECK b c0ffee eth0 /run/netns/x IgnoreUnknown=1\n");
  rapidjson::Document a_check;
  a_check.Parse(Read("a.CHECK.stdin").c_str());
  EXPECT_STREQ(a_check["prevResult"]["from"].GetString(), "cache");
  conflist_.disable_check = true;
  Touch("fail-a-CHECK");
  EXPECT_TRUE(CniNetwork(&exec, conflist_).Check(attachment_).ok());
}

TEST_F(CniNetworkTest, PluginErrorsMapToStatusCodes) {
  CniPluginExec exec({dir_});
  std::ofstream(dir_ + "/fail-a-ADD-msg")
      << "failed to allocate for range 0: no IP addresses available in range set: 10.9.0.2-10.9.0.2";
  Touch("fail-a-ADD");
  auto full = exec.Run("a", {"ADD", "c", "/x", "eth0", ""}, "{}");
  EXPECT_EQ(full.status().code(), StatusCode::kResourceExhausted);
  auto missing = exec.Run("nosuch", {"ADD", "c", "/x", "eth0", ""}, "{}");
  EXPECT_EQ(missing.status().code(), StatusCode::kNotFound);
  EXPECT_NE(missing.status().message().find("failed to find plugin \"nosuch\""), std::string::npos);
}

}  // namespace
}  // namespace boxcar
