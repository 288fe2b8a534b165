#include "net/cni/cni_result_cache.h"

#include <gtest/gtest.h>
#include <stdlib.h>

#include <cstdlib>
#include <fstream>

namespace boxcar {
namespace {

TEST(CniResultCacheTest, SavesLoadsAndRemovesEntriesAndSkipsBrokenFiles) {
  char dir_template[] = "/tmp/cni-cache-XXXXXX";
  ASSERT_NE(::mkdtemp(dir_template), nullptr);
  const std::string root = dir_template;
  CniResultCache cache(root + "/cni/results");
  auto empty = cache.LoadAll();
  ASSERT_TRUE(empty.ok()) << "no directory yet is no entry";
  EXPECT_TRUE(empty->empty());

  CniAttachment attachment;
  attachment.container_id = "abc123";
  attachment.network = "web";
  attachment.netns_path = root + "/cni/netns/abc123";
  attachment.conflist_json = R"({"cniVersion": "1.0.0", "name": "web", "plugins": [{"type": "bridge"}]})";
  attachment.runtime_config_json = R"({"portMappings": [{"hostPort": 8080}]})";
  ASSERT_TRUE(cache.Save(attachment).ok());
  attachment.result_json = R"({"ips": [{"address": "10.1.0.2/24"}]})";
  ASSERT_TRUE(cache.Save(attachment).ok()) << "replaced atomically";
  std::ofstream(root + "/cni/results/broken.json") << "{";
  std::ofstream(root + "/cni/results/other.json") << R"({"containerId": "not-other"})";

  auto loaded = cache.LoadAll();
  ASSERT_TRUE(loaded.ok());
  ASSERT_EQ(loaded->size(), 1u);
  const CniAttachment& back = loaded->front();
  EXPECT_EQ(back.container_id, "abc123");
  EXPECT_EQ(back.network, "web");
  EXPECT_EQ(back.netns_path, attachment.netns_path);
  EXPECT_EQ(back.ifname, "eth0");
  EXPECT_EQ(back.conflist_json, attachment.conflist_json);
  EXPECT_EQ(back.runtime_config_json, attachment.runtime_config_json);
  EXPECT_EQ(back.result_json, attachment.result_json);

  ASSERT_TRUE(cache.Remove("abc123").ok());
  ASSERT_TRUE(cache.Remove("abc123").ok()) << "absent is fine";
  EXPECT_TRUE(cache.LoadAll()->empty());
  std::system(("rm -rf " + root).c_str());
}

}  // namespace
}  // namespace boxcar
