// Which ports a container publishes, as the user sees them: -P next to -p (the port of -p
// keeps its host port, as Docker's) and the PORTS column of ps.
#include <gtest/gtest.h>

#include <cstdlib>
#include <fstream>
#include <string>

#include "network_fixture.h"

namespace boxcar::testing {
namespace {

TEST_F(NetworkTest, PublishAllLeavesPortsPublishedWithPAlone) {
  const std::string context = agent_.work_dir() + "/ctx-expose";
  ASSERT_EQ(std::system(("mkdir -p " + context).c_str()), 0);
  std::ofstream(context + "/Dockerfile") << "FROM busybox\nEXPOSE 80 53/udp\n";
  CommandResult built = agent_.Cli({"build", "-t", "exposing:1", context});
  ASSERT_EQ(built.exit_code, 0) << built.out << built.err;
  CommandResult run = agent_.Cli({"run", "-d", "--network", "tnet", "--name", "web", "-P", "-p",
                                  "8080:80", "exposing:1", "sleep", "300"});
  ASSERT_EQ(run.exit_code, 0) << run.err;
  const v1::Container web = Inspect("web");
  ASSERT_EQ(web.published_ports_size(), 2) << web.ShortDebugString();
  EXPECT_EQ(web.published_ports(0).container_port(), 80u);
  EXPECT_EQ(web.published_ports(0).host_port(), 8080u);
  EXPECT_EQ(web.published_ports(1).container_port(), 53u);
  EXPECT_EQ(web.published_ports(1).protocol(), "udp");
  EXPECT_NE(web.published_ports(1).host_port(), 0u);
  EXPECT_EQ(namespaces_->PortElements(), 2);
}

TEST_F(NetworkTest, PsShowsThePublishedPorts) {
  RunDetached(
      {"--network", "tnet", "--name", "web", "-p", "8080:80", "-p", "127.0.0.1:5353:53/udp"},
      {"sleep", "300"});
  CommandResult table = agent_.Cli({"ps"});
  EXPECT_NE(table.out.find("PORTS"), std::string::npos) << table.out;
  EXPECT_NE(table.out.find("0.0.0.0:8080->80/tcp, 127.0.0.1:5353->53/udp"), std::string::npos)
      << table.out;
  CommandResult ports = agent_.Cli({"ps", "--format", "{{.Names}} {{.Ports}}"});
  EXPECT_EQ(ports.out, "web 0.0.0.0:8080->80/tcp, 127.0.0.1:5353->53/udp\n") << ports.err;
  CommandResult json = agent_.Cli({"ps", "--json"});
  EXPECT_NE(json.out.find("\"published_ports\""), std::string::npos) << json.out;
  EXPECT_NE(json.out.find("\"host_port\":8080"), std::string::npos) << json.out;
  // A stopped container publishes nothing.
  ASSERT_EQ(agent_.Cli({"stop", "-t", "0", "web"}).exit_code, 0);
  EXPECT_EQ(agent_.Cli({"ps", "-a", "--format", "{{.Names}}={{.Ports}}"}).out, "web=\n");
}

}  // namespace
}  // namespace boxcar::testing
