// Health checks beyond the backends' conformance: an image's HEALTHCHECK (from a build) runs
// unless --no-healthcheck, probing goes on across an agent restart, status changes are
// events, and bad values are refused naming the field with nothing created.
#include <gtest/gtest.h>

#include <chrono>
#include <fstream>
#include <string>
#include <thread>

#include "agent_fixture.h"
#include "health_check_wait.h"

namespace boxcar::testing {
namespace {

class ContainerHealthTest : public ::testing::Test, public AgentFixture {
 protected:
  void SetUp() override { StartAgentWithBusybox({}); }
  void TearDown() override { StopAgentAndCheckLeftovers(); }

  v1::Container WaitFor(const std::string& id, v1::HealthStatus status) {
    return WaitForHealth([&] { return Inspect(id); }, status);
  }
};

TEST_F(ContainerHealthTest, TheImagesHealthcheckRunsUnlessTurnedOff) {
  const std::string context = agent_.work_dir() + "/hc-context";
  ASSERT_EQ(::system(("mkdir -p " + context).c_str()), 0);
  std::ofstream(context + "/Dockerfile")
      << "FROM busybox\n"
         "HEALTHCHECK --interval=150ms --timeout=2s --retries=2 CMD test -e /ready\n"
         "STOPSIGNAL SIGUSR1\n";
  CommandResult built = agent_.Cli({"build", "-t", "checked:1", context});
  ASSERT_EQ(built.exit_code, 0) << built.out << built.err;
  CommandResult image = agent_.Cli({"image", "inspect", "checked:1"});
  EXPECT_NE(image.out.find("\"healthcheck\""), std::string::npos) << image.out;

  std::string id = agent_.Cli({"run", "-d", "checked:1", "sleep", "60"}).out;
  id = id.substr(0, id.find('\n'));
  ASSERT_FALSE(id.empty());
  v1::Container created = Inspect(id);
  // The image's check and stop signal are the container's own since its create.
  ASSERT_EQ(created.spec().healthcheck().test_size(), 2);
  EXPECT_EQ(created.spec().healthcheck().test(0), "CMD-SHELL");  // the shell form
  EXPECT_EQ(created.spec().healthcheck().test(1), "test -e /ready");
  EXPECT_EQ(created.spec().healthcheck().interval_ns(), 150'000'000);
  EXPECT_EQ(created.spec().healthcheck().retries(), 2);
  EXPECT_EQ(created.spec().stop_signal(), "SIGUSR1");
  EXPECT_EQ(WaitFor(id, v1::HEALTH_STATUS_UNHEALTHY).health().status(),
            v1::HEALTH_STATUS_UNHEALTHY);
  ASSERT_EQ(agent_.Cli({"exec", id, "touch", "/ready"}).exit_code, 0);
  EXPECT_EQ(WaitFor(id, v1::HEALTH_STATUS_HEALTHY).health().status(), v1::HEALTH_STATUS_HEALTHY);

  // --health-interval alone tunes the image's check; --no-healthcheck turns it off.
  std::string tuned = agent_.Cli({"create", "--health-interval", "1h", "checked:1", "true"}).out;
  tuned = tuned.substr(0, tuned.find('\n'));
  EXPECT_EQ(Inspect(tuned).spec().healthcheck().interval_ns(), 3'600'000'000'000);
  EXPECT_EQ(Inspect(tuned).spec().healthcheck().test(1), "test -e /ready");
  EXPECT_EQ(Inspect(tuned).spec().healthcheck().retries(), 2);
  std::string off = agent_.Cli({"run", "-d", "--no-healthcheck", "checked:1", "sleep", "60"}).out;
  off = off.substr(0, off.find('\n'));
  std::this_thread::sleep_for(std::chrono::milliseconds(500));
  v1::Container unchecked = Inspect(off);
  EXPECT_EQ(unchecked.health().status(), v1::HEALTH_STATUS_NONE);
  EXPECT_EQ(unchecked.health().log_size(), 0);
  EXPECT_EQ(agent_.Cli({"ps", "-q", "--filter", "health=none"}).out, off.substr(0, 12) + "\n");
}

// Docker's start interval: while a container is starting within its start period the check
// runs every start interval (the image's HEALTHCHECK --start-interval or the flag), after that
// every interval.
TEST_F(ContainerHealthTest, TheStartIntervalProbesOftenWhileStartingThenTheIntervalRules) {
  const std::string context = agent_.work_dir() + "/start-interval-context";
  ASSERT_EQ(::system(("mkdir -p " + context).c_str()), 0);
  std::ofstream(context + "/Dockerfile")
      << "FROM busybox\n"
         "HEALTHCHECK --interval=1h --start-period=1m --start-interval=150ms CMD test -e /ready\n";
  CommandResult built = agent_.Cli({"build", "-t", "starting:1", context});
  ASSERT_EQ(built.exit_code, 0) << built.out << built.err;
  std::string id = agent_.Cli({"run", "-d", "starting:1", "sleep", "60"}).out;
  id = id.substr(0, id.find('\n'));
  ASSERT_FALSE(id.empty());
  EXPECT_EQ(Inspect(id).spec().healthcheck().start_interval_ns(), 150'000'000);
  std::this_thread::sleep_for(std::chrono::milliseconds(1200));
  v1::Container starting = Inspect(id);
  // Failed probes inside the start period: still starting, several probes already.
  EXPECT_EQ(starting.health().status(), v1::HEALTH_STATUS_STARTING);
  EXPECT_GE(starting.health().log_size(), 3) << starting.health().DebugString();
  ASSERT_EQ(agent_.Cli({"exec", id, "touch", "/ready"}).exit_code, 0);
  v1::Container healthy = WaitFor(id, v1::HEALTH_STATUS_HEALTHY);
  ASSERT_EQ(healthy.health().status(), v1::HEALTH_STATUS_HEALTHY);
  // Healthy: the hour's interval now, no more probes.
  std::this_thread::sleep_for(std::chrono::milliseconds(600));
  v1::Container later = Inspect(id);
  ASSERT_GT(later.health().log_size(), 0);
  EXPECT_EQ(later.health().log(later.health().log_size() - 1).start_unix_ns(),
            healthy.health().log(healthy.health().log_size() - 1).start_unix_ns());

  // The flag over the image's default (5 s): healthy well before the interval's hour.
  std::string flagged =
      RunDetached({"--health-cmd", "true", "--health-interval", "1h", "--health-start-period", "1m",
                   "--health-start-interval", "100ms"},
                  {"sleep", "60"});
  EXPECT_EQ(Inspect(flagged).spec().healthcheck().start_interval_ns(), 100'000'000);
  EXPECT_EQ(WaitForHealth([&] { return Inspect(flagged); }, v1::HEALTH_STATUS_HEALTHY,
                          std::chrono::seconds(3))
                .health()
                .status(),
            v1::HEALTH_STATUS_HEALTHY);
}

TEST_F(ContainerHealthTest, ProbingGoesOnAcrossAnAgentRestartAndChangesAreEvents) {
  std::string id = RunDetached({"--name", "probed", "--health-cmd", "test -e /tmp/ok",
                                "--health-interval", "100ms", "--health-retries", "1"},
                               {"sleep", "60"});
  ASSERT_EQ(WaitFor(id, v1::HEALTH_STATUS_UNHEALTHY).health().status(),
            v1::HEALTH_STATUS_UNHEALTHY);
  agent_.Stop();
  RestartAgent();
  // The record kept the status; the probes start again and see the change.
  EXPECT_EQ(Inspect(id).health().status(), v1::HEALTH_STATUS_UNHEALTHY);
  grpc::ClientContext context;
  context.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(15));
  v1::EventsRequest request;
  request.add_containers(id);
  auto reader = agent_.containers().Events(&context, request);
  reader->WaitForInitialMetadata();  // subscribed
  ASSERT_EQ(agent_.Cli({"exec", id, "touch", "/tmp/ok"}).exit_code, 0);
  std::vector<v1::ContainerEvent> seen;
  v1::ContainerEvent event;
  while (reader->Read(&event)) {
    seen.push_back(event);
    if (event.type() == v1::EVENT_TYPE_HEALTH_STATUS) break;
  }
  context.TryCancel();
  ASSERT_FALSE(seen.empty());
  EXPECT_EQ(seen.back().type(), v1::EVENT_TYPE_HEALTH_STATUS);
  EXPECT_EQ(seen.back().health_status(), v1::HEALTH_STATUS_HEALTHY);
  EXPECT_EQ(seen.back().name(), "probed");
  int execs = 0;
  for (const auto& each : seen) execs += each.type() == v1::EVENT_TYPE_EXEC_STARTED;
  EXPECT_EQ(execs, 1) << "the touch's exec only: probes are no exec events";
  EXPECT_EQ(Inspect(id).health().status(), v1::HEALTH_STATUS_HEALTHY);
}

TEST_F(ContainerHealthTest, BadValuesAreRefusedNamingTheFieldAndCreateNothing) {
  CommandResult short_interval =
      agent_.Cli({"create", "--health-cmd", "true", "--health-interval", "500us", "busybox"});
  EXPECT_EQ(short_interval.exit_code, 125);
  EXPECT_NE(short_interval.err.find("spec.healthcheck.interval_ns"), std::string::npos)
      << short_interval.err;
  CommandResult signal = agent_.Cli({"create", "--stop-signal", "SIGNOPE", "busybox"});
  EXPECT_NE(signal.exit_code, 0);
  EXPECT_NE(signal.err.find("spec.stop_signal: 'SIGNOPE' is not a signal"), std::string::npos)
      << signal.err;
  CommandResult both =
      agent_.Cli({"create", "--no-healthcheck", "--health-cmd", "true", "busybox"});
  EXPECT_NE(both.exit_code, 0);
  EXPECT_NE(both.err.find("--no-healthcheck conflicts"), std::string::npos) << both.err;
  v1::ContainerSpec spec;
  spec.set_image("busybox");
  spec.mutable_healthcheck()->add_test("CMD");
  grpc::Status refused = Create(spec);
  EXPECT_EQ(refused.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_NE(refused.error_message().find("spec.healthcheck.test"), std::string::npos);
  EXPECT_EQ(agent_.Cli({"ps", "-a", "-q"}).out, "") << "nothing was created";
}

}  // namespace
}  // namespace boxcar::testing
