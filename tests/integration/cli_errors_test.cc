// The CLI's errors say what is wrong and what to do next: flag values out of range are refused
// naming the flag before anything changes; an agent that cannot be reached (none on the
// socket, a socket the user may not use, a connection that broke off) is told apart from the
// agent's own UNAVAILABLE answers (a registry or Glance that does not answer).
#include <gtest/gtest.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include <chrono>
#include <cstring>
#include <thread>

#include "agent_fixture.h"
#include "build_paths.h"
#include "common/atomic_file.h"
#include "common/directory_tree.h"
#include "registry_harness.h"

namespace boxcar::testing {
namespace {

using std::chrono::milliseconds;

class CliErrorsTest : public ::testing::Test, public AgentFixture {
 protected:
  void SetUp() override { StartAgentWithBusybox({}); }
  void TearDown() override { StopAgentAndCheckLeftovers(); }
};

void ExpectRefused(const CommandResult& result, const std::string& words) {
  EXPECT_NE(result.exit_code, 0) << result.out;
  EXPECT_NE(result.err.find(words), std::string::npos) << result.err;
}

TEST_F(CliErrorsTest, OutOfRangeFlagValuesAreRefusedNamingTheFlagAndChangeNothing) {
  const std::string id = RunDetached({"--pids-limit", "50"}, {"sleep", "30"});
  const v1::ResourceLimits before = Inspect(id).spec().limits();

  // -1 was taken for "not given" and the update went on without it.
  ExpectRefused(agent_.Cli({"update", "--cpus", "-1", id}), "--cpus '-1' must be 0");
  ExpectRefused(agent_.Cli({"update", "--pids-limit", "-2", "--memory", "64m", id}),
                "--pids-limit '-2' must be 0");
  ExpectRefused(agent_.Cli({"update", "--cpu-shares", "-5", id}), "--cpu-shares '-5' must be 0");
  ExpectRefused(agent_.Cli({"update", "--restart", "on-failure:-1", id}),
                "the retry count must be a number from 0 to 1000000");
  const v1::ResourceLimits after = Inspect(id).spec().limits();
  EXPECT_EQ(after.memory_bytes(), before.memory_bytes());
  EXPECT_EQ(after.pids_max(), before.pids_max());
  EXPECT_EQ(after.cpu_millis(), before.cpu_millis());

  // A negative --time was a SIGKILL at once.
  ExpectRefused(agent_.Cli({"stop", "-t", "-5", id}), "--time '-5' must be 0");
  ExpectRefused(agent_.Cli({"restart", "-t", "-1", id}), "--time '-1' must be 0");
  EXPECT_EQ(Inspect(id).state(), v1::CONTAINER_STATE_RUNNING);

  ExpectRefused(agent_.Cli({"run", "--rm", "--cpus", "-0.5", "busybox", "true"}),
                "--cpus '-0.5' must be 0 (no limit) or more");
  ExpectRefused(agent_.Cli({"cp", id + ":/etc/hostname", id + ":/tmp/x"}),
                "copy to the host first");
  CommandResult no_password = agent_.Cli({"login", "127.0.0.1:1", "-u", "alice"});
  EXPECT_EQ(no_password.exit_code, 2);
  EXPECT_NE(no_password.err.find("--password-stdin"), std::string::npos) << no_password.err;
  // Unknown containers are named by the request's own field.
  ExpectRefused(agent_.Cli({"exec", "nosuch", "true"}), "start.container: no container 'nosuch'");
  ExpectRefused(agent_.Cli({"events", "nosuch"}), "containers[0]: no container 'nosuch'");
  CommandResult unknown = agent_.Cli({"network", "inspect", "nosuch"});
  ExpectRefused(unknown, "no network 'nosuch' (see `boxcar network ls`)");
}

// A registry given as a URL with credentials in it: the refusal does not repeat them.
TEST_F(CliErrorsTest, ALoginUrlsCredentialsAreNotEchoed) {
  CommandResult login =
      agent_.Cli({"login", "https://alice:s3cret@bad_host!", "-u", "alice", "-p", "x"});
  ExpectRefused(login, "is not a registry host[:port]");
  EXPECT_EQ(login.err.find("s3cret"), std::string::npos) << login.err;
  EXPECT_NE(login.err.find("***@"), std::string::npos) << login.err;
}

// UNAVAILABLE from the agent itself (here: Glance, on a port where nothing listens) is the
// agent's message, not advice to start an agent that runs.
TEST_F(CliErrorsTest, TheAgentsOwnUnavailableIsNotTakenForAMissingAgent) {
  CommandResult pull =
      agent_.Cli({"image", "pull", "--os-token", "a-token", "--os-image-url", "http://127.0.0.1:1",
                  "--os-auth-url", "http://127.0.0.1:1/v3", "glance://" + std::string(36, '1')});
  EXPECT_NE(pull.exit_code, 0);
  EXPECT_NE(pull.err.find("127.0.0.1:1"), std::string::npos) << pull.err;
  EXPECT_EQ(pull.err.find("cannot reach boxcard"), std::string::npos) << pull.err;
  EXPECT_EQ(pull.err.find("Is the agent running"), std::string::npos) << pull.err;
  EXPECT_EQ(pull.err.find("a-token"), std::string::npos) << "a token in a message";
}

// A stream cut because the agent died: said so, with where to look, not "start the agent".
TEST_F(CliErrorsTest, AConnectionThatBrokeOffIsSaidToHaveBrokenOff) {
  CommandResult events;
  std::thread follower([&] { events = agent_.Cli({"events"}); });
  std::this_thread::sleep_for(milliseconds(500));  // the stream is open
  agent_.Stop(/*kill9=*/true);
  follower.join();
  EXPECT_NE(events.exit_code, 0);
  EXPECT_NE(events.err.find("broke off"), std::string::npos) << events.err;
  EXPECT_NE(events.err.find("Did the agent stop?"), std::string::npos) << events.err;
  RestartAgent();
}

// Listens on a unix socket at `path` with `mode`; the descriptor (closed by the caller).
int ListenAt(const std::string& path, mode_t mode) {
  int fd = ::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
  sockaddr_un address{};
  address.sun_family = AF_UNIX;
  std::strncpy(address.sun_path, path.c_str(), sizeof address.sun_path - 1);
  EXPECT_EQ(::bind(fd, reinterpret_cast<sockaddr*>(&address), sizeof address), 0);
  EXPECT_EQ(::listen(fd, 4), 0);
  EXPECT_EQ(::chmod(path.c_str(), mode), 0);
  return fd;
}

TEST(CliReachTest, NoAgentAndAForbiddenSocketEachSayWhatToDo) {
  char dir_template[] = "/tmp/boxcar-cli-errors-XXXXXX";
  ASSERT_NE(::mkdtemp(dir_template), nullptr);
  const std::string dir = dir_template;
  ASSERT_EQ(::chmod(dir.c_str(), 0755), 0);
  const std::string cli = BOXCAR_CLI_PATH;

  std::string missing;
  EXPECT_NE(Shell(cli + " --socket " + dir + "/none.sock ps 2>&1", &missing), 0);
  EXPECT_NE(missing.find("cannot reach boxcard"), std::string::npos) << missing;
  EXPECT_NE(missing.find("Start it with `boxcard`"), std::string::npos) << missing;

  // The agent's socket is 0660 root:root: another user is told about permissions.
  const std::string forbidden = dir + "/agent.sock";
  int fd = ListenAt(forbidden, 0660);
  std::string denied;
  EXPECT_NE(Shell("runuser -u nobody -- " + cli + " --socket " + forbidden + " ps 2>&1", &denied),
            0);
  ::close(fd);
  EXPECT_NE(denied.find("permission denied on boxcard's socket"), std::string::npos) << denied;
  EXPECT_NE(denied.find("Run boxcar as root"), std::string::npos) << denied;
  EXPECT_EQ(denied.find("Is the agent running"), std::string::npos) << denied;
  EXPECT_TRUE(RemoveTree(dir).ok());
}

}  // namespace
}  // namespace boxcar::testing
