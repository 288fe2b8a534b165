// Conformance, the life cycle on every backend (conformance_test.cc says how the suite
// works): stop, logs, remove, restart, pause, events, restart policies, and containers
// surviving kill -9 of the agent.
#include <dirent.h>
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstring>
#include <mutex>
#include <sstream>
#include <thread>

#include "agent_fixture.h"
#include "common/atomic_file.h"
#include "conformance_fixture.h"

namespace boxcar::testing {
namespace {

class ConformanceLifecycleTest : public ConformanceTest {};

TEST_P(ConformanceLifecycleTest, StopSendsTermThenKill) {
  // sleep as PID 1 has no TERM handler, so only SIGKILL ends it.
  std::string stubborn = RunDetached({}, {"sleep", "100"});
  auto begin = std::chrono::steady_clock::now();
  CommandResult stop = agent_.Cli({"stop", "-t", "1", stubborn});
  auto took = std::chrono::steady_clock::now() - begin;
  EXPECT_EQ(stop.exit_code, 0) << stop.err;
  EXPECT_GE(took, std::chrono::milliseconds(900));
  v1::Container killed = Inspect(stubborn);
  EXPECT_EQ(killed.state(), v1::CONTAINER_STATE_EXITED);
  EXPECT_EQ(killed.exit_code(), 137);
  EXPECT_EQ(killed.exit_signal(), SIGKILL);

  std::string polite =
      RunDetached({}, {"sh", "-c", "trap 'exit 42' TERM; while true; do sleep 0.05; done"});
  std::this_thread::sleep_for(std::chrono::milliseconds(200));
  CommandResult kill = agent_.Cli({"kill", "-s", "TERM", polite});
  EXPECT_EQ(kill.exit_code, 0) << kill.err;
  CommandResult wait = agent_.Cli({"wait", polite});
  EXPECT_EQ(wait.out, "42\n");
  EXPECT_EQ(wait.exit_code, 0) << "wait prints the code and succeeds, as Docker's";
  CommandResult kill_exited = agent_.Cli({"kill", polite});
  EXPECT_EQ(kill_exited.exit_code, 1);
  EXPECT_NE(kill_exited.err.find("not running"), std::string::npos) << kill_exited.err;
}

TEST_P(ConformanceLifecycleTest, LogsCaptureAndFollow) {
  std::string id =
      RunDetached({"--name", "talker"},
                  {"sh", "-c", "echo one; sleep 0.3; echo two >&2; sleep 0.2; echo three"});
  CommandResult follow = agent_.Cli({"logs", "-f", "talker"});
  EXPECT_EQ(follow.out, "one\nthree\n");
  EXPECT_EQ(follow.err, "two\n");
  CommandResult again = agent_.Cli({"logs", id.substr(0, 8)});
  EXPECT_EQ(again.out, "one\nthree\n");
}

TEST_P(ConformanceLifecycleTest, RemoveRefusesRunningContainersUnlessForced) {
  std::string id = RunDetached({}, {"sleep", "100"});
  CommandResult refused = agent_.Cli({"rm", id});
  EXPECT_EQ(refused.exit_code, 1);
  EXPECT_NE(refused.err.find("is running"), std::string::npos) << refused.err;
  EXPECT_EQ(Inspect(id).state(), v1::CONTAINER_STATE_RUNNING);
  CommandResult forced = agent_.Cli({"rm", "-f", id});
  EXPECT_EQ(forced.exit_code, 0) << forced.err;
  CommandResult gone = agent_.Cli({"inspect", id});
  EXPECT_EQ(gone.exit_code, 1);
  EXPECT_NE(gone.err.find("no container"), std::string::npos);
}

TEST_P(ConformanceLifecycleTest, ExitedContainerCanBeStartedAgain) {
  CommandResult created = agent_.Cli(
      {"create", "--name", "again", "busybox", "sh", "-c", "echo run >> /count; wc -l < /count"});
  ASSERT_EQ(created.exit_code, 0) << created.err;
  for (int i = 0; i < 2; ++i) {
    ASSERT_EQ(agent_.Cli({"start", "again"}).exit_code, 0);
    EXPECT_EQ(agent_.Cli({"wait", "again"}).out, "0\n");
  }
  // The upper layer persists across runs of the same container.
  EXPECT_EQ(agent_.Cli({"logs", "again"}).out, "1\n2\n");
}

// run -d --rm: the agent removes the container at its exit (with its anonymous volumes), also
// an exit while it was down; a restart keeps it.
TEST_P(ConformanceLifecycleTest, DetachedRunWithRmIsRemovedAtItsExit) {
  auto gone = [&](const std::string& name) {
    for (int i = 0; i < 200; ++i) {
      if (agent_.Cli({"inspect", name}).exit_code != 0) return true;
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    return false;
  };
  CommandResult quick =
      agent_.Cli({"run", "-d", "--rm", "--name", "quick", "-v", "/scratch", "busybox", "true"});
  ASSERT_EQ(quick.exit_code, 0) << quick.err;
  EXPECT_TRUE(gone("quick"));
  EXPECT_EQ(agent_.Cli({"volume", "ls", "-q"}).out, "") << "its anonymous volume went with it";

  RunDetached({"--rm", "--name", "kept"}, {"sleep", "100"});
  CommandResult restarted = agent_.Cli({"restart", "-t", "0", "kept"});
  EXPECT_EQ(restarted.exit_code, 0) << restarted.err;
  std::this_thread::sleep_for(std::chrono::milliseconds(200));
  EXPECT_EQ(Inspect("kept").state(), v1::CONTAINER_STATE_RUNNING) << "a restart keeps it";
  ASSERT_EQ(agent_.Cli({"stop", "-t", "0", "kept"}).exit_code, 0);
  EXPECT_TRUE(gone("kept")) << "a stop is an exit";

  RunDetached({"--rm", "--name", "late"}, {"sleep", "0.3"});
  agent_.Stop(/*kill9=*/true);
  std::this_thread::sleep_for(std::chrono::milliseconds(600));
  RestartAgent();
  ASSERT_FALSE(HasFatalFailure());
  EXPECT_NE(agent_.Cli({"inspect", "late"}).exit_code, 0) << "exited while the agent was down";

  CommandResult never = agent_.Cli({"run", "-d", "--rm", "--name", "never", "busybox", "/nosuch"});
  EXPECT_EQ(never.exit_code, 127) << never.err;
  EXPECT_NE(agent_.Cli({"inspect", "never"}).exit_code, 0) << "a start that failed: gone too";

  CommandResult both = agent_.Cli({"run", "-d", "--rm", "--restart", "always", "busybox", "true"});
  EXPECT_EQ(both.exit_code, 125);
  EXPECT_EQ(agent_.Cli({"ps", "-aq"}).out, "");
}

TEST_P(ConformanceLifecycleTest, ContainersSurviveKillNineOfTheAgent) {
  std::string long_running = RunDetached({}, {"sh", "-c", "sleep 2; exit 5"});
  std::string short_lived = RunDetached({}, {"sh", "-c", "sleep 0.3; exit 9"});
  pid_t payload = Inspect(long_running).pid();
  agent_.Stop(/*kill9=*/true);
  EXPECT_EQ(::kill(payload, 0), 0) << "the payload must outlive the agent";
  std::this_thread::sleep_for(std::chrono::milliseconds(600));
  RestartAgent();
  ASSERT_FALSE(HasFatalFailure());
  v1::Container still_running = Inspect(long_running);
  EXPECT_EQ(still_running.state(), v1::CONTAINER_STATE_RUNNING);
  EXPECT_EQ(still_running.pid(), payload);
  v1::Container exited_meanwhile = Inspect(short_lived);
  EXPECT_EQ(exited_meanwhile.state(), v1::CONTAINER_STATE_EXITED);
  EXPECT_EQ(exited_meanwhile.exit_code(), 9);
  CommandResult wait = agent_.Cli({"wait", long_running});
  EXPECT_EQ(wait.out, "5\n") << wait.err;

  // After a restart, a surviving container can still be exec'd into, stopped and removed.
  std::string survivor = RunDetached({}, {"sleep", "1000"});
  agent_.Stop(/*kill9=*/true);
  RestartAgent();
  ASSERT_FALSE(HasFatalFailure());
  if (Has("exec")) {
    CommandResult exec = agent_.Cli({"exec", survivor, "cat", "/proc/1/comm"});
    EXPECT_EQ(exec.out, "sleep\n") << exec.err;
  }
  CommandResult stop = agent_.Cli({"stop", "-t", "1", survivor});
  EXPECT_EQ(stop.exit_code, 0) << stop.err;
  EXPECT_EQ(Inspect(survivor).exit_code(), 137);
  EXPECT_EQ(agent_.Cli({"rm", survivor}).exit_code, 0);
}

TEST_P(ConformanceLifecycleTest, PauseFreezesEveryProcessAndUnpauseResumes) {
  std::string id = RunDetached({}, {"sh", "-c", "while true; do echo tick; usleep 20000; done"});
  std::this_thread::sleep_for(milliseconds(200));
  if (!Has("pause")) {
    ExpectUnimplemented(Pause(id));
    return;
  }
  ASSERT_TRUE(Pause(id).ok());
  EXPECT_EQ(Inspect(id).state(), v1::CONTAINER_STATE_PAUSED);
  EXPECT_NE(agent_.Cli({"ps"}).out.find("(Paused)"), std::string::npos)
      << "a paused container is listed as up and paused";
  size_t frozen_size = LogSize(id);
  std::this_thread::sleep_for(milliseconds(300));
  EXPECT_EQ(LogSize(id), frozen_size) << "a paused payload must not run";
  grpc::Status again = Pause(id);
  EXPECT_EQ(again.error_code(), grpc::StatusCode::FAILED_PRECONDITION) << again.error_message();

  ASSERT_TRUE(Unpause(id).ok());
  EXPECT_EQ(Inspect(id).state(), v1::CONTAINER_STATE_RUNNING);
  std::this_thread::sleep_for(milliseconds(300));
  EXPECT_GT(LogSize(id), frozen_size) << "an unpaused payload runs again";
  grpc::Status not_paused = Unpause(id);
  EXPECT_EQ(not_paused.error_code(), grpc::StatusCode::FAILED_PRECONDITION);

  // Stop thaws a paused container, so its payload can act on the signals.
  ASSERT_TRUE(Pause(id).ok());
  CommandResult stop = agent_.Cli({"stop", "-t", "1", id});
  EXPECT_EQ(stop.exit_code, 0) << stop.err;
  EXPECT_EQ(Inspect(id).state(), v1::CONTAINER_STATE_EXITED);
  grpc::Status exited = Pause(id);
  EXPECT_EQ(exited.error_code(), grpc::StatusCode::FAILED_PRECONDITION);
}

// Collects the events of one Events stream on a thread of its own.
class EventRecorder {
 public:
  explicit EventRecorder(v1::Containers::Stub& stub) {
    reader_ = stub.Events(&context_, v1::EventsRequest());
    reader_->WaitForInitialMetadata();  // the subscription is in place
    thread_ = std::thread([this] {
      v1::ContainerEvent event;
      while (reader_->Read(&event)) {
        std::lock_guard<std::mutex> lock(mutex_);
        events_.push_back(event);
      }
    });
  }
  ~EventRecorder() {
    context_.TryCancel();
    thread_.join();
  }
  // "created started ..." for `id`, waiting up to 5 s for `count` of them.
  std::string TypesOf(const std::string& id, size_t count) {
    std::string types;
    for (int i = 0; i < 500; ++i) {
      types.clear();
      size_t found = 0;
      {
        std::lock_guard<std::mutex> lock(mutex_);
        for (const auto& event : events_) {
          if (event.id() != id) continue;
          ++found;
          std::string name = v1::EventType_Name(event.type()).substr(strlen("EVENT_TYPE_"));
          if (event.type() == v1::EVENT_TYPE_EXITED)
            name += "(" + std::to_string(event.exit_code()) + ")";
          types += (types.empty() ? "" : " ") + name;
        }
      }
      if (found >= count) break;
      std::this_thread::sleep_for(milliseconds(10));
    }
    return types;
  }

 private:
  grpc::ClientContext context_;
  std::unique_ptr<grpc::ClientReader<v1::ContainerEvent>> reader_;
  std::mutex mutex_;
  std::vector<v1::ContainerEvent> events_;
  std::thread thread_;
};

TEST_P(ConformanceLifecycleTest, EventsFollowTheLifecycle) {
  EventRecorder recorder(agent_.containers());
  std::string id = RunDetached({"--name", "evented"}, {"sleep", "1000"});
  std::string expected = "CREATED STARTED";
  if (Has("pause")) {
    ASSERT_TRUE(Pause(id).ok());
    ASSERT_TRUE(Unpause(id).ok());
    expected += " PAUSED UNPAUSED";
  }
  if (Has("limits")) {
    ASSERT_EQ(agent_.Cli({"update", "--pids-limit", "10", id}).exit_code, 0);
    expected += " UPDATED";
  }
  if (Has("exec")) {
    ASSERT_EQ(agent_.Cli({"exec", id, "true"}).exit_code, 0);
    expected += " EXEC_STARTED";
  }
  ASSERT_EQ(agent_.Cli({"kill", id}).exit_code, 0);
  ASSERT_EQ(agent_.Cli({"wait", id}).out, "137\n");
  ASSERT_EQ(agent_.Cli({"rm", id}).exit_code, 0);
  expected += " EXITED(137) DELETED";
  EXPECT_EQ(recorder.TypesOf(id, std::count(expected.begin(), expected.end(), ' ') + 1), expected);

  if (Has("limits")) {
    std::string oom = RunDetached({"-m", "16m"}, {"sh", "-c", "tail /dev/zero"});
    agent_.Cli({"wait", oom});
    EXPECT_EQ(recorder.TypesOf(oom, 4), "CREATED STARTED OOM EXITED(137)");
  }
  CommandResult cli = agent_.Cli({"events", "nosuchcontainer"});
  EXPECT_EQ(cli.exit_code, 1);
  EXPECT_NE(cli.err.find("no container"), std::string::npos) << cli.err;
}

TEST_P(ConformanceLifecycleTest, RestartPolicies) {
  // on-failure:2 restarts a failing payload twice, then leaves it exited.
  std::string failing =
      RunDetached({"--restart", "on-failure:2"}, {"sh", "-c", "echo run; exit 3"});
  v1::Container record;
  for (int i = 0; i < 300; ++i) {
    record = Inspect(failing);
    if (record.restart_count() == 2 && record.state() == v1::CONTAINER_STATE_EXITED) break;
    std::this_thread::sleep_for(milliseconds(10));
  }
  EXPECT_EQ(record.restart_count(), 2u);
  std::this_thread::sleep_for(milliseconds(500));
  record = Inspect(failing);
  EXPECT_EQ(record.restart_count(), 2u) << "no third restart";
  EXPECT_EQ(record.exit_code(), 3);
  EXPECT_EQ(agent_.Cli({"logs", failing}).out, "run\nrun\nrun\n");

  // on-failure leaves a clean exit alone; always restarts it until the user stops it.
  std::string clean = RunDetached({"--restart", "on-failure"}, {"true"});
  std::string always = RunDetached({"--restart", "always"}, {"sh", "-c", "usleep 50000"});
  // Two restarts take 0.6 s on chroot; a libvirt domain's start costs more (~0.2 s each).
  for (int i = 0; i < 300 && Inspect(always).restart_count() < 2; ++i) {
    std::this_thread::sleep_for(milliseconds(10));
  }
  std::this_thread::sleep_for(milliseconds(600));
  EXPECT_EQ(Inspect(clean).restart_count(), 0u);
  EXPECT_GE(Inspect(always).restart_count(), 2u);
  ASSERT_EQ(agent_.Cli({"stop", always}).exit_code, 0);
  uint32_t stopped_at = Inspect(always).restart_count();
  std::this_thread::sleep_for(milliseconds(600));
  EXPECT_EQ(Inspect(always).restart_count(), stopped_at) << "a stopped container stays stopped";
  EXPECT_EQ(Inspect(always).state(), v1::CONTAINER_STATE_EXITED);

  // Bad policies name the field.
  v1::ContainerSpec spec;
  spec.set_image("busybox");
  spec.add_command("true");
  spec.mutable_restart_policy()->set_mode(v1::RestartPolicy::MODE_ALWAYS);
  spec.mutable_restart_policy()->set_max_retries(3);
  grpc::Status status = Create(spec);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_NE(status.error_message().find("spec.restart_policy.max_retries"), std::string::npos)
      << status.error_message();
  CommandResult cli = agent_.Cli({"run", "--restart", "sometimes", "busybox", "true"});
  EXPECT_EQ(cli.exit_code, 125);
  EXPECT_NE(cli.err.find("on-failure"), std::string::npos) << cli.err;
}

TEST_P(ConformanceLifecycleTest, PausedContainersSurviveKillNineOfTheAgent) {
  if (!Has("pause") || !Has("survives-agent-restart")) GTEST_SKIP() << "needs pause + survival";
  std::string id = RunDetached({}, {"sh", "-c", "while true; do echo tick; usleep 20000; done"});
  ASSERT_TRUE(Pause(id).ok());
  agent_.Stop(/*kill9=*/true);
  RestartAgent();
  ASSERT_FALSE(HasFatalFailure());
  EXPECT_EQ(Inspect(id).state(), v1::CONTAINER_STATE_PAUSED);
  size_t frozen_size = LogSize(id);
  std::this_thread::sleep_for(milliseconds(200));
  EXPECT_EQ(LogSize(id), frozen_size);
  ASSERT_TRUE(Unpause(id).ok());
  std::this_thread::sleep_for(milliseconds(200));
  EXPECT_GT(LogSize(id), frozen_size);
  v1::ContainerStats stats;
  EXPECT_TRUE(Stats(id, &stats).ok());
  CommandResult removed = agent_.Cli({"rm", "-f", id});
  EXPECT_EQ(removed.exit_code, 0) << removed.err;
}

// Every backend this build has (libvirt against a private libvirtd, libvirtd_harness.h).
INSTANTIATE_TEST_SUITE_P(Backends, ConformanceLifecycleTest,
                         ::testing::Values("chroot", "lxc", "libvirt"),
                         [](const auto& info) { return info.param; });

}  // namespace
}  // namespace boxcar::testing
