#include "cli/container_filters.h"

#include <gtest/gtest.h>

#include "cli/human_format.h"

namespace boxcar::cli {
namespace {

v1::Container Sample(const std::string& name, v1::ContainerState state) {
  v1::Container container;
  container.set_id(std::string(64, 'a'));
  container.set_name(name);
  container.set_state(state);
  container.set_image_id("sha256:" + std::string(64, 'b'));
  container.mutable_spec()->set_image("busybox");
  (*container.mutable_spec()->mutable_labels())["tier"] = "web";
  container.add_argv("sh");
  container.set_backend("chroot");
  return container;
}

TEST(ContainerFilterTest, KeysAreAndedAndValuesOfOneKeyOred) {
  v1::Container web = Sample("web-1", v1::CONTAINER_STATE_RUNNING);
  auto filter = ContainerFilter::Parse({"status=running", "status=exited", "name=web"});
  ASSERT_TRUE(filter.ok());
  EXPECT_TRUE(filter->Matches(web));
  EXPECT_TRUE(filter->NeedsAll());
  auto other_name = ContainerFilter::Parse({"status=running", "name=db"});
  EXPECT_FALSE(other_name->Matches(web));
  EXPECT_FALSE(other_name->NeedsAll());
}

TEST(ContainerFilterTest, LabelsAndAncestors) {
  v1::Container web = Sample("web-1", v1::CONTAINER_STATE_EXITED);
  EXPECT_TRUE(ContainerFilter::Parse({"label=tier"})->Matches(web));
  EXPECT_TRUE(ContainerFilter::Parse({"label=tier=web"})->Matches(web));
  EXPECT_FALSE(ContainerFilter::Parse({"label=tier=db"})->Matches(web));
  EXPECT_TRUE(ContainerFilter::Parse({"ancestor=busybox:latest"})->Matches(web));
  EXPECT_TRUE(ContainerFilter::Parse({"ancestor=bbbbbbbb"})->Matches(web));
  EXPECT_FALSE(ContainerFilter::Parse({"ancestor=alpine"})->Matches(web));
}

TEST(ContainerFilterTest, IdsExitCodesVolumesAndNetworks) {
  v1::Container web = Sample("web-1", v1::CONTAINER_STATE_EXITED);
  web.set_exit_code(3);
  auto* volume = web.mutable_spec()->add_mounts();
  volume->set_type(v1::Mount::TYPE_VOLUME);
  volume->set_source("appdata");
  volume->set_target("/data");
  web.mutable_spec()->mutable_network()->set_mode("app");
  web.add_interfaces()->set_network("backend");
  EXPECT_TRUE(ContainerFilter::Parse({"id=aaaa"})->Matches(web));
  EXPECT_FALSE(ContainerFilter::Parse({"id=ab"})->Matches(web));
  EXPECT_TRUE(ContainerFilter::Parse({"exited=3"})->Matches(web));
  EXPECT_FALSE(ContainerFilter::Parse({"exited=0"})->Matches(web));
  EXPECT_TRUE(ContainerFilter::Parse({"exited=0"})->NeedsAll());
  EXPECT_TRUE(ContainerFilter::Parse({"volume=appdata"})->Matches(web));
  EXPECT_TRUE(ContainerFilter::Parse({"volume=/data"})->Matches(web));
  EXPECT_FALSE(ContainerFilter::Parse({"volume=other"})->Matches(web));
  EXPECT_TRUE(ContainerFilter::Parse({"network=app"})->Matches(web));
  EXPECT_TRUE(ContainerFilter::Parse({"network=backend"})->Matches(web));
  EXPECT_FALSE(ContainerFilter::Parse({"network=bridge"})->Matches(web));
  EXPECT_EQ(*FormatContainer("{{.Mounts}} {{.Networks}}", web), "appdata app,backend");
  web.set_created_unix_ns((NowUnixSeconds() - 120) * 1000000000);
  EXPECT_EQ(*FormatContainer("{{.RunningFor}}", web), "2 minutes ago");
}

TEST(ContainerFilterTest, BeforeAndSinceAreByCreationAgainstANamedContainer) {
  google::protobuf::RepeatedPtrField<v1::Container> all;
  for (int i = 0; i < 3; ++i) {
    v1::Container* container = all.Add();
    *container = Sample("c" + std::to_string(i), v1::CONTAINER_STATE_RUNNING);
    container->set_id(std::string(63, 'a') + std::to_string(i));
    container->set_created_unix_ns(1000 + i);
  }
  auto filter = ContainerFilter::Parse({"before=c2", "since=" + all[0].id()});
  ASSERT_TRUE(filter.ok());
  EXPECT_TRUE(filter->NamesContainers());
  EXPECT_FALSE(filter->NeedsAll());
  ASSERT_TRUE(filter->Resolve(all).ok());
  EXPECT_FALSE(filter->Matches(all[0]));
  EXPECT_TRUE(filter->Matches(all[1]));
  EXPECT_FALSE(filter->Matches(all[2]));
  auto missing = ContainerFilter::Parse({"before=nobody"});
  Status resolved = missing->Resolve(all);
  EXPECT_EQ(resolved.code(), StatusCode::kNotFound);
  EXPECT_NE(resolved.message().find("--filter 'before=nobody': no such container"),
            std::string::npos)
      << resolved.message();
}

TEST(ContainerFilterTest, BadFiltersNameTheFlag) {
  for (const char* bad :
       {"status", "color=red", "status=sleeping", "=x", "name=", "exited=-1", "exited=x"}) {
    auto filter = ContainerFilter::Parse({bad});
    EXPECT_EQ(filter.status().code(), StatusCode::kInvalidArgument) << bad;
    EXPECT_NE(filter.status().message().find("--filter"), std::string::npos) << bad;
  }
}

TEST(FormatContainerTest, TemplatesOfColumnNames) {
  v1::Container web = Sample("web-1", v1::CONTAINER_STATE_RUNNING);
  auto line = FormatContainer("{{.ID}} {{ .Names }}\\t{{.State}} {{.Labels}} {{.Command}}", web);
  ASSERT_TRUE(line.ok()) << line.status().message();
  EXPECT_EQ(*line, "aaaaaaaaaaaa web-1\trunning tier=web \"sh\"");
  // .Status is Docker's STATUS column, the header row names the columns.
  web.set_started_unix_ns((NowUnixSeconds() - 180) * 1000000000);
  EXPECT_EQ(*FormatContainer("{{.Status}}", web), StatusText(web));
  EXPECT_EQ(FormatContainer("{{.Status}}", web)->rfind("Up 3 ", 0), 0u) << StatusText(web);
  EXPECT_EQ(*FormatContainerHeader("{{.ID}}\\t{{.Names}}\\t{{.Status}}"),
            "CONTAINER ID\tNAMES\tSTATUS");
  auto unknown = FormatContainer("{{.Nope}}", web);
  EXPECT_EQ(unknown.status().code(), StatusCode::kInvalidArgument);
  EXPECT_NE(unknown.status().message().find("--format"), std::string::npos);
  EXPECT_FALSE(FormatContainer("{{.ID", web).ok());
}

TEST(FormatContainerTest, PortsAreDockersPortsColumn) {
  v1::Container web = Sample("web-1", v1::CONTAINER_STATE_RUNNING);
  EXPECT_EQ(PortsText(web), "");
  v1::PortMapping* any = web.add_published_ports();
  any->set_host_port(8080);
  any->set_container_port(80);
  any->set_protocol("tcp");
  v1::PortMapping* loopback = web.add_published_ports();
  loopback->set_host_ip("127.0.0.1");
  loopback->set_host_port(5353);
  loopback->set_container_port(53);
  loopback->set_protocol("udp");
  EXPECT_EQ(PortsText(web), "0.0.0.0:8080->80/tcp, 127.0.0.1:5353->53/udp");
  EXPECT_EQ(*FormatContainer("{{.Ports}}", web), PortsText(web));
  EXPECT_EQ(*FormatContainerHeader("{{.Names}}\\t{{.Ports}}"), "NAMES\tPORTS");
}

}  // namespace
}  // namespace boxcar::cli
