// Conformance, Docker's finer resource flags on every backend (conformance_test.cc says how the
// suite works): --memory-swap, --memory-reservation, --memory-swappiness, --oom-kill-disable,
// --oom-score-adj, --blkio-weight, --cpu-period and --cpu-quota reach the cgroup files (or the
// payload's /proc/self/oom_score_adj), show in inspect, change live with update where Docker
// allows, and bad values are refused naming the field before anything is made.
#include <gtest/gtest.h>
#include <unistd.h>

#include <string>
#include <vector>

#include "agent_fixture.h"
#include "common/atomic_file.h"
#include "conformance_fixture.h"

namespace boxcar::testing {
namespace {

constexpr uint64_t kMiB = 1ull << 20;

class ConformanceResourceTuningTest : public ConformanceTest {
 protected:
  // The trimmed text of a cgroup file of `id`, or "<missing PATH>".
  std::string CgroupValue(const std::string& id, const std::string& controller,
                          const std::string& v1_file, const std::string& v2_file) {
    const std::string path = agent_.CgroupFile(id, controller, v1_file, v2_file);
    auto text = ReadFileToString(path);
    if (!text.ok()) return "<missing " + path + ">";
    std::string value = *text;
    while (!value.empty() && (value.back() == '\n' || value.back() == ' ')) value.pop_back();
    return value;
  }
  // Whether the host has the v1 memory (cpu) hierarchy, as the agent's layout would.
  static bool MemoryIsV1() {
    return ::access("/sys/fs/cgroup/memory/memory.limit_in_bytes", F_OK) == 0;
  }
  static bool CpuIsV1() { return ::access("/sys/fs/cgroup/cpu/cpu.shares", F_OK) == 0; }
};

TEST_P(ConformanceResourceTuningTest, MemorySwapAndReservationReachTheCgroupAndUpdate) {
  std::string id = RunDetached({"-m", "32m", "--memory-swap", "64m", "--memory-reservation", "16m"},
                               {"sleep", "1000"});
  v1::Container record = Inspect(id);
  EXPECT_EQ(record.spec().limits().memory_swap_bytes(), int64_t(64 * kMiB));
  EXPECT_EQ(record.spec().limits().memory_reservation_bytes(), 16 * kMiB);
  if (MemoryIsV1()) {
    const std::string memsw = agent_.CgroupFile(id, "memory", "memory.memsw.limit_in_bytes", "");
    if (::access(memsw.c_str(), F_OK) != 0) {
      GTEST_SKIP() << "this kernel has no swap accounting (no " << memsw << ")";
    }
    EXPECT_EQ(CgroupValue(id, "memory", "memory.memsw.limit_in_bytes", ""),
              std::to_string(64 * kMiB));
    EXPECT_EQ(CgroupValue(id, "memory", "memory.soft_limit_in_bytes", ""),
              std::to_string(16 * kMiB));
  } else {
    EXPECT_EQ(CgroupValue(id, "memory", "", "memory.swap.max"), std::to_string(32 * kMiB))
        << "cgroup2 counts swap apart from memory";
    EXPECT_EQ(CgroupValue(id, "memory", "", "memory.low"), std::to_string(16 * kMiB));
  }

  CommandResult updated =
      agent_.Cli({"update", "--memory-swap", "96m", "--memory-reservation", "8m", id});
  ASSERT_EQ(updated.exit_code, 0) << updated.err;
  EXPECT_EQ(CgroupValue(id, "memory", "memory.memsw.limit_in_bytes", "memory.swap.max"),
            std::to_string(MemoryIsV1() ? 96 * kMiB : 64 * kMiB));
  EXPECT_EQ(CgroupValue(id, "memory", "memory.soft_limit_in_bytes", "memory.low"),
            std::to_string(8 * kMiB));
  EXPECT_EQ(Inspect(id).spec().limits().memory_swap_bytes(), int64_t(96 * kMiB));
  // Lowering memory and swap together, in whichever order the kernel needs.
  updated = agent_.Cli({"update", "-m", "16m", "--memory-swap", "24m", id});
  ASSERT_EQ(updated.exit_code, 0) << updated.err;
  EXPECT_EQ(CgroupValue(id, "memory", "memory.limit_in_bytes", "memory.max"),
            std::to_string(16 * kMiB));
  EXPECT_EQ(CgroupValue(id, "memory", "memory.memsw.limit_in_bytes", "memory.swap.max"),
            std::to_string(MemoryIsV1() ? 24 * kMiB : 8 * kMiB));
  updated = agent_.Cli({"update", "--memory-swap", "-1", id});
  ASSERT_EQ(updated.exit_code, 0) << updated.err;
  std::string unlimited =
      CgroupValue(id, "memory", "memory.memsw.limit_in_bytes", "memory.swap.max");
  EXPECT_TRUE(unlimited == "max" || unlimited.size() >= 18) << unlimited;
  EXPECT_EQ(Inspect(id).spec().limits().memory_swap_bytes(), -1);

  CommandResult below = agent_.Cli({"update", "--memory-swap", "8m", id});
  EXPECT_NE(below.exit_code, 0);
  EXPECT_NE(below.err.find("limits.memory_swap_bytes"), std::string::npos) << below.err;
  CommandResult above = agent_.Cli({"update", "--memory-reservation", "20m", id});
  EXPECT_NE(above.err.find("limits.memory_reservation_bytes"), std::string::npos) << above.err;
}

// Docker: -m alone lets the container use as much swap as memory (MemorySwap = 2 x memory,
// shown by inspect); --memory-swap equal to -m is no swap; an update of -m alone keeps the
// memory+swap limit when it is still at least the memory, and refuses it below (as `docker
// update`); without swap accounting -m alone still works, with swap unlimitable (-1).
TEST_P(ConformanceResourceTuningTest, MemoryAloneGetsAsMuchSwapAsMemory) {
  const std::string memsw_file = MemoryIsV1() ? "memory.memsw.limit_in_bytes" : "memory.swap.max";
  std::string id = RunDetached({"-m", "32m"}, {"sleep", "1000"});
  const std::string swap_path = agent_.CgroupFile(id, "memory", memsw_file, memsw_file);
  if (::access(swap_path.c_str(), F_OK) != 0) {
    EXPECT_EQ(Inspect(id).spec().limits().memory_swap_bytes(), -1) << "no swap accounting";
    EXPECT_EQ(CgroupValue(id, "memory", "memory.limit_in_bytes", "memory.max"),
              std::to_string(32 * kMiB));
    GTEST_SKIP() << "this kernel has no swap accounting (no " << swap_path << ")";
  }
  EXPECT_EQ(Inspect(id).spec().limits().memory_swap_bytes(), int64_t(64 * kMiB));
  auto swap_value = [&](const std::string& container, uint64_t memory, uint64_t memory_swap) {
    EXPECT_EQ(CgroupValue(container, "memory", "memory.limit_in_bytes", "memory.max"),
              std::to_string(memory));
    return CgroupValue(container, "memory", memsw_file, memsw_file) ==
           std::to_string(MemoryIsV1() ? memory_swap : memory_swap - memory);
  };
  EXPECT_TRUE(swap_value(id, 32 * kMiB, 64 * kMiB))
      << CgroupValue(id, "memory", memsw_file, memsw_file);
  // Raising memory alone, still below memory+swap: the memory+swap limit stays (Docker's).
  ASSERT_EQ(agent_.Cli({"update", "-m", "48m", id}).exit_code, 0);
  EXPECT_TRUE(swap_value(id, 48 * kMiB, 64 * kMiB))
      << CgroupValue(id, "memory", memsw_file, memsw_file);
  // Above it: refused, naming the swap field, nothing changed.
  CommandResult above = agent_.Cli({"update", "-m", "96m", id});
  EXPECT_NE(above.exit_code, 0);
  EXPECT_NE(above.err.find("limits.memory_swap_bytes"), std::string::npos) << above.err;
  EXPECT_TRUE(swap_value(id, 48 * kMiB, 64 * kMiB));
  EXPECT_EQ(Inspect(id).spec().limits().memory_bytes(), 48 * kMiB);

  // --memory-swap equal to -m: no swap.
  std::string none = RunDetached({"-m", "32m", "--memory-swap", "32m"}, {"sleep", "1000"});
  EXPECT_TRUE(swap_value(none, 32 * kMiB, 32 * kMiB))
      << CgroupValue(none, "memory", memsw_file, memsw_file);
  // A container without a memory limit given one by update gets the default too.
  std::string later = RunDetached({}, {"sleep", "1000"});
  ASSERT_EQ(agent_.Cli({"update", "-m", "16m", later}).exit_code, 0);
  EXPECT_EQ(Inspect(later).spec().limits().memory_swap_bytes(), int64_t(32 * kMiB));
  EXPECT_TRUE(swap_value(later, 16 * kMiB, 32 * kMiB))
      << CgroupValue(later, "memory", memsw_file, memsw_file);
}

// `update --memory-swap 0` is Docker's "not set": the swap limit stays as it was, alone or
// beside a new -m (the request's own 0 would mean no swap beyond memory).
TEST_P(ConformanceResourceTuningTest, UpdateMemorySwapZeroLeavesTheSwapLimitAsItIs) {
  const std::string memsw_file = MemoryIsV1() ? "memory.memsw.limit_in_bytes" : "memory.swap.max";
  std::string id = RunDetached({"-m", "32m", "--memory-swap", "64m"}, {"sleep", "1000"});
  const std::string swap_path = agent_.CgroupFile(id, "memory", memsw_file, memsw_file);
  if (::access(swap_path.c_str(), F_OK) != 0) {
    GTEST_SKIP() << "this kernel has no swap accounting (no " << swap_path << ")";
  }
  const std::string before = CgroupValue(id, "memory", memsw_file, memsw_file);
  EXPECT_EQ(before, std::to_string(MemoryIsV1() ? 64 * kMiB : 32 * kMiB));
  CommandResult updated = agent_.Cli({"update", "--memory-swap", "0", id});
  ASSERT_EQ(updated.exit_code, 0) << updated.err;
  EXPECT_EQ(updated.out, id + "\n");
  EXPECT_EQ(CgroupValue(id, "memory", memsw_file, memsw_file), before) << "not 'no swap'";
  EXPECT_EQ(Inspect(id).spec().limits().memory_swap_bytes(), int64_t(64 * kMiB));

  updated = agent_.Cli({"update", "-m", "48m", "--memory-swap", "0", id});
  ASSERT_EQ(updated.exit_code, 0) << updated.err;
  EXPECT_EQ(CgroupValue(id, "memory", "memory.limit_in_bytes", "memory.max"),
            std::to_string(48 * kMiB));
  EXPECT_EQ(CgroupValue(id, "memory", memsw_file, memsw_file),
            std::to_string(MemoryIsV1() ? 64 * kMiB : 16 * kMiB))
      << "memory+swap kept while it is at least the new memory";
  EXPECT_EQ(Inspect(id).spec().limits().memory_swap_bytes(), int64_t(64 * kMiB));
}

TEST_P(ConformanceResourceTuningTest, OomScoreAdjReachesThePayloadAndItsExecs) {
  CommandResult once = RunRm({"--oom-score-adj", "500"}, {"cat", "/proc/self/oom_score_adj"});
  EXPECT_EQ(once.out, "500\n") << once.err;
  std::string id = RunDetached({"--oom-score-adj", "300"}, {"sleep", "1000"});
  CommandResult exec = agent_.Cli({"exec", id, "cat", "/proc/self/oom_score_adj"});
  EXPECT_EQ(exec.out, "300\n") << exec.err;
  ASSERT_TRUE(Inspect(id).spec().has_oom_score_adj());
  EXPECT_EQ(Inspect(id).spec().oom_score_adj(), 300);
  // Lowering it below the agent's own needs CAP_SYS_RESOURCE, which a host's bounding set may
  // lack (this one's does): then the start fails naming it, as Docker's does.
  CommandResult lower = RunRm({"--oom-score-adj", "-300"}, {"cat", "/proc/self/oom_score_adj"});
  if (lower.exit_code == 0) {
    EXPECT_EQ(lower.out, "-300\n");
  } else {
    EXPECT_NE(lower.err.find("oom_score_adj"), std::string::npos) << lower.err;
  }
  CommandResult plain = RunRm({}, {"cat", "/proc/self/oom_score_adj"});
  EXPECT_NE(plain.out, "500\n") << "without the flag the payload keeps the agent's";
}

TEST_P(ConformanceResourceTuningTest, CpuPeriodQuotaReachTheCgroupAndUpdate) {
  std::string id =
      RunDetached({"--cpu-period", "50000", "--cpu-quota", "25000"}, {"sleep", "1000"});
  if (CpuIsV1()) {
    EXPECT_EQ(CgroupValue(id, "cpu", "cpu.cfs_period_us", ""), "50000");
    EXPECT_EQ(CgroupValue(id, "cpu", "cpu.cfs_quota_us", ""), "25000");
  } else {
    EXPECT_EQ(CgroupValue(id, "cpu", "", "cpu.max"), "25000 50000");
  }
  EXPECT_EQ(Inspect(id).spec().limits().cpu_period_us(), 50000u);
  EXPECT_EQ(Inspect(id).spec().limits().cpu_quota_us(), 25000);
  CommandResult updated = agent_.Cli({"update", "--cpu-quota", "40000", id});
  ASSERT_EQ(updated.exit_code, 0) << updated.err;
  EXPECT_EQ(CgroupValue(id, "cpu", "cpu.cfs_quota_us", "cpu.max"),
            CpuIsV1() ? "40000" : "40000 50000");
  EXPECT_EQ(CgroupValue(id, "cpu", "cpu.cfs_period_us", "cpu.max"),
            CpuIsV1() ? "50000" : "40000 50000")
      << "the period stays";
  ASSERT_EQ(agent_.Cli({"update", "--cpu-quota", "-1", id}).exit_code, 0);
  EXPECT_EQ(CgroupValue(id, "cpu", "cpu.cfs_quota_us", "cpu.max"), CpuIsV1() ? "-1" : "max 50000");
  CommandResult conflict = agent_.Cli({"update", "--cpus", "1", id});
  EXPECT_NE(conflict.exit_code, 0);
  EXPECT_NE(conflict.err.find("cpu_millis"), std::string::npos) << conflict.err;
}

TEST_P(ConformanceResourceTuningTest, SwappinessAndOomKillDisableOnV1) {
  if (!MemoryIsV1()) {
    ExpectCreateRefused({"--memory-swappiness", "10"}, "limits.memory_swappiness");
    GTEST_SKIP() << "memory.swappiness and memory.oom_control are cgroup v1 files; this host's "
                    "memory controller is on cgroup2";
  }
  std::string id = RunDetached({"-m", "32m", "--memory-swappiness", "10", "--oom-kill-disable"},
                               {"sleep", "1000"});
  EXPECT_EQ(CgroupValue(id, "memory", "memory.swappiness", ""), "10");
  EXPECT_NE(CgroupValue(id, "memory", "memory.oom_control", "").find("oom_kill_disable 1"),
            std::string::npos);
  v1::Container record = Inspect(id);
  EXPECT_TRUE(record.spec().oom_kill_disable());
  ASSERT_TRUE(record.spec().limits().has_memory_swappiness());
  EXPECT_EQ(record.spec().limits().memory_swappiness(), 10u);
  std::string plain = RunDetached({"-m", "32m"}, {"sleep", "1000"});
  EXPECT_NE(CgroupValue(plain, "memory", "memory.oom_control", "").find("oom_kill_disable 0"),
            std::string::npos);
}

TEST_P(ConformanceResourceTuningTest, BlkioWeightReachesTheCgroupOrIsRefusedClearly) {
  // The weight files are never on a hierarchy's root: the agent's parent must exist to tell.
  RunRm({}, {"true"});
  std::string blkio_parent = "/sys/fs/cgroup/blkio/" + agent_.cgroup_parent();
  std::string io_parent = "/sys/fs/cgroup/" + agent_.cgroup_parent();
  const bool v1_file = ::access((blkio_parent + "/blkio.weight").c_str(), F_OK) == 0 ||
                       ::access((blkio_parent + "/blkio.bfq.weight").c_str(), F_OK) == 0;
  const bool v2_file = ::access((io_parent + "/io.weight").c_str(), F_OK) == 0 ||
                       ::access((io_parent + "/io.bfq.weight").c_str(), F_OK) == 0;
  if (!v1_file && !v2_file) {
    CommandResult refused = agent_.Cli({"run", "--rm", "--blkio-weight", "300", "busybox", "true"});
    EXPECT_NE(refused.exit_code, 0);
    EXPECT_NE(refused.err.find("limits.blkio_weight"), std::string::npos) << refused.err;
    EXPECT_NE(refused.err.find("weight"), std::string::npos) << refused.err;
    EXPECT_EQ(agent_.Cli({"ps", "-aq"}).out, "") << "nothing was created";
    GTEST_SKIP() << "this host's I/O scheduler offers no blkio.weight, blkio.bfq.weight, "
                    "io.weight or io.bfq.weight (the refusal above was checked)";
  }
  std::string id = RunDetached({"--blkio-weight", "300"}, {"sleep", "1000"});
  std::string weight =
      CgroupValue(id, "blkio", v1_file ? "blkio.weight" : "", v1_file ? "" : "io.weight");
  if (weight.rfind("<missing", 0) == 0) {
    weight =
        CgroupValue(id, "blkio", v1_file ? "blkio.bfq.weight" : "", v1_file ? "" : "io.bfq.weight");
  }
  EXPECT_NE(weight.find("300"), std::string::npos) << weight;
  EXPECT_EQ(Inspect(id).spec().limits().blkio_weight(), 300u);
  ASSERT_EQ(agent_.Cli({"update", "--blkio-weight", "600", id}).exit_code, 0);
  EXPECT_EQ(Inspect(id).spec().limits().blkio_weight(), 600u);
}

TEST_P(ConformanceResourceTuningTest, BadValuesAreRefusedNamingTheFieldBeforeAnythingIsMade) {
  ExpectCreateRefused({"--memory-swap", "64m"}, "spec.limits.memory_swap_bytes");
  ExpectCreateRefused({"-m", "32m", "--memory-swap", "16m"}, "spec.limits.memory_swap_bytes");
  ExpectCreateRefused({"-m", "32m", "--memory-swap", "-2"}, "--memory-swap");
  ExpectCreateRefused({"-m", "32m", "--memory-reservation", "64m"},
                      "spec.limits.memory_reservation_bytes");
  ExpectCreateRefused({"--memory-swappiness", "101"}, "spec.limits.memory_swappiness");
  ExpectCreateRefused({"--oom-kill-disable"}, "spec.oom_kill_disable");
  ExpectCreateRefused({"--oom-score-adj", "1001"}, "spec.oom_score_adj");
  ExpectCreateRefused({"--blkio-weight", "5"}, "spec.limits.blkio_weight");
  ExpectCreateRefused({"--cpus", "1", "--cpu-quota", "50000"}, "spec.limits.cpu_quota_us");
  ExpectCreateRefused({"--cpus", "1", "--cpu-period", "50000"}, "spec.limits.cpu_period_us");
  ExpectCreateRefused({"--cpu-period", "500"}, "spec.limits.cpu_period_us");
  ExpectCreateRefused({"--cpu-quota", "500"}, "spec.limits.cpu_quota_us");

  v1::ContainerSpec spec;
  spec.set_image("busybox");
  spec.add_command("true");
  spec.mutable_limits()->set_memory_swap_bytes(64 * kMiB);
  grpc::Status refused = Create(spec);
  EXPECT_EQ(refused.error_code(), grpc::StatusCode::INVALID_ARGUMENT) << refused.error_message();
  EXPECT_NE(refused.error_message().find("spec.limits.memory_swap_bytes"), std::string::npos)
      << refused.error_message();
  spec.clear_limits();
  spec.set_oom_score_adj(-1001);
  refused = Create(spec);
  EXPECT_EQ(refused.error_code(), grpc::StatusCode::INVALID_ARGUMENT) << refused.error_message();
  EXPECT_EQ(agent_.Cli({"ps", "-aq"}).out, "") << "nothing was created";
  EXPECT_EQ(agent_.Cli({"volume", "ls", "-q"}).out, "");
}

INSTANTIATE_TEST_SUITE_P(Backends, ConformanceResourceTuningTest,
                         ::testing::Values("chroot", "lxc", "libvirt"),
                         [](const auto& info) { return info.param; });

}  // namespace
}  // namespace boxcar::testing
