#include "net/network_alias.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "net/container_name_files.h"

namespace boxcar {
namespace {

TEST(NetworkAliasTest, HostnamesOfDnsLabelsAreAccepted) {
  for (const char* alias : {"db", "DB-1", "store.internal", "a", "x1.y-2.z3", "9lives"}) {
    EXPECT_TRUE(CheckNetworkAlias(alias, "spec.network.aliases[0]").ok()) << alias;
  }
  EXPECT_TRUE(CheckNetworkAlias(std::string(63, 'a') + "." + std::string(63, 'b'), "f").ok());
}

TEST(NetworkAliasTest, WhatIsNoHostnameIsRefusedNamingTheField) {
  for (const char* alias : {"", "db_1", "-db", "db-", "a..b", ".db", "db.", "two words", "db:1",
                            "d\tb", "caf\xc3\xa9"}) {
    Status checked = CheckNetworkAlias(alias, "spec.network.aliases[2]");
    EXPECT_EQ(checked.code(), StatusCode::kInvalidArgument) << alias;
    EXPECT_EQ(checked.message().rfind("spec.network.aliases[2]: ", 0), 0u) << checked.message();
  }
  EXPECT_FALSE(CheckNetworkAlias(std::string(64, 'a'), "f").ok()) << "a label over 63";
  std::string long_name;
  while (long_name.size() < 254) long_name += "abcdefgh.";
  EXPECT_FALSE(CheckNetworkAlias(long_name.substr(0, 254), "f").ok()) << "over 253";
}

TEST(NetworkAliasTest, OnlyNetworksMadeByNetworkCreateTakeAliases) {
  EXPECT_TRUE(CheckNetworkAliases({"db"}, "appnet", "spec.network.aliases").ok());
  EXPECT_TRUE(CheckNetworkAliases({}, "none", "spec.network.aliases").ok()) << "none given";
  for (const char* mode : {"none", "host", "vif", "boxcar0"}) {
    Status refused = CheckNetworkAliases({"db"}, mode, "spec.network.aliases");
    EXPECT_EQ(refused.code(), StatusCode::kInvalidArgument) << mode;
    EXPECT_NE(refused.message().find("spec.network.aliases: "), std::string::npos)
        << refused.message();
    EXPECT_NE(refused.message().find(mode), std::string::npos) << refused.message();
  }
  Status second = CheckNetworkAliases({"db", "bad_one"}, "appnet", "aliases");
  EXPECT_NE(second.message().find("aliases[1]: "), std::string::npos) << second.message();
}

TEST(NetworkAliasTest, AliasesFollowTheNamesOnTheContainersHostsLine) {
  std::vector<std::string> names = {"database", "dbhost"};
  AppendAliases({"db", "database", "store"}, &names);
  EXPECT_EQ(names, (std::vector<std::string>{"database", "dbhost", "db", "store"}));
  const std::string hosts = HostsFileContent({{"10.201.0.2", names}});
  EXPECT_NE(hosts.find("10.201.0.2\tdatabase\tdbhost\tdb\tstore\n"), std::string::npos) << hosts;
}

}  // namespace
}  // namespace boxcar
