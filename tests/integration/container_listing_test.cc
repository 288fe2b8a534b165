// The everyday container commands a Docker user reaches for: labels on run and create, ps
// --filter and --format, restart; through the real CLI against a real agent.
#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <thread>

#include "agent_fixture.h"

namespace boxcar::testing {
namespace {

class ContainerListingTest : public ::testing::Test, public AgentFixture {
 protected:
  void SetUp() override { StartAgentWithBusybox({}); }
  void TearDown() override { StopAgentAndCheckLeftovers(); }

  // The names `ps ARGS` lists, a line each.
  std::string names(std::vector<std::string> args) {
    args.insert(args.begin(), "ps");
    args.insert(args.end(), {"--format", "{{.Names}}"});
    CommandResult result = agent_.Cli(args);
    EXPECT_EQ(result.exit_code, 0) << result.err;
    return result.out;
  }
};

TEST_F(ContainerListingTest, LabelsShowInInspectAndFilterPs) {
  std::string web = RunDetached({"--name", "web", "--label", "tier=front", "-l", "team=a"},
                                {"sleep", "60"});
  CommandResult created =
      agent_.Cli({"create", "--name", "db", "--label", "tier=back", "busybox", "true"});
  ASSERT_EQ(created.exit_code, 0) << created.err;
  CommandResult inspect = agent_.Cli({"inspect", "web"});
  EXPECT_NE(inspect.out.find("\"tier\": \"front\""), std::string::npos) << inspect.out;
  EXPECT_NE(inspect.out.find("\"team\": \"a\""), std::string::npos) << inspect.out;

  EXPECT_EQ(names({}), "web\n") << "without -a only what runs";
  EXPECT_EQ(names({"--filter", "label=tier=back"}), "") << "db is not running";
  EXPECT_EQ(names({"-a", "--filter", "label=tier=back"}), "db\n");
  EXPECT_EQ(names({"-a", "--filter", "label=team"}), "web\n");
  EXPECT_EQ(names({"--filter", "status=created"}), "db\n") << "a status filter implies -a";
  EXPECT_EQ(names({"-a", "--filter", "name=we", "--filter", "ancestor=busybox"}), "web\n");
  EXPECT_EQ(names({"-a", "--filter", "ancestor=alpine"}), "");

  // Docker's default columns, PORTS among them (empty: web publishes nothing).
  CommandResult default_table = agent_.Cli({"ps"});
  const std::string header = default_table.out.substr(0, default_table.out.find('\n'));
  EXPECT_EQ(header.rfind("CONTAINER ID   IMAGE", 0), 0u) << default_table.out;
  EXPECT_NE(header.find(" PORTS   BACKEND   NAME"), std::string::npos) << header;
  CommandResult columns = agent_.Cli({"ps", "--format", "{{.ID}} {{.Names}} {{.State}}"});
  EXPECT_EQ(columns.out, web.substr(0, 12) + " web running\n");
  // .Status is Docker's STATUS column; "table" adds the header and aligns the columns.
  CommandResult status = agent_.Cli({"ps", "-a", "--format", "{{.Names}}={{.Status}}"});
  EXPECT_NE(status.out.find("web=Up "), std::string::npos) << status.out;
  EXPECT_NE(status.out.find("db=Created"), std::string::npos) << status.out;
  CommandResult table =
      agent_.Cli({"ps", "-a", "--format", "table {{.Names}}\\t{{.State}}\\t{{.ID}}"});
  EXPECT_EQ(table.out.rfind("NAMES   STATE     CONTAINER ID\n", 0), 0u) << table.out;
  EXPECT_NE(table.out.find("\nweb     running   " + web.substr(0, 12) + "\n"), std::string::npos)
      << table.out;
  CommandResult json = agent_.Cli({"ps", "-a", "--format", "json"});
  EXPECT_EQ(std::count(json.out.begin(), json.out.end(), '\n'), 2) << "one object per line";
  EXPECT_NE(json.out.find("\"name\":\"db\""), std::string::npos) << json.out;

  CommandResult bad_filter = agent_.Cli({"ps", "--filter", "color=red"});
  EXPECT_EQ(bad_filter.exit_code, 1);
  EXPECT_NE(bad_filter.err.find("--filter 'color=red'"), std::string::npos) << bad_filter.err;
  CommandResult bad_format = agent_.Cli({"ps", "--format", "{{.Nope}}"});
  EXPECT_EQ(bad_format.exit_code, 1);
  EXPECT_NE(bad_format.err.find("--format"), std::string::npos) << bad_format.err;
}

TEST_F(ContainerListingTest, DockersOtherPsFlagsAndFilters) {
  ASSERT_EQ(agent_.Cli({"volume", "create", "appdata"}).exit_code, 0);
  std::string first = RunDetached({"--name", "first", "-v", "appdata:/data"}, {"sleep", "60"});
  CommandResult second = agent_.Cli({"run", "--name", "second", "busybox", "sh", "-c", "exit 3"});
  ASSERT_EQ(second.exit_code, 3) << second.err;
  std::string third = RunDetached({"--name", "third"}, {"sleep", "60"});
  EXPECT_EQ(names({"-n", "2"}), "third\nsecond\n") << "the last created, any state";
  EXPECT_EQ(names({"-l"}), "third\n");
  EXPECT_EQ(names({"--filter", "exited=3"}), "second\n");
  EXPECT_EQ(names({"-a", "--filter", "exited=0"}), "");
  EXPECT_EQ(names({"--filter", "before=third"}), "first\n") << "without -a: what runs";
  EXPECT_EQ(names({"-a", "--filter", "before=third"}), "second\nfirst\n");
  EXPECT_EQ(names({"-a", "--filter", "since=" + first.substr(0, 12)}), "third\nsecond\n");
  EXPECT_EQ(names({"--filter", "volume=appdata"}), "first\n");
  EXPECT_EQ(names({"--filter", "volume=/data"}), "first\n");
  EXPECT_EQ(names({"--filter", "id=" + third.substr(0, 8)}), "third\n");
  EXPECT_EQ(names({"--filter", "network=none"}), "third\nfirst\n");
  CommandResult missing = agent_.Cli({"ps", "--filter", "since=nobody"});
  EXPECT_EQ(missing.exit_code, 1);
  EXPECT_NE(missing.err.find("--filter 'since=nobody': no such container"), std::string::npos)
      << missing.err;
  EXPECT_EQ(agent_.Cli({"ps", "-l", "-q", "--no-trunc"}).out, third + "\n");
  EXPECT_EQ(agent_.Cli({"ps", "-l", "-q"}).out, third.substr(0, 12) + "\n");
  CommandResult long_command = agent_.Cli({"ps", "-a", "--no-trunc", "--filter", "name=second"});
  EXPECT_NE(long_command.out.find("\"sh -c exit 3\""), std::string::npos) << long_command.out;
  EXPECT_EQ(agent_.Cli({"ps", "--filter", "name=first", "--format", "{{.Mounts}}"}).out,
            "appdata\n");
  ASSERT_EQ(agent_.Cli({"rm", "-f", first, "second", third}).exit_code, 0);
  ASSERT_EQ(agent_.Cli({"volume", "rm", "appdata"}).exit_code, 0);
}

TEST_F(ContainerListingTest, RestartStopsAndStartsAgain) {
  std::string id = RunDetached({"--name", "counter"}, {"sh", "-c", "echo run; sleep 60"});
  int64_t first_start = Inspect(id).started_unix_ns();
  CommandResult restart = agent_.Cli({"restart", "-t", "1", "counter"});
  EXPECT_EQ(restart.exit_code, 0) << restart.err;
  EXPECT_EQ(restart.out, "counter\n");
  v1::Container after = Inspect(id);
  EXPECT_EQ(after.state(), v1::CONTAINER_STATE_RUNNING);
  EXPECT_GT(after.started_unix_ns(), first_start);
  // Both runs wrote to the same log.
  for (int i = 0; i < 50 && agent_.Cli({"logs", "counter"}).out != "run\nrun\n"; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  EXPECT_EQ(agent_.Cli({"logs", "counter"}).out, "run\nrun\n");
  CommandResult missing = agent_.Cli({"restart", "no-such"});
  EXPECT_EQ(missing.exit_code, 1);
  EXPECT_NE(missing.err.find("no-such"), std::string::npos) << missing.err;
}

TEST_F(ContainerListingTest, RenameFreesTheOldNameAndRefusesATakenOne) {
  std::string id = RunDetached({"--name", "old"}, {"sleep", "60"});
  RunDetached({"--name", "taken"}, {"sleep", "60"});
  CommandResult renamed = agent_.Cli({"rename", "old", "new"});
  EXPECT_EQ(renamed.exit_code, 0) << renamed.err;
  EXPECT_EQ(Inspect(id).name(), "new");
  EXPECT_EQ(Inspect("new").id(), id);
  CommandResult taken = agent_.Cli({"rename", "new", "taken"});
  EXPECT_EQ(taken.exit_code, 1);
  EXPECT_NE(taken.err.find("name: 'taken' is already used"), std::string::npos) << taken.err;
  CommandResult malformed = agent_.Cli({"rename", "new", "bad/name"});
  EXPECT_EQ(malformed.exit_code, 1);
  EXPECT_NE(malformed.err.find("name"), std::string::npos) << malformed.err;
  // The old name is free again, also for the database's unique index.
  std::string reused = RunDetached({"--name", "old"}, {"true"});
  EXPECT_EQ(reused.size(), 64u);
  // And the new one survives a restart of the agent.
  agent_.Stop();
  RestartAgent();
  EXPECT_EQ(Inspect(id).name(), "new");
}

}  // namespace
}  // namespace boxcar::testing
