#include "api/host_resources.h"

#include <gtest/gtest.h>

namespace boxcar {
namespace {

TEST(HostResourcesTest, ParsesMeminfoInKibibytes) {
  v1::HostResources host;
  ParseMeminfo("MemTotal:       24576000 kB\nMemFree:  100 kB\nMemAvailable:   1000 kB\n", &host);
  EXPECT_EQ(host.memory_total_bytes(), 24576000ull * 1024);
  EXPECT_EQ(host.memory_available_bytes(), 1000ull * 1024);
}

TEST(HostResourcesTest, ParsesTheFirstCpuModel) {
  EXPECT_EQ(ParseCpuModel("processor\t: 0\nmodel name\t: AMD EPYC 7B13\nprocessor\t: 1\n"
                          "model name\t: other\n"),
            "AMD EPYC 7B13");
  EXPECT_EQ(ParseCpuModel("processor : 0\n"), "");
}

TEST(HostResourcesTest, ParsesUptimeAndLoad) {
  v1::HostResources host;
  ParseUptime("12345.67 2345.00\n", &host);
  ParseLoadAverage("0.50 1.25 2.00 1/123 4567\n", &host);
  EXPECT_DOUBLE_EQ(host.uptime_seconds(), 12345.67);
  EXPECT_DOUBLE_EQ(host.load_average_1m(), 0.5);
  EXPECT_DOUBLE_EQ(host.load_average_5m(), 1.25);
  EXPECT_DOUBLE_EQ(host.load_average_15m(), 2.0);
}

TEST(HostResourcesTest, ReadsThisHost) {
  auto host = ReadHostResources("/");
  ASSERT_TRUE(host.ok()) << host.status().message();
  EXPECT_GT(host->cpus(), 0u);
  EXPECT_GT(host->memory_total_bytes(), host->memory_available_bytes());
  EXPECT_GT(host->disk_total_bytes(), 0u);
  EXPECT_GT(host->uptime_seconds(), 0);
  EXPECT_FALSE(host->kernel_release().empty());
}

TEST(HostResourcesTest, NamesTheRootItCannotStat) {
  auto host = ReadHostResources("/nonexistent/boxcar-root");
  ASSERT_FALSE(host.ok());
  EXPECT_NE(host.status().message().find("statvfs '/nonexistent/boxcar-root'"), std::string::npos);
}

}  // namespace
}  // namespace boxcar
