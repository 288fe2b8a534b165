// `boxcar container ...` (cli/container_group.h): Docker's management-command forms are the
// top-level commands — same flags, same output — on a real agent, through a container's whole
// life; `container ls` also answers to `ps` and `list`; what Docker's group lacks is not there.
#include <gtest/gtest.h>

#include <string>

#include "agent_fixture.h"

namespace boxcar::testing {
namespace {

class ContainerGroupTest : public ::testing::Test, public AgentFixture {
 protected:
  void SetUp() override { StartAgentWithBusybox({}); }
  void TearDown() override { StopAgentAndCheckLeftovers(); }
};

TEST_F(ContainerGroupTest, EveryContainerCommandWorksUnderTheGroup) {
  CommandResult run = agent_.Cli({"container", "run", "-d", "--name", "web", "-e", "WHO=group",
                                  "busybox", "sh", "-c", "echo hello $WHO; sleep 60"});
  ASSERT_EQ(run.exit_code, 0) << run.err;
  const std::string id = run.out.substr(0, run.out.find('\n'));
  ASSERT_EQ(id.size(), 64u) << run.out;

  for (const char* list : {"ls", "ps", "list"}) {
    CommandResult listed = agent_.Cli({"container", list, "-q"});
    EXPECT_EQ(listed.exit_code, 0) << list << ": " << listed.err;
    EXPECT_EQ(listed.out, id.substr(0, 12) + "\n") << list;
  }
  EXPECT_EQ(agent_.Cli({"container", "ls", "--format", "{{.Names}} {{.Status}}"}).out,
            agent_.Cli({"ps", "--format", "{{.Names}} {{.Status}}"}).out);
  EXPECT_EQ(agent_.Cli({"container", "inspect", "-f", "{{.name}} {{.State.Status}}", "web"}).out,
            "web running\n");
  CommandResult exec = agent_.Cli({"container", "exec", "web", "sh", "-c", "echo in $WHO"});
  EXPECT_EQ(exec.out, "in group\n") << exec.err;
  CommandResult top = agent_.Cli({"container", "top", "web"});
  EXPECT_NE(top.out.find("sleep 60"), std::string::npos) << top.out << top.err;
  ASSERT_EQ(agent_.Cli({"container", "pause", "web"}).exit_code, 0);
  EXPECT_EQ(agent_.Cli({"container", "inspect", "-f", "{{.State.Status}}", "web"}).out, "paused\n");
  ASSERT_EQ(agent_.Cli({"container", "unpause", "web"}).exit_code, 0);
  CommandResult diff = agent_.Cli({"container", "diff", "web"});
  EXPECT_EQ(diff.exit_code, 0) << diff.err;
  EXPECT_EQ(diff.out, agent_.Cli({"diff", "web"}).out);
  CommandResult stats = agent_.Cli({"container", "stats", "--no-stream", "--json", "web"});
  EXPECT_EQ(stats.exit_code, 0) << stats.err;
  EXPECT_NE(stats.out.find(id.substr(0, 12)), std::string::npos) << stats.out;
  ASSERT_EQ(agent_.Cli({"container", "rename", "web", "site"}).exit_code, 0);
  ASSERT_EQ(agent_.Cli({"container", "stop", "-t", "0", "site"}).exit_code, 0);
  CommandResult logs = agent_.Cli({"container", "logs", "site"});
  EXPECT_EQ(logs.out, "hello group\n") << logs.err;
  CommandResult waited = agent_.Cli({"container", "wait", "site"});
  EXPECT_EQ(waited.out, "137\n") << waited.err;
  CommandResult committed = agent_.Cli({"container", "commit", "site", "site-image:1"});
  EXPECT_EQ(committed.exit_code, 0) << committed.err;
  CommandResult exported =
      agent_.Cli({"container", "export", "-o", agent_.work_dir() + "/site.tar", "site"});
  EXPECT_EQ(exported.exit_code, 0) << exported.err;
  ASSERT_EQ(agent_.Cli({"container", "rm", "site"}).exit_code, 0);
  EXPECT_EQ(agent_.Cli({"container", "ls", "-a", "-q"}).out, "");

  ASSERT_EQ(agent_.Cli({"container", "create", "--name", "later", "busybox", "true"}).exit_code, 0);
  ASSERT_EQ(agent_.Cli({"container", "start", "-a", "later"}).exit_code, 0);
  CommandResult pruned = agent_.Cli({"container", "prune", "-f"});
  EXPECT_EQ(pruned.exit_code, 0) << pruned.err;
  EXPECT_EQ(agent_.Cli({"container", "ls", "-a", "-q"}).out, "");
  ASSERT_EQ(agent_.Cli({"rmi", "site-image:1"}).exit_code, 0);
}

TEST_F(ContainerGroupTest, WhatDockersGroupLacksIsNotThere) {
  for (const char* missing : {"events", "network", "images"}) {
    CommandResult refused = agent_.Cli({"container", missing});
    EXPECT_NE(refused.exit_code, 0) << missing;
    EXPECT_EQ(refused.out, "") << missing;
  }
}

}  // namespace
}  // namespace boxcar::testing
