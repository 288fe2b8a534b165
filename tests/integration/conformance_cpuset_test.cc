// Conformance, --cpuset-cpus and --cpuset-mems on every backend (conformance_test.cc says how
// the suite works): the payload and its execs may run only on the CPUs (allocate only on the
// nodes) given, update changes them on a running container, and lists the host does not have
// are refused naming the field before anything is made.
#include <gtest/gtest.h>
#include <unistd.h>

#include <chrono>
#include <string>
#include <thread>
#include <tuple>

#include "agent_fixture.h"
#include "common/atomic_file.h"
#include "conformance_fixture.h"

namespace boxcar::testing {
namespace {

class ConformanceCpusetTest : public ConformanceTest {
 protected:
  void SetUp() override {
    ConformanceTest::SetUp();
    if (::sysconf(_SC_NPROCESSORS_ONLN) < 2) GTEST_SKIP() << "needs two online CPUs";
  }

  // The Cpus_allowed_list (or another key) line of `pid` inside the running container `id`.
  std::string AllowedInside(const std::string& id, const std::string& pid,
                            const std::string& key = "Cpus_allowed_list") {
    return agent_.Cli({"exec", id, "grep", key, "/proc/" + pid + "/status"}).out;
  }
};

TEST_P(ConformanceCpusetTest, PayloadRunsOnlyOnTheGivenCpus) {
  CommandResult one =
      RunRm({"--cpuset-cpus", "1"}, {"grep", "-e", "Cpus_allowed_list", "/proc/self/status"});
  EXPECT_EQ(one.out, "Cpus_allowed_list:\t1\n") << one.err;
  CommandResult both = RunRm({"--cpuset-cpus", "0,1", "--cpuset-mems", "0"},
                             {"grep", "_allowed_list", "/proc/self/status"});
  EXPECT_EQ(both.out, "Cpus_allowed_list:\t0-1\nMems_allowed_list:\t0\n") << both.err;

  std::string id = RunDetached({"--cpuset-cpus", "0"}, {"sleep", "1000"});
  EXPECT_EQ(AllowedInside(id, "self"), "Cpus_allowed_list:\t0\n") << "an exec joins the cpuset";
  EXPECT_EQ(Inspect(id).spec().limits().cpuset_cpus(), "0");
}

// On a backend that prewarms helpers in cgroup slots (v1 and hybrid hosts), a container given
// a cpuset takes one too: the slot becomes its cgroups, its cpuset cgroup is made beside them
// and the payload joins it (its execs too); nothing falls back.
TEST_P(ConformanceCpusetTest, ACpusetContainerTakesAPrewarmedSlot) {
  if (capabilities_.count("prewarm") == 0 ||
      ::access("/sys/fs/cgroup/cpuset/cpuset.cpus", F_OK) != 0) {
    GTEST_SKIP() << "no prewarmed cgroup slots here (a backend without prewarm, or no v1 cpuset)";
  }
  bool prewarmed = false;
  for (int attempt = 0; attempt < 20 && !prewarmed; ++attempt) {
    std::this_thread::sleep_for(std::chrono::milliseconds(300));  // the pool refills
    std::string id = RunDetached({"--cpuset-cpus", "1"}, {"sleep", "1000"});
    EXPECT_EQ(AllowedInside(id, "1"), "Cpus_allowed_list:\t1\n");
    EXPECT_EQ(AllowedInside(id, "self"), "Cpus_allowed_list:\t1\n") << "an exec joins it";
    // The backend has no helper of its own in the cgroups: 1 is the prewarmed one.
    prewarmed = Inspect(id).cgroup_helper_processes() == 1;
    agent_.Cli({"rm", "-f", id});
  }
  EXPECT_TRUE(prewarmed) << "no start with --cpuset-cpus took a prewarmed slot";
  grpc::ClientContext context;
  v1::InfoResponse info;
  ASSERT_TRUE(agent_.system().Info(&context, {}, &info).ok());
  EXPECT_EQ(info.prewarm_fallbacks().cgroup_slots(), 0u);
}

TEST_P(ConformanceCpusetTest, UpdateChangesTheCpusOfARunningContainer) {
  std::string id = RunDetached({}, {"sleep", "1000"});
  EXPECT_EQ(AllowedInside(id, "1"), "Cpus_allowed_list:\t0-1\n");
  // A container run without the flags has no cpuset cgroup of its own.
  const std::string cpuset_dir = "/sys/fs/cgroup/cpuset/" + agent_.cgroup_parent() + "/" + id;
  if (::access("/sys/fs/cgroup/cpuset", F_OK) == 0) {
    EXPECT_NE(::access(cpuset_dir.c_str(), F_OK), 0) << cpuset_dir;
  }

  CommandResult updated = agent_.Cli({"update", "--cpuset-cpus", "1", id});
  ASSERT_EQ(updated.exit_code, 0) << updated.err;
  EXPECT_EQ(AllowedInside(id, "1"), "Cpus_allowed_list:\t1\n") << "the payload moved";
  EXPECT_EQ(AllowedInside(id, "self"), "Cpus_allowed_list:\t1\n");
  EXPECT_EQ(Inspect(id).spec().limits().cpuset_cpus(), "1") << "the new set persists";

  ASSERT_EQ(agent_.Cli({"update", "--cpuset-cpus", "", id}).exit_code, 0);
  EXPECT_EQ(AllowedInside(id, "1"), "Cpus_allowed_list:\t0-1\n") << "\"\" gives every CPU back";

  CommandResult offline = agent_.Cli({"update", "--cpuset-cpus", "0-63", id});
  EXPECT_NE(offline.exit_code, 0);
  EXPECT_NE(offline.err.find("cpuset_cpus"), std::string::npos) << offline.err;
}

TEST_P(ConformanceCpusetTest, ListsTheHostLacksAreRefusedBeforeAnythingIsMade) {
  for (const auto& [cpus, mems, field] : {std::tuple{"64", "", "spec.limits.cpuset_cpus"},
                                          std::tuple{"1-0", "", "spec.limits.cpuset_cpus"},
                                          std::tuple{"a", "", "spec.limits.cpuset_cpus"},
                                          std::tuple{"0", "7", "spec.limits.cpuset_mems"}}) {
    v1::ContainerSpec spec;
    spec.set_image("busybox");
    spec.add_command("true");
    spec.mutable_limits()->set_cpuset_cpus(cpus);
    spec.mutable_limits()->set_cpuset_mems(mems);
    grpc::Status refused = Create(spec);
    EXPECT_EQ(refused.error_code(), grpc::StatusCode::INVALID_ARGUMENT) << cpus << " " << mems;
    EXPECT_NE(refused.error_message().find(field), std::string::npos) << refused.error_message();
  }
  CommandResult cli = agent_.Cli({"create", "--cpuset-cpus", "64", "busybox", "true"});
  EXPECT_NE(cli.exit_code, 0);
  EXPECT_NE(cli.err.find("spec.limits.cpuset_cpus"), std::string::npos) << cli.err;
  EXPECT_EQ(agent_.Cli({"ps", "-aq"}).out, "") << "nothing was created";
}

INSTANTIATE_TEST_SUITE_P(Backends, ConformanceCpusetTest,
                         ::testing::Values("chroot", "lxc", "libvirt"),
                         [](const auto& info) { return info.param; });

}  // namespace
}  // namespace boxcar::testing
