#include "cli/docker_container_view.h"

#include <gtest/gtest.h>
#include <rapidjson/document.h>

#include "cli/message_template.h"

namespace boxcar::cli {
namespace {

constexpr int64_t kCreatedNs = 1764975000123456700;  // 2025-12-05T22:50:00.1234567Z
constexpr int64_t kStartedNs = 1764975001000000000;

v1::Container Running() {
  v1::Container container;
  container.set_id(std::string(64, 'c'));
  container.set_name("web");
  container.set_image_id("sha256:" + std::string(64, 'e'));
  container.set_state(v1::CONTAINER_STATE_RUNNING);
  container.set_pid(4242);
  container.set_exit_code(0);
  container.set_created_unix_ns(kCreatedNs);
  container.set_started_unix_ns(kStartedNs);
  container.set_restart_count(2);
  container.add_argv("/entry.sh");
  container.add_argv("httpd");
  container.add_argv("-f");
  v1::ContainerSpec& spec = *container.mutable_spec();
  spec.set_image("busybox:1.36");
  spec.set_hostname("cccccccccccc");
  spec.add_env("PATH=/bin");
  spec.add_env("A=b");
  spec.add_command("httpd");
  spec.add_command("-f");
  (*spec.mutable_labels())["tier"] = "front <&>";
  spec.mutable_limits()->set_memory_bytes(64 << 20);
  spec.mutable_limits()->set_cpu_millis(1500);
  spec.mutable_limits()->set_pids_max(100);
  spec.mutable_restart_policy()->set_mode(v1::RestartPolicy::MODE_ON_FAILURE);
  spec.mutable_restart_policy()->set_max_retries(3);
  spec.mutable_network()->set_mode("testnet");
  auto* port = spec.mutable_network()->add_ports();
  port->set_container_port(80);
  port->set_host_port(8080);
  auto* volume = spec.add_mounts();
  volume->set_type(v1::Mount::TYPE_VOLUME);
  volume->set_source("data");
  volume->set_target("/data");
  auto* bind = spec.add_mounts();
  bind->set_type(v1::Mount::TYPE_BIND);
  bind->set_source("/srv");
  bind->set_target("/srv");
  bind->set_read_only(true);
  spec.mutable_healthcheck()->add_test("CMD-SHELL");
  spec.mutable_healthcheck()->add_test("true");
  spec.mutable_healthcheck()->set_interval_ns(2000000000);
  spec.set_log_driver("local");
  spec.set_init(false);
  v1::NetworkEndpoint& endpoint = *container.mutable_network_endpoint();
  endpoint.set_network("testnet");
  endpoint.set_ip("10.88.0.5");
  endpoint.set_gateway("10.88.0.1");
  endpoint.set_prefix_length(24);
  endpoint.set_mac("02:42:0a:58:00:05");
  auto* published = container.add_published_ports();
  published->set_container_port(80);
  published->set_host_port(8080);
  published->set_protocol("tcp");
  container.mutable_health()->set_status(v1::HEALTH_STATUS_HEALTHY);
  auto* probe = container.mutable_health()->add_log();
  probe->set_start_unix_ns(kStartedNs);
  probe->set_end_unix_ns(kStartedNs + 5000000);
  probe->set_output("ok\n");
  return container;
}

DockerContainerSources Sources() {
  DockerContainerSources sources;
  sources.image.emplace();
  sources.image->mutable_config()->add_entrypoint("/entry.sh");
  sources.image->mutable_config()->add_exposed_ports("443/tcp");
  (*sources.image->mutable_config()->mutable_labels())["maintainer"] = "someone";
  sources.volume_mountpoints["data"] = "/var/lib/boxcar/volumes/data/_data";
  return sources;
}

std::string Rendered(const std::string& format_template, const v1::Container& container = Running(),
                     const DockerContainerSources& sources = Sources()) {
  DockerView view = DockerContainerView(container, sources);
  StatusOr<std::string> out = RenderMessageTemplate(format_template, container, &view);
  EXPECT_TRUE(out.ok()) << format_template << ": " << out.status().message();
  return out.ok() ? *out : "";
}

std::string Refusal(const std::string& format_template) {
  v1::Container container = Running();
  DockerView view = DockerContainerView(container, Sources());
  StatusOr<std::string> out = RenderMessageTemplate(format_template, container, &view);
  EXPECT_FALSE(out.ok()) << format_template << " gave " << (out.ok() ? *out : "");
  return out.ok() ? "" : std::string(out.status().message());
}

TEST(DockerContainerViewTest, DockerHabitsPrintWhatDockerWould) {
  EXPECT_EQ(Rendered("{{.State.Running}} {{.State.Status}} {{.State.Pid}} {{.State.ExitCode}}"),
            "true running 4242 0");
  EXPECT_EQ(Rendered("{{.State.StartedAt}}|{{.State.FinishedAt}}|{{.Created}}"),
            "2025-12-05T22:50:01Z|0001-01-01T00:00:00Z|2025-12-05T22:50:00.1234567Z");
  EXPECT_EQ(Rendered("{{.State.Health.Status}} {{range .State.Health.Log}}{{.Output}}{{end}}"),
            "healthy ok\n");
  EXPECT_EQ(Rendered("{{.NetworkSettings.IPAddress}}/{{.NetworkSettings.IPPrefixLen}} "
                     "{{range .NetworkSettings.Networks}}{{.IPAddress}} {{.Gateway}}{{end}}"),
            "/0 10.88.0.5 10.88.0.1")
      << "the top-level address is Docker's default bridge's only (boxcar0)";
  EXPECT_EQ(Rendered("{{.Config.Image}} {{.Config.Env}} {{.Config.Cmd}} {{.Config.Entrypoint}}"),
            "busybox:1.36 [PATH=/bin A=b] [httpd -f] [/entry.sh]");
  EXPECT_EQ(Rendered("{{json .Config.Labels}}"),
            "{\"maintainer\":\"someone\",\"tier\":\"front \\u003c\\u0026\\u003e\"}");
  EXPECT_EQ(Rendered("{{index .Config.Labels \"tier\"}}|{{.Config.Labels.tier}}|"
                     "{{index .Config.Labels \"nope\"}}|{{.Config.Labels.nope}}"),
            "front <&>|front <&>||<no value>");
  EXPECT_EQ(Rendered("{{.HostConfig.Memory}} {{.HostConfig.NanoCpus}} {{.HostConfig.PidsLimit}} "
                     "{{.HostConfig.MemorySwap}} {{.HostConfig.MemorySwappiness}}"),
            "67108864 1500000000 100 67108864 <nil>");
  EXPECT_EQ(Rendered("{{.HostConfig.RestartPolicy.Name}}:{{.HostConfig.RestartPolicy."
                     "MaximumRetryCount}} {{.HostConfig.NetworkMode}} {{.HostConfig.CapAdd}}"),
            "on-failure:3 testnet []");
  EXPECT_EQ(Rendered("{{.Name}} {{.Id}} {{.Image}} {{.RestartCount}} {{.Path}} {{.Args}}"),
            "/web " + std::string(64, 'c') + " sha256:" + std::string(64, 'e') +
                " 2 /entry.sh [httpd -f]");
  EXPECT_EQ(Rendered("{{json .HostConfig.PortBindings}} {{json .NetworkSettings.Ports}}"),
            "{\"80/tcp\":[{\"HostIp\":\"\",\"HostPort\":\"8080\"}]} "
            "{\"443/tcp\":null,\"80/tcp\":[{\"HostIp\":\"0.0.0.0\",\"HostPort\":\"8080\"}]}");
  EXPECT_EQ(Rendered("{{json .Mounts}}"),
            "[{\"Type\":\"volume\",\"Name\":\"data\",\"Source\":\"/var/lib/boxcar/volumes/data/"
            "_data\",\"Destination\":\"/data\",\"Driver\":\"local\",\"Mode\":\"z\",\"RW\":true,"
            "\"Propagation\":\"\"},{\"Type\":\"bind\",\"Source\":\"/srv\",\"Destination\":\"/"
            "srv\",\"Mode\":\"ro\",\"RW\":false,\"Propagation\":\"rprivate\"}]");
  EXPECT_EQ(
      Rendered("{{.HostConfig.Binds}} {{json .Config.Healthcheck}}"),
      "[data:/data /srv:/srv:ro] {\"Test\":[\"CMD-SHELL\",\"true\"],\"Interval\":2000000000}");
  EXPECT_EQ(Rendered("{{range $.Mounts}}{{.Destination}} {{end}}"), "/data /srv ");
}

TEST(DockerContainerViewTest, BoxcarsOwnFieldsKeepWorking) {
  // Every path not spelled exactly as one of Docker's keys walks the message as before.
  EXPECT_EQ(Rendered("{{.pid}} {{.Pid}} {{.ExitCode}} {{.state}} {{.name}} {{.id}}"),
            "4242 4242 0 CONTAINER_STATE_RUNNING web " + std::string(64, 'c'));
  EXPECT_EQ(Rendered("{{.spec.labels.tier}} {{.Spec.Image}} {{.spec.limits.memory_bytes}}"),
            "front <&> busybox:1.36 67108864");
  EXPECT_EQ(Rendered("{{.health.status}} {{json .argv}}"),
            "HEALTH_STATUS_HEALTHY [\"/entry.sh\",\"httpd\",\"-f\"]");
}

TEST(DockerContainerViewTest, MistakesNameWhatIsThere) {
  const std::string no_field = Refusal("{{.State.Pidd}}");
  EXPECT_NE(no_field.find(".State has no field 'Pidd'; it has: .Status .Running"),
            std::string::npos)
      << no_field;
  const std::string top = Refusal("{{.Nope}}");
  EXPECT_NE(top.find("the object has no field 'Nope'; it has: .id .name"), std::string::npos)
      << top;
  EXPECT_NE(top.find("and Docker's: .Id .Created .Path"), std::string::npos) << top;
  EXPECT_NE(Refusal("{{index .Args 7}}").find("index out of range: 7"), std::string::npos);
  EXPECT_NE(Refusal("{{range .State}}{{end}}").find("range can't iterate over {running"),
            std::string::npos);
}

TEST(DockerContainerViewTest, StatesNullsAndTheJsonShape) {
  v1::Container created = Running();
  created.set_state(v1::CONTAINER_STATE_CREATED);
  created.set_pid(0);
  created.clear_health();
  created.clear_published_ports();
  created.mutable_spec()->clear_init();
  DockerView view = DockerContainerView(created, {});
  const rapidjson::Value& json = view.json;
  EXPECT_EQ(std::string(json["State"]["Status"].GetString()), "created");
  EXPECT_FALSE(json["State"]["Running"].GetBool());
  EXPECT_FALSE(json["State"].HasMember("Health")) << "no health check run yet: no key, as Docker";
  EXPECT_TRUE(json["HostConfig"]["Init"].IsNull());
  EXPECT_TRUE(json["HostConfig"]["CapAdd"].IsNull());
  EXPECT_TRUE(json["HostConfig"]["Dns"].IsArray());
  EXPECT_EQ(json["NetworkSettings"]["Ports"].MemberCount(), 0u) << "published while it runs";
  EXPECT_EQ(json["HostConfig"]["ShmSize"].GetInt64(), 64 << 20);
  // Without the image: Entrypoint unknown, argv is the Cmd.
  EXPECT_TRUE(json["Config"]["Entrypoint"].IsNull());
  EXPECT_EQ(json["Config"]["Cmd"].Size(), 3u);

  v1::Container paused = Running();
  paused.set_state(v1::CONTAINER_STATE_PAUSED);
  EXPECT_EQ(Rendered("{{.State.Status}} {{.State.Running}} {{.State.Paused}}", paused),
            "paused true true");
  v1::Container exited = Running();
  exited.set_state(v1::CONTAINER_STATE_EXITED);
  exited.set_exit_code(137);
  exited.set_oom_killed(true);
  exited.set_finished_unix_ns(kStartedNs + 1);
  EXPECT_EQ(Rendered("{{.State.Status}} {{.State.ExitCode}} {{.State.OOMKilled}} "
                     "{{.State.FinishedAt}}",
                     exited),
            "exited 137 true 2025-12-05T22:50:01.000000001Z");
  v1::Container shared = Running();
  shared.mutable_spec()->mutable_network()->set_mode("container:" + std::string(64, 'd'));
  shared.clear_network_endpoint();
  EXPECT_EQ(Rendered("{{json .NetworkSettings.Networks}} {{.HostConfig.NetworkMode}}", shared),
            "{} container:" + std::string(64, 'd'));
}

TEST(DockerContainerViewTest, InspectObjectHoldsBothShapes) {
  v1::Container container = Running();
  DockerView view = DockerContainerView(container, Sources());
  rapidjson::Document object;
  object.Parse(InspectObjectJson(container, &view, true).c_str());
  ASSERT_FALSE(object.HasParseError());
  EXPECT_EQ(std::string(object["state"].GetString()), "CONTAINER_STATE_RUNNING");
  EXPECT_EQ(object["State"]["Pid"].GetInt(), 4242);
  EXPECT_EQ(std::string(object["name"].GetString()), "web");
  EXPECT_EQ(std::string(object["Name"].GetString()), "/web");
  EXPECT_EQ(std::string(object["spec"]["limits"]["memory_bytes"].GetString()), "67108864")
      << "Boxcar's fields print as before (64-bit integers as strings)";
}

}  // namespace
}  // namespace boxcar::cli
