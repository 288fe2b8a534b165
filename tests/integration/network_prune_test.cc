// `boxcar network prune`: networks no container is on go (their bridges too); one a stopped
// container is still on stays, as do the fixture's network while used and the built-in one.
#include <algorithm>

#include "network_fixture.h"

namespace boxcar::testing {
namespace {

class NetworkPruneTest : public NetworkTest {};

TEST_F(NetworkPruneTest, RemovesTheNetworksNoContainerIsOn) {
  ASSERT_EQ(agent_.Cli({"network", "create", "unused", "--subnet", "10.202.0.0/24"}).exit_code, 0);
  ASSERT_EQ(agent_.Cli({"network", "create", "kept", "--subnet", "10.203.0.0/24"}).exit_code, 0);
  // A bridge is made at a network's first use: unused has had one, tnet none.
  CommandResult used = agent_.Cli({"run", "--rm", "--network", "unused", "busybox", "true"});
  ASSERT_EQ(used.exit_code, 0) << used.err;
  CommandResult run =
      agent_.Cli({"run", "--name", "stopped", "--network", "kept", "busybox", "true"});
  ASSERT_EQ(run.exit_code, 0) << run.err;
  const std::string bridges_before =
      namespaces_->RunIn(namespaces_->agent(), "ip -o link show type bridge").out;

  CommandResult pruned = agent_.Cli({"network", "prune", "-f"});
  ASSERT_EQ(pruned.exit_code, 0) << pruned.err;
  EXPECT_EQ(pruned.out, "Deleted Networks:\ntnet\nunused\n\n") << pruned.out;
  CommandResult listed = agent_.Cli({"network", "ls"});
  EXPECT_EQ(listed.out.find("unused"), std::string::npos) << listed.out;
  EXPECT_NE(listed.out.find("kept"), std::string::npos) << "a stopped container is on it";
  const std::string bridges_after =
      namespaces_->RunIn(namespaces_->agent(), "ip -o link show type bridge").out;
  auto lines = [](const std::string& text) { return std::count(text.begin(), text.end(), '\n'); };
  EXPECT_EQ(lines(bridges_before), 2) << bridges_before;
  EXPECT_EQ(lines(bridges_after), 1) << "unused's bridge went, kept's stays:\n"
                                     << bridges_before << "---\n"
                                     << bridges_after;

  ASSERT_EQ(agent_.Cli({"rm", "stopped"}).exit_code, 0);
  CommandResult json = agent_.Cli({"network", "prune", "--json"});
  ASSERT_EQ(json.exit_code, 0) << json.err;
  EXPECT_EQ(json.out, "{\"deleted\":[\"kept\"]}\n");
}

}  // namespace
}  // namespace boxcar::testing
