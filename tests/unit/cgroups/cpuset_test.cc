#include "cgroups/cpuset.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <fstream>

#include "../temp_dir.h"

namespace boxcar {
namespace {

TEST(CpusetTest, ListsParseAsTheKernelWritesThem) {
  auto members = ParseCpusetList("0-2,5,7-7", "f");
  ASSERT_TRUE(members.ok()) << members.status().message();
  EXPECT_EQ(*members, (std::set<unsigned>{0, 1, 2, 5, 7}));
  for (const char* bad : {"", "a", "1-", "-1", "2-1", "1,,2", "1, 2", "0-99999999", "1.5"}) {
    auto refused = ParseCpusetList(bad, "spec.limits.cpuset_cpus");
    ASSERT_FALSE(refused.ok()) << bad;
    EXPECT_EQ(refused.status().code(), StatusCode::kInvalidArgument) << bad;
    EXPECT_NE(refused.status().message().find("spec.limits.cpuset_cpus"), std::string::npos);
  }
}

class CpusetOnlineTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_NO_FATAL_FAILURE(MakeTempDir("/tmp/boxcar-cpuset-XXXXXX", &dir_));
    std::ofstream(dir_ + "/cpus") << "0-3\n";
    std::ofstream(dir_ + "/nodes") << "0\n";
  }
  void TearDown() override {
    ::unlink((dir_ + "/cpus").c_str());
    ::unlink((dir_ + "/nodes").c_str());
    ::rmdir(dir_.c_str());
  }
  std::string dir_;
};

TEST_F(CpusetOnlineTest, OnlyOnlineCpusAndNodesPass) {
  EXPECT_TRUE(CheckCpusetCpus("", "f", dir_ + "/cpus").ok()) << "empty: no set";
  EXPECT_TRUE(CheckCpusetCpus("0,2-3", "f", dir_ + "/cpus").ok());
  Status offline = CheckCpusetCpus("2-4", "spec.limits.cpuset_cpus", dir_ + "/cpus");
  EXPECT_EQ(offline.code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(offline.message(),
            "spec.limits.cpuset_cpus: CPU 4 of '2-4' is not online on this host (online: 0-3)");
  EXPECT_TRUE(CheckCpusetMems("0", "f", dir_ + "/nodes").ok());
  EXPECT_FALSE(CheckCpusetMems("1", "f", dir_ + "/nodes").ok());
  // No NUMA node file: node 0 only.
  EXPECT_TRUE(CheckCpusetMems("0", "f", dir_ + "/missing").ok());
  EXPECT_FALSE(CheckCpusetMems("0-1", "f", dir_ + "/missing").ok());
  EXPECT_EQ(CheckCpusetCpus("0", "f", dir_ + "/missing").code(), StatusCode::kFailedPrecondition);
}

}  // namespace
}  // namespace boxcar
