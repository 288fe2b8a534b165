// Network aliases: `run --network-alias` / `--net-alias` and `network connect --alias` give a
// container more names on one network, in the hosts files of that network's containers (its
// own too); they go with a disconnect, the exit and rm, and come back after an agent restart.
#include <gtest/gtest.h>

#include <string>

#include "network_fixture.h"

namespace boxcar::testing {
namespace {

class NetworkAliasTest : public NetworkTest {
 protected:
  // The address busybox ping resolves `name` to inside `container` (from its /etc/hosts), or
  // what it printed when it could not.
  std::string Resolve(const std::string& container, const std::string& name) {
    CommandResult ping = agent_.Cli(
        {"exec", container, "sh", "-c",
         "ping -c1 -W2 " + name + " 2>&1 | sed -n 's/^PING [^ ]* (\\([0-9.]*\\)).*/\\1/p'"});
    return ping.out.empty() ? "unresolved" : ping.out.substr(0, ping.out.find('\n'));
  }
  std::string Hosts(const std::string& container) {
    return agent_.Cli({"exec", container, "cat", "/etc/hosts"}).out;
  }
};

TEST_F(NetworkAliasTest, AliasesOfRunResolveOnTheNetworkUntilTheContainerGoes) {
  RunDetached({"--network", "tnet", "--name", "database", "--network-alias", "db", "--net-alias",
               "store.internal"},
              {"sleep", "600"});
  RunDetached({"--network", "tnet", "--name", "app"}, {"sleep", "600"});
  const std::string database_ip = Inspect("database").network_endpoint().ip();
  EXPECT_EQ(Resolve("app", "db"), database_ip) << Hosts("app");
  EXPECT_EQ(Resolve("app", "store.internal"), database_ip) << Hosts("app");
  EXPECT_EQ(Resolve("database", "db"), database_ip) << "its own hosts file has them too";
  const v1::Container inspected = Inspect("database");
  ASSERT_EQ(inspected.spec().network().aliases_size(), 2);
  EXPECT_EQ(inspected.spec().network().aliases(0), "db");
  EXPECT_EQ(inspected.network_endpoint().aliases_size(), 2);
  CommandResult network = agent_.Cli({"network", "inspect", "tnet"});
  EXPECT_NE(network.out.find("\"store.internal\""), std::string::npos) << network.out;

  // Kept in the record: after the agent's kill -9, a container started now still finds it.
  agent_.Stop(/*kill9=*/true);
  RestartAgent();
  ASSERT_FALSE(HasFatalFailure());
  RunDetached({"--network", "tnet", "--name", "late"}, {"sleep", "600"});
  EXPECT_EQ(Resolve("late", "db"), database_ip) << Hosts("late");

  // Its exit takes the names off the others' hosts files; rm keeps them off.
  ASSERT_EQ(agent_.Cli({"stop", "-t", "0", "database"}).exit_code, 0);
  EXPECT_EQ(Hosts("app").find("\tdb"), std::string::npos) << Hosts("app");
  ASSERT_EQ(agent_.Cli({"start", "database"}).exit_code, 0);
  EXPECT_EQ(Resolve("app", "db"), Inspect("database").network_endpoint().ip()) << Hosts("app");
  ASSERT_EQ(agent_.Cli({"rm", "-f", "database"}).exit_code, 0);
  EXPECT_EQ(Resolve("app", "db"), "unresolved") << Hosts("app");
  EXPECT_EQ(Hosts("late").find("store.internal"), std::string::npos) << Hosts("late");
}

TEST_F(NetworkAliasTest, ConnectAliasResolvesOnThatNetworkAndGoesWithTheDisconnect) {
  ASSERT_EQ(agent_.Cli({"network", "create", "tnet2", "--subnet", "10.202.0.0/24"}).exit_code, 0);
  RunDetached({"--network", "tnet2", "--name", "peer"}, {"sleep", "600"});
  RunDetached({"--network", "tnet", "--name", "app"}, {"sleep", "600"});
  CommandResult connected =
      agent_.Cli({"network", "connect", "--alias", "cache", "tnet2", "app", "--ip", "10.202.0.30"});
  ASSERT_EQ(connected.exit_code, 0) << connected.err;
  EXPECT_EQ(Resolve("peer", "cache"), "10.202.0.30") << Hosts("peer");
  ASSERT_EQ(Inspect("app").interfaces_size(), 1);
  ASSERT_EQ(Inspect("app").interfaces(0).aliases_size(), 1);
  EXPECT_EQ(Inspect("app").interfaces(0).aliases(0), "cache");
  // A restart of the container plugs the connection again, alias and all.
  ASSERT_EQ(agent_.Cli({"restart", "-t", "0", "app"}).exit_code, 0);
  EXPECT_EQ(Resolve("peer", "cache"), "10.202.0.30") << Hosts("peer");

  ASSERT_EQ(agent_.Cli({"network", "disconnect", "tnet2", "app"}).exit_code, 0);
  EXPECT_EQ(Resolve("peer", "cache"), "unresolved") << Hosts("peer");
  EXPECT_EQ(Hosts("peer").find("cache"), std::string::npos);
}

TEST_F(NetworkAliasTest, BadAliasesAndNetworksWithoutAliasesAreRefusedCreatingNothing) {
  CommandResult label =
      agent_.Cli({"create", "--network", "tnet", "--network-alias", "db_1", "busybox", "true"});
  EXPECT_NE(label.exit_code, 0);
  EXPECT_NE(label.err.find("spec.network.aliases[0]"), std::string::npos) << label.err;
  CommandResult second = agent_.Cli({"create", "--network", "tnet", "--network-alias", "ok",
                                     "--network-alias", "-dash", "busybox", "true"});
  EXPECT_NE(second.err.find("spec.network.aliases[1]"), std::string::npos) << second.err;
  for (const char* mode : {"none", "host"}) {
    CommandResult refused =
        agent_.Cli({"create", "--network", mode, "--network-alias", "db", "busybox", "true"});
    EXPECT_NE(refused.exit_code, 0);
    EXPECT_NE(refused.err.find("spec.network.aliases"), std::string::npos) << refused.err;
  }
  EXPECT_EQ(agent_.Cli({"ps", "-a", "-q"}).out, "");
  EXPECT_EQ(NetworkNamespaces::Leases(agent_.root_dir()), 0);

  RunDetached({"--network", "tnet", "--name", "app"}, {"sleep", "600"});
  ASSERT_EQ(agent_.Cli({"network", "create", "tnet2", "--subnet", "10.202.0.0/24"}).exit_code, 0);
  CommandResult connect =
      agent_.Cli({"network", "connect", "--alias", "no spaces", "tnet2", "app"});
  EXPECT_NE(connect.exit_code, 0);
  EXPECT_NE(connect.err.find("aliases[0]"), std::string::npos) << connect.err;
  EXPECT_EQ(Inspect("app").interfaces_size(), 0);
  EXPECT_EQ(NetworkNamespaces::Leases(agent_.root_dir()), 1);
}

}  // namespace
}  // namespace boxcar::testing
