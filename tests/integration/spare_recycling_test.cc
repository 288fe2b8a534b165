// A removed container's snapshot and state directory become a spare of the prewarm pool,
// emptied (PrewarmPool::Recycle): the containers that get it later see nothing of the old one,
// neither its files nor its root's mode nor its output.
#include <gtest/gtest.h>
#include <sys/stat.h>

#include <chrono>
#include <set>
#include <string>
#include <thread>

#include "agent_fixture.h"
#include "common/directory_tree.h"

namespace boxcar::testing {
namespace {

class SpareRecyclingTest : public ::testing::Test, public AgentFixture {
 protected:
  void SetUp() override { StartAgentWithBusybox({}); }
  void TearDown() override { StopAgentAndCheckLeftovers(); }

  std::set<std::string> Spares() {
    std::set<std::string> names;
    for (const auto& name : ListDirectoryNames(agent_.root_dir() + "/containers"))
      if (name.rfind("spare-", 0) == 0) names.insert(name);
    return names;
  }
};

TEST_F(SpareRecyclingTest, ARemovedContainersDirectoriesComeBackEmptyAsASpare) {
  for (int i = 0; i < 250 && Spares().size() != 4; ++i)
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  ASSERT_EQ(Spares().size(), 4u) << "--prewarm's default";
  CommandResult used = agent_.Cli({"run", "--name", "old", "busybox", "sh", "-c",
                                   "echo secret > /secret && chmod 1777 / && echo said-secret"});
  ASSERT_EQ(used.exit_code, 0) << used.err;
  ASSERT_EQ(used.out, "said-secret\n");
  const std::set<std::string> before = Spares();
  ASSERT_EQ(agent_.Cli({"rm", "old"}).exit_code, 0);

  std::string recycled;
  for (const auto& name : Spares())
    if (!before.count(name)) recycled = name;
  ASSERT_FALSE(recycled.empty()) << "the removal added a spare";
  const std::string state = agent_.root_dir() + "/containers/" + recycled;
  EXPECT_EQ(ListDirectoryNames(state), (std::vector<std::string>{"output.log", "shim.log"}));
  for (const char* file : {"/output.log", "/shim.log"}) {
    struct stat st {};
    ASSERT_EQ(::stat((state + file).c_str(), &st), 0) << file;
    EXPECT_EQ(st.st_size, 0) << file;
  }
  const std::string upper = agent_.root_dir() + "/snapshots/" + recycled + ".upper";
  EXPECT_TRUE(ListDirectoryNames(upper).empty());
  struct stat root {};
  ASSERT_EQ(::stat(upper.c_str(), &root), 0);
  EXPECT_EQ(root.st_mode & 07777, 0755u);

  // Spares go first in, first out, and each removal below adds one: the fifth run gets it.
  bool taken = false;
  for (int run = 0; run < 6; ++run) {
    CommandResult next = RunRm({}, {"sh", "-c", "ls -a /; stat -c %a /"});
    EXPECT_EQ(next.exit_code, 0) << next.err;
    EXPECT_EQ(next.out.find("secret"), std::string::npos) << "run " << run << ": " << next.out;
    EXPECT_NE(next.out.find("\n755\n"), std::string::npos) << "run " << run << ": " << next.out;
    taken = taken || !Spares().count(recycled);
  }
  EXPECT_TRUE(taken) << "no run got the recycled spare";
}

}  // namespace
}  // namespace boxcar::testing
