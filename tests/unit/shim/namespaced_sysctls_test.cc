#include "shim/namespaced_sysctls.h"

#include <gtest/gtest.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include <fstream>
#include <sstream>

namespace boxcar {
namespace {

// A stand-in for /proc/sys: plain files where the keys' files are.
class NamespacedSysctlsTest : public ::testing::Test {
 protected:
  NamespacedSysctlsTest() {
    char dir_template[] = "/tmp/boxcar-sysctls-XXXXXX";
    dir_ = ::mkdtemp(dir_template);
    ::mkdir((dir_ + "/kernel").c_str(), 0755);
    ::mkdir((dir_ + "/net").c_str(), 0755);
    ::mkdir((dir_ + "/net/ipv4").c_str(), 0755);
    std::ofstream(dir_ + "/kernel/sem") << "0";
    std::ofstream(dir_ + "/net/ipv4/ip_forward") << "0";
  }
  ~NamespacedSysctlsTest() override { (void)!::system(("rm -rf " + dir_).c_str()); }
  std::string Read(const std::string& path) {
    std::stringstream text;
    text << std::ifstream(dir_ + "/" + path).rdbuf();
    return text.str();
  }
  std::string dir_;
};

TEST_F(NamespacedSysctlsTest, EachValueGoesToItsKeysFile) {
  Status written =
      WriteNamespacedSysctls({"kernel.sem=250 32000 32 128", "net/ipv4/ip_forward=1"}, dir_);
  ASSERT_TRUE(written.ok()) << written.message();
  EXPECT_EQ(Read("kernel/sem"), "250 32000 32 128");
  EXPECT_EQ(Read("net/ipv4/ip_forward"), "1");
}

TEST_F(NamespacedSysctlsTest, AMissingFileFailsNamingTheKey) {
  Status failed = WriteNamespacedSysctls({"net.ipv4.conf.eth9.rp_filter=1"}, dir_);
  ASSERT_FALSE(failed.ok());
  EXPECT_NE(failed.message().find("sysctl net.ipv4.conf.eth9.rp_filter"), std::string::npos)
      << failed.message();
  EXPECT_NE(failed.message().find("net/ipv4/conf/eth9/rp_filter"), std::string::npos)
      << failed.message();
}

}  // namespace
}  // namespace boxcar
