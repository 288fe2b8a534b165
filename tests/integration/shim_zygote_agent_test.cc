// The chroot backend's shims come from one `boxcar-shim zygote` (launch/shim_zygote.h): each
// is still the agent's child, and a start works on when the zygote is gone.
#include <gtest/gtest.h>
#include <signal.h>

#include <chrono>
#include <cstdlib>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "agent_fixture.h"
#include "common/atomic_file.h"

namespace boxcar::testing {
namespace {

struct ShimProcess {
  pid_t pid = 0;
  pid_t parent = 0;
  bool zygote = false;  // its command line is `boxcar-shim zygote`
};

class ShimZygoteAgentTest : public ::testing::Test, public AgentFixture {
 protected:
  void SetUp() override { StartAgentWithBusybox({}); }
  void TearDown() override { StopAgentAndCheckLeftovers(); }

  // Every process of this build's boxcar-shim, with its parent.
  std::vector<ShimProcess> Shims() const {
    std::vector<ShimProcess> shims;
    std::istringstream listed(agent_.LeftoverShims());
    for (std::string word, pid; listed >> word >> word >> pid;) {
      auto status = ReadFileToString("/proc/" + pid + "/status");
      auto command = ReadFileToString("/proc/" + pid + "/cmdline");
      if (!status.ok() || !command.ok()) continue;  // exited meanwhile
      auto ppid_at = status->find("PPid:");
      if (ppid_at == std::string::npos) continue;
      ShimProcess shim;
      shim.pid = std::atoi(pid.c_str());
      shim.parent = std::atoi(status->c_str() + ppid_at + 5);
      shim.zygote = command->find("zygote") != std::string::npos;
      shims.push_back(shim);
    }
    return shims;
  }

  // The one zygote, once the prewarm pool has asked it for its shims (0 if there is none).
  pid_t Zygote() const {
    pid_t found = 0;
    for (int attempt = 0; attempt < 250 && found == 0; ++attempt) {
      for (const ShimProcess& shim : Shims())
        if (shim.zygote) found = shim.pid;
      if (found == 0) std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    return found;
  }
};

TEST_F(ShimZygoteAgentTest, ShimsComeFromOneZygoteAndAreTheAgentsChildren) {
  ASSERT_NE(Zygote(), 0) << "no boxcar-shim zygote";
  const std::string id = RunDetached({}, {"sleep", "100"});
  ASSERT_FALSE(id.empty());
  const v1::Container running = Inspect(id);
  ASSERT_GT(running.pid(), 0);
  size_t zygotes = 0, shims = 0;
  bool payload_parent_seen = false;
  for (const ShimProcess& shim : Shims()) {
    EXPECT_EQ(shim.parent, agent_.agent_pid()) << "shim " << shim.pid << " is not the agent's child";
    zygotes += shim.zygote;
    shims += !shim.zygote;
    auto status = ReadFileToString("/proc/" + std::to_string(running.pid()) + "/status");
    if (status.ok() && status->find("PPid:\t" + std::to_string(shim.pid) + "\n") != std::string::npos)
      payload_parent_seen = !shim.zygote;
  }
  EXPECT_EQ(zygotes, 1u);
  EXPECT_GE(shims, 1u);
  EXPECT_TRUE(payload_parent_seen) << "the payload's parent is a (non-zygote) shim of the agent";
  EXPECT_EQ(agent_.Cli({"rm", "-f", id}).exit_code, 0);
}

TEST_F(ShimZygoteAgentTest, StartsWorkOnWhenTheZygoteIsKilled) {
  const pid_t zygote = Zygote();
  ASSERT_NE(zygote, 0) << "no boxcar-shim zygote";
  ASSERT_EQ(::kill(zygote, SIGKILL), 0);
  // More starts than the prewarm pool holds: some need a shim made now, with the zygote gone.
  for (int i = 0; i < 6; ++i) {
    CommandResult run = agent_.Cli({"run", "--rm", "busybox", "echo", "run " + std::to_string(i)});
    ASSERT_EQ(run.exit_code, 0) << run.err;
    EXPECT_EQ(run.out, "run " + std::to_string(i) + "\n");
  }
  const pid_t replacement = Zygote();
  EXPECT_NE(replacement, 0) << "a new zygote after the first failed fork";
  EXPECT_NE(replacement, zygote);
}

}  // namespace
}  // namespace boxcar::testing
