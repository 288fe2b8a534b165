#include "core/node_resources.h"

#include <gtest/gtest.h>

#include "mock_agent_client.h"

namespace boxcar::nova {
namespace {

constexpr uint64_t kMiB = 1024 * 1024;
constexpr uint64_t kGiB = 1024 * kMiB;

TEST(NodeResourcesTest, KernelReleasesBecomeNovaVersionNumbers) {
  EXPECT_EQ(KernelVersionNumber("6.1.0-18-amd64"), 6001000);
  EXPECT_EQ(KernelVersionNumber("6.18.44"), 6018044);
  EXPECT_EQ(KernelVersionNumber("5.15"), 5015000);
  EXPECT_EQ(KernelVersionNumber("weird"), 0);
}

TEST(NodeResourcesTest, TheHostAndItsInstancesUsage) {
  v1::InfoResponse info;
  auto* host = info.mutable_host();
  host->set_hostname("compute1");
  host->set_cpus(4);
  host->set_memory_total_bytes(16 * kGiB);
  host->set_disk_total_bytes(200 * kGiB);
  host->set_disk_available_bytes(150 * kGiB);
  host->set_kernel_release("6.1.0");
  host->set_architecture("x86_64");
  host->set_uptime_seconds(3 * 86400 + 4 * 3600 + 5 * 60 + 7);
  host->set_load_average_1m(0.5);

  v1::Container running = ContainerIn(v1::CONTAINER_STATE_RUNNING, "u1");
  running.mutable_spec()->mutable_limits()->set_memory_bytes(512 * kMiB);
  running.mutable_spec()->mutable_limits()->set_cpu_millis(1500);
  v1::Container stopped = ContainerIn(v1::CONTAINER_STATE_EXITED, "u2");
  stopped.mutable_spec()->mutable_limits()->set_memory_bytes(1024 * kMiB);
  v1::Container not_nova = ContainerIn(v1::CONTAINER_STATE_RUNNING);
  not_nova.mutable_spec()->mutable_limits()->set_memory_bytes(2048 * kMiB);

  NodeResources node = NodeResourcesFor(info, {running, stopped, not_nova});
  EXPECT_EQ(node.hypervisor_type, "docker");
  EXPECT_EQ(node.hypervisor_version, 6001000);
  EXPECT_EQ(node.vcpus, 4u);
  EXPECT_EQ(node.memory_mb, 16384u);
  EXPECT_EQ(node.local_gb, 200u);
  EXPECT_EQ(node.local_gb_used, 50u);
  EXPECT_EQ(node.disk_available_least, 150u);
  EXPECT_EQ(node.memory_mb_used, 512u) << "only running Nova instances count";
  EXPECT_EQ(node.vcpus_used, 2u);
  EXPECT_EQ(UptimeLine(node), "up 3 days, 04:05, load average: 0.50, 0.00, 0.00");
}

}  // namespace
}  // namespace boxcar::nova
