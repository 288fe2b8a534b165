// Docker's keys of inspect that come from the agent's host paths and from every network
// attachment (cli/docker_container_view.h, cli/docker_network_settings.h).
#include <gtest/gtest.h>

#include "cli/docker_container_view.h"
#include "cli/message_template.h"

namespace boxcar::cli {
namespace {

const std::string kState = "/var/lib/boxcar/containers/" + std::string(64, 'c');

v1::Container Container(const std::string& network) {
  v1::Container container;
  container.set_id(std::string(64, 'c'));
  container.set_name("web");
  container.set_state(v1::CONTAINER_STATE_RUNNING);
  container.set_pid(4242);
  container.mutable_spec()->set_hostname("webhost");
  container.mutable_spec()->mutable_network()->set_mode(network);
  if (network != "none" && network != "host") {
    v1::NetworkEndpoint& endpoint = *container.mutable_network_endpoint();
    endpoint.set_network(network);
    endpoint.set_ip("10.88.0.5");
    endpoint.set_gateway("10.88.0.1");
    endpoint.set_prefix_length(16);
    endpoint.set_mac("02:42:0a:58:00:05");
  }
  container.set_resolv_conf_path(kState + "/resolv.conf");
  container.set_hostname_path(kState + "/hostname");
  container.set_hosts_path(kState + "/hosts");
  container.set_log_path(kState + "/output.log");
  v1::Container::Storage& storage = *container.mutable_storage();
  storage.set_driver("overlay");
  storage.add_lower_dirs("/var/lib/boxcar/etc-mount-points");
  storage.add_lower_dirs("/var/lib/boxcar/layers/2");
  storage.add_lower_dirs("/var/lib/boxcar/layers/1");
  storage.set_upper_dir("/var/lib/boxcar/snapshots/c.upper");
  storage.set_work_dir("/var/lib/boxcar/snapshots/c.work");
  storage.set_merged_dir("/var/lib/boxcar/snapshots/c.rootfs");
  return container;
}

std::string Rendered(const std::string& format_template, const v1::Container& container,
                     const DockerContainerSources& sources = {}) {
  DockerView view = DockerContainerView(container, sources);
  StatusOr<std::string> out = RenderMessageTemplate(format_template, container, &view);
  EXPECT_TRUE(out.ok()) << format_template << ": " << out.status().message();
  return out.ok() ? *out : "";
}

TEST(DockerContainerViewPathsTest, HostPathsAndGraphDriver) {
  const v1::Container web = Container("boxcar0");
  EXPECT_EQ(Rendered("{{.ResolvConfPath}} {{.HostnamePath}} {{.HostsPath}} {{.LogPath}}", web),
            kState + "/resolv.conf " + kState + "/hostname " + kState + "/hosts " + kState +
                "/output.log");
  EXPECT_EQ(Rendered("{{json .GraphDriver}}", web),
            "{\"Data\":{\"LowerDir\":\"/var/lib/boxcar/etc-mount-points:/var/lib/boxcar/layers/"
            "2:/var/lib/boxcar/layers/1\",\"MergedDir\":\"/var/lib/boxcar/snapshots/c.rootfs\","
            "\"UpperDir\":\"/var/lib/boxcar/snapshots/c.upper\",\"WorkDir\":\"/var/lib/boxcar/"
            "snapshots/c.work\"},\"Name\":\"overlay2\"}");
  EXPECT_EQ(Rendered("[{{.MountLabel}}][{{.ProcessLabel}}][{{.AppArmorProfile}}] {{json .ExecIDs}} "
                     "{{.Driver}}",
                     web),
            "[][][] null overlay2");
  v1::Container unconfined = web;
  unconfined.mutable_spec()->add_security_opt("apparmor=unconfined");
  EXPECT_EQ(Rendered("{{.AppArmorProfile}}", unconfined), "unconfined");
  // Docker's omitempty: no size keys unless asked for.
  DockerView plain = DockerContainerView(web, {});
  EXPECT_FALSE(plain.json.HasMember("SizeRw"));
  EXPECT_FALSE(plain.json.HasMember("SizeRootFs"));
  DockerContainerSources sized;
  sized.size_rw_bytes = 4096;
  sized.size_root_fs_bytes = 5000000;
  EXPECT_EQ(Rendered("{{.SizeRw}} {{.SizeRootFs}}", web, sized), "4096 5000000");
  // A record from an agent without the paths: "" and a null Data, as Docker's for none.
  v1::Container old = web;
  old.clear_storage();
  old.clear_log_path();
  EXPECT_EQ(Rendered("[{{.LogPath}}] {{json .GraphDriver.Data}}", old), "[] null");
}

TEST(DockerContainerViewPathsTest, TopLevelAddressOnTheDefaultBridgeOnly) {
  EXPECT_EQ(Rendered("{{.NetworkSettings.IPAddress}}/{{.NetworkSettings.IPPrefixLen}} "
                     "{{.NetworkSettings.Gateway}} {{.NetworkSettings.MacAddress}} "
                     "{{json .NetworkSettings.Networks.boxcar0.DNSNames}}",
                     Container("boxcar0")),
            "10.88.0.5/16 10.88.0.1 02:42:0a:58:00:05 null");
  EXPECT_EQ(Rendered("[{{.NetworkSettings.IPAddress}}][{{.NetworkSettings.IPPrefixLen}}]"
                     "[{{.NetworkSettings.Gateway}}][{{.NetworkSettings.MacAddress}}] "
                     "{{.NetworkSettings.Networks.app.IPAddress}} "
                     "{{json .NetworkSettings.Networks.app.DNSNames}}",
                     Container("app")),
            "[][0][][] 10.88.0.5 [\"web\",\"webhost\"]");
  EXPECT_EQ(Rendered("{{.NetworkSettings.SandboxKey}}", Container("app")), "/proc/4242/ns/net");
  EXPECT_EQ(Rendered("[{{.NetworkSettings.SandboxKey}}] {{range $k, $v := "
                     ".NetworkSettings.Networks}}{{$k}}:[{{$v.IPAddress}}]{{end}}",
                     Container("host")),
            "[] host:[]");
}

TEST(DockerContainerViewPathsTest, EveryAttachmentUnderNetworks) {
  v1::Container web = Container("app");
  web.mutable_spec()->mutable_network()->add_aliases("www");
  web.mutable_spec()->mutable_network()->set_ip("10.88.0.5");
  v1::VifSpec& connected = *web.add_interfaces();
  connected.set_network("back");
  connected.set_bridge("bx-back");
  connected.set_host_interface("bxc0123456789");
  connected.set_mac("02:42:0a:59:00:07");
  connected.add_addresses("10.89.0.7/24");
  connected.set_gateway("10.89.0.1");
  connected.add_aliases("api");
  v1::VifSpec& nova = *web.add_interfaces();
  nova.set_bridge("brq1234567890");
  nova.set_host_interface("tap0123456789a");
  nova.set_mac("fa:16:3e:00:00:01");
  nova.add_addresses("192.0.2.10/28");
  const std::string each =
      "{{range $name, $n := .NetworkSettings.Networks}}{{$name}}={{$n.IPAddress}}/"
      "{{$n.IPPrefixLen}},{{$n.Gateway}},{{$n.MacAddress}},{{$n.NetworkID}},{{$n.Aliases}};{{end}}";
  EXPECT_EQ(Rendered(each, web),
            "app=10.88.0.5/16,10.88.0.1,02:42:0a:58:00:05,app,[www];"
            "back=10.89.0.7/24,10.89.0.1,02:42:0a:59:00:07,back,[api];"
            "tap0123456789a=192.0.2.10/28,,fa:16:3e:00:00:01,brq1234567890,[];");
  EXPECT_EQ(Rendered("{{json .NetworkSettings.Networks.app.IPAMConfig}} "
                     "{{json .NetworkSettings.Networks.back.IPAMConfig}}",
                     web),
            "{\"IPv4Address\":\"10.88.0.5\"} null");
  // A compute driver's container: its spec's VIF is its one network.
  v1::Container vif;
  vif.set_name("instance");
  vif.mutable_spec()->mutable_network()->set_mode("vif");
  v1::VifSpec& eth0 = *vif.mutable_spec()->mutable_network()->mutable_vif();
  eth0.set_bridge("brqabc");
  eth0.set_host_interface("tapabc");
  eth0.set_mac("fa:16:3e:00:00:02");
  eth0.add_addresses("192.0.2.20/24");
  eth0.set_gateway("192.0.2.1");
  EXPECT_EQ(Rendered(each, vif), "tapabc=192.0.2.20/24,192.0.2.1,fa:16:3e:00:00:02,brqabc,[];");
}

}  // namespace
}  // namespace boxcar::cli
