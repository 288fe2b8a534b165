// Conformance, health checks and stops on every backend (conformance_test.cc says how the
// suite works): the probe runs inside the container through the backend's exec, moves the
// status (starting -> unhealthy -> healthy), is killed past its timeout, and the container's
// own stop signal and stop timeout apply.
#include <gtest/gtest.h>

#include <chrono>
#include <string>
#include <vector>

#include "agent_fixture.h"
#include "conformance_fixture.h"
#include "health_check_wait.h"

namespace boxcar::testing {
namespace {

class ConformanceHealthTest : public ConformanceTest {
 protected:
  v1::Container WaitFor(const std::string& id, v1::HealthStatus status) {
    return WaitForHealth([&] { return Inspect(id); }, status);
  }
};

TEST_P(ConformanceHealthTest, ProbesMoveTheStatusAndTheLogKeepsTheirOutput) {
  std::string id = RunDetached({"--health-cmd", "echo probing; test -e /tmp/ok",
                                "--health-interval", "150ms", "--health-retries", "2"},
                               {"sleep", "60"});
  v1::Container started = Inspect(id);
  EXPECT_EQ(started.health().status(), v1::HEALTH_STATUS_STARTING);
  EXPECT_NE(agent_.Cli({"ps"}).out.find("(health: starting)"), std::string::npos);

  v1::Container unhealthy = WaitFor(id, v1::HEALTH_STATUS_UNHEALTHY);
  ASSERT_EQ(unhealthy.health().status(), v1::HEALTH_STATUS_UNHEALTHY);
  EXPECT_GE(unhealthy.health().failing_streak(), 2u);
  ASSERT_GE(unhealthy.health().log_size(), 2);
  EXPECT_EQ(unhealthy.health().log(0).exit_code(), 1);
  EXPECT_EQ(unhealthy.health().log(0).output(), "probing\n");
  EXPECT_GE(unhealthy.health().log(0).end_unix_ns(), unhealthy.health().log(0).start_unix_ns());
  EXPECT_NE(agent_.Cli({"ps"}).out.find("(unhealthy)"), std::string::npos);

  ASSERT_EQ(agent_.Cli({"exec", id, "touch", "/tmp/ok"}).exit_code, 0);
  v1::Container healthy = WaitFor(id, v1::HEALTH_STATUS_HEALTHY);
  EXPECT_EQ(healthy.health().status(), v1::HEALTH_STATUS_HEALTHY);
  EXPECT_EQ(healthy.health().failing_streak(), 0u);
  EXPECT_LE(healthy.health().log_size(), 5);
  EXPECT_EQ(agent_.Cli({"ps", "-q", "--filter", "health=healthy"}).out, id.substr(0, 12) + "\n");
  EXPECT_EQ(agent_.Cli({"ps", "-q", "--filter", "health=unhealthy"}).out, "");

  // Stopped, the check ends and says unhealthy; no probe process is left (the fixture's
  // leak checks) and the status stays as the exit left it.
  ASSERT_EQ(agent_.Cli({"stop", "-t", "1", id}).exit_code, 0);
  v1::Container stopped = Inspect(id);
  EXPECT_EQ(stopped.health().status(), v1::HEALTH_STATUS_UNHEALTHY);
  const int probes = stopped.health().log_size();
  std::this_thread::sleep_for(std::chrono::milliseconds(400));
  EXPECT_EQ(Inspect(id).health().log_size(), probes) << "no probe after the exit";
  EXPECT_EQ(Inspect(id).health().log(probes - 1).SerializeAsString(),
            stopped.health().log(probes - 1).SerializeAsString());

  // Started again: starting again, then healthy (/tmp/ok is in its rootfs still).
  ASSERT_EQ(agent_.Cli({"start", id}).exit_code, 0);
  EXPECT_EQ(Inspect(id).health().status(), v1::HEALTH_STATUS_STARTING);
  EXPECT_EQ(WaitFor(id, v1::HEALTH_STATUS_HEALTHY).health().status(), v1::HEALTH_STATUS_HEALTHY);
}

TEST_P(ConformanceHealthTest, AProbePastItsTimeoutIsKilledAndCountsAsAFailure) {
  std::string id = RunDetached({"--health-cmd", "sleep 37", "--health-timeout", "300ms",
                                "--health-interval", "100ms", "--health-retries", "1"},
                               {"sleep", "60"});
  v1::Container unhealthy = WaitFor(id, v1::HEALTH_STATUS_UNHEALTHY);
  ASSERT_EQ(unhealthy.health().status(), v1::HEALTH_STATUS_UNHEALTHY);
  ASSERT_GE(unhealthy.health().log_size(), 1);
  EXPECT_EQ(unhealthy.health().log(0).exit_code(), -1);
  EXPECT_EQ(unhealthy.health().log(0).output(), "Health check exceeded timeout (300ms)");
  const auto took =
      unhealthy.health().log(0).end_unix_ns() - unhealthy.health().log(0).start_unix_ns();
  EXPECT_GE(took, 300'000'000);
  EXPECT_LT(took, 2'000'000'000);
  // Each probe past its timeout was killed: after ~7 more probes, at most the one in flight
  // runs.
  std::this_thread::sleep_for(std::chrono::seconds(1));
  CommandResult left =
      agent_.Cli({"exec", id, "sh", "-c", "ps -o args | grep -c '^sleep 37' || true"});
  ASSERT_FALSE(left.out.empty()) << left.err;
  EXPECT_LE(std::stoi(left.out), 1) << left.out;
}

TEST_P(ConformanceHealthTest, TheContainersStopSignalAndTimeoutApply) {
  // SIGUSR1 ends it with 3; TERM alone would be ignored.
  std::string id =
      RunDetached({"--stop-signal", "USR1"},
                  {"sh", "-c", "trap 'exit 3' USR1; trap '' TERM; while true; do sleep 0.1; done"});
  ASSERT_EQ(agent_.Cli({"stop", id}).exit_code, 0);
  EXPECT_EQ(Inspect(id).exit_code(), 3);
  EXPECT_EQ(Inspect(id).spec().stop_signal(), "USR1");

  // TERM ignored: without -t, its own stop timeout (1 s) applies, not 10 s.
  std::string stubborn = RunDetached({"--stop-timeout", "1"},
                                     {"sh", "-c", "trap '' TERM; while true; do sleep 0.1; done"});
  auto before = std::chrono::steady_clock::now();
  ASSERT_EQ(agent_.Cli({"stop", stubborn}).exit_code, 0);
  auto took = std::chrono::steady_clock::now() - before;
  EXPECT_GE(took, std::chrono::milliseconds(900));
  EXPECT_LT(took, std::chrono::seconds(5));
  EXPECT_EQ(Inspect(stubborn).exit_code(), 137);
}

INSTANTIATE_TEST_SUITE_P(Backends, ConformanceHealthTest,
                         ::testing::Values("chroot", "lxc", "libvirt"),
                         [](const auto& info) { return info.param; });

}  // namespace
}  // namespace boxcar::testing
