// `boxcar inspect` in Docker's shape beside Boxcar's (cli/docker_container_view.h): Docker
// users' templates and `jq '.[0].State.Pid'` habits print what Docker would for a running
// container with limits, a published port on a bridge network, a named volume, a health check,
// labels, environment and a restart policy; Boxcar's own templates keep working.
#include <gtest/gtest.h>
#include <time.h>

#include <string>

#include "build_paths.h"
#include "health_check_wait.h"
#include "network_fixture.h"
#include "registry_harness.h"

namespace boxcar::testing {
namespace {

class InspectDockerShapeTest : public NetworkTest {
 protected:
  // `boxcar inspect -f TEMPLATE NAME`'s line (without its newline); a failure if it fails.
  std::string Format(const std::string& format_template, const std::string& name = "web") {
    CommandResult formatted = agent_.Cli({"inspect", "-f", format_template, name});
    EXPECT_EQ(formatted.exit_code, 0) << format_template << ": " << formatted.err;
    if (!formatted.out.empty() && formatted.out.back() == '\n') formatted.out.pop_back();
    return formatted.out;
  }
};

// Go's time.RFC3339Nano in UTC, written independently of the CLI's.
std::string GoTime(int64_t unix_ns) {
  const time_t seconds = unix_ns / 1000000000;
  struct tm utc {};
  gmtime_r(&seconds, &utc);
  char text[64];
  strftime(text, sizeof text, "%Y-%m-%dT%H:%M:%S", &utc);
  std::string fraction = std::to_string(1000000000 + unix_ns % 1000000000).substr(1);
  while (!fraction.empty() && fraction.back() == '0') fraction.pop_back();
  return std::string(text) + (fraction.empty() ? "" : "." + fraction) + "Z";
}

TEST_F(InspectDockerShapeTest, DockerTemplatesAndJsonPrintWhatDockerWould) {
  const std::string id =
      RunDetached({"--name", "web",        "-m",           "64m",         "--cpus",
                   "1.5",    "--network",  "tnet",         "-p",          "8080:80",
                   "-v",     "data:/data", "--health-cmd", "true",        "--health-interval",
                   "1s",     "-l",         "tier=front",   "-l",          "org.example.role=cache",
                   "-e",     "A=b",        "--restart",    "on-failure:3"},
                  {"sleep", "300"});
  ASSERT_FALSE(id.empty());
  const v1::Container healthy =
      WaitForHealth([&] { return Inspect(id); }, v1::HEALTH_STATUS_HEALTHY);
  ASSERT_EQ(healthy.health().status(), v1::HEALTH_STATUS_HEALTHY) << healthy.DebugString();
  const v1::Container web = Inspect(id);
  ASSERT_GT(web.pid(), 0);
  ASSERT_EQ(web.network_endpoint().ip().rfind(kTnetPrefix, 0), 0u) << web.DebugString();

  EXPECT_EQ(Format("{{.State.Running}} {{.State.Status}} {{.State.Pid}} {{.State.ExitCode}}"),
            "true running " + std::to_string(web.pid()) + " 0");
  EXPECT_EQ(Format("{{.State.StartedAt}}"), GoTime(web.started_unix_ns()));
  EXPECT_EQ(Format("{{.Created}}"), GoTime(web.created_unix_ns()));
  EXPECT_EQ(Format("{{.State.FinishedAt}}"), "0001-01-01T00:00:00Z");
  EXPECT_EQ(Format("{{.State.Health.Status}}"), "healthy");
  // Docker fills the top-level address on its default bridge only; tnet is user-defined.
  EXPECT_EQ(Format("[{{.NetworkSettings.IPAddress}}][{{.NetworkSettings.Gateway}}]"
                   "[{{.NetworkSettings.MacAddress}}][{{.NetworkSettings.IPPrefixLen}}]"),
            "[][][][0]");
  EXPECT_EQ(Format("{{range .NetworkSettings.Networks}}{{.IPAddress}}{{end}}"),
            web.network_endpoint().ip());
  EXPECT_EQ(Format("{{with .NetworkSettings.Networks.tnet}}{{.IPAddress}}/{{.IPPrefixLen}} "
                   "{{.Gateway}} {{.MacAddress}} {{.NetworkID}} {{json .DNSNames}}{{end}}"),
            web.network_endpoint().ip() + "/24 10.201.0.1 " + web.network_endpoint().mac() +
                " tnet [\"web\",\"" + web.spec().hostname() + "\"]");
  EXPECT_EQ(Format("{{json .NetworkSettings.Ports}}"),
            "{\"80/tcp\":[{\"HostIp\":\"0.0.0.0\",\"HostPort\":\"8080\"}]}");
  EXPECT_EQ(Format("{{.Config.Image}}"), "busybox");
  std::string env = "[";
  for (const auto& entry : web.spec().env()) env += (env.size() > 1 ? " " : "") + entry;
  EXPECT_EQ(Format("{{.Config.Env}}"), env + "]");
  EXPECT_NE(env.find("A=b"), std::string::npos) << env;
  EXPECT_EQ(Format("{{json .Config.Labels}}"),
            "{\"org.example.role\":\"cache\",\"tier\":\"front\"}");
  EXPECT_EQ(Format("{{index .Config.Labels \"tier\"}}"), "front");
  EXPECT_EQ(Format("{{.HostConfig.Memory}} {{.HostConfig.NanoCpus}}"), "67108864 1500000000");
  // Docker's default swap with -m alone: as much again (-1 on a host without swap accounting).
  const std::string swap = Format("{{.HostConfig.MemorySwap}}");
  EXPECT_TRUE(swap == "134217728" || swap == "-1") << swap;
  EXPECT_EQ(Format("{{.HostConfig.RestartPolicy.Name}} {{.HostConfig.RestartPolicy."
                   "MaximumRetryCount}}"),
            "on-failure 3");
  EXPECT_EQ(Format("{{.HostConfig.NetworkMode}}"), "tnet");
  EXPECT_EQ(Format("{{.Name}}"), "/web");
  EXPECT_EQ(Format("{{.Id}}"), id);
  EXPECT_EQ(Format("{{.Image}}"), web.image_id());
  EXPECT_EQ(web.image_id().rfind("sha256:", 0), 0u);

  // Mounts and the whole object, read by a JSON parser of its own (python3's).
  const std::string cli = std::string(BOXCAR_CLI_PATH) + " --socket " + agent_.socket_path();
  std::string mounts;
  ASSERT_EQ(Shell(cli + " inspect -f '{{json .Mounts}}' web | python3 -c 'import json, sys; "
                        "m = json.load(sys.stdin); assert len(m) == 1, m; m = m[0]; "
                        "print(m[\"Type\"], m[\"Name\"], m[\"Destination\"], m[\"RW\"], "
                        "m[\"Driver\"], m[\"Source\"])'",
                  &mounts),
            0)
      << mounts;
  std::string volume_mountpoint;
  ASSERT_EQ(Shell(cli + " volume inspect -f '{{.mountpoint}}' data", &volume_mountpoint), 0);
  ASSERT_FALSE(volume_mountpoint.empty());
  EXPECT_EQ(mounts, "volume data /data True local " + volume_mountpoint);
  std::string jq;
  ASSERT_EQ(Shell(cli + " inspect web | python3 -c 'import json, sys; c = json.load(sys.stdin)[0]; "
                        "print(c[\"State\"][\"Pid\"], c[\"pid\"], c[\"State\"][\"Running\"], "
                        "c[\"state\"], c[\"Name\"], c[\"name\"], c[\"HostConfig\"][\"Memory\"], "
                        "c[\"spec\"][\"limits\"][\"memory_bytes\"], "
                        "c[\"HostConfig\"][\"MemorySwappiness\"], c[\"HostConfig\"][\"CapAdd\"])'",
                  &jq),
            0)
      << jq;
  const std::string pid = std::to_string(web.pid());
  EXPECT_EQ(
      jq, pid + " " + pid + " True CONTAINER_STATE_RUNNING /web web 67108864 67108864 None None\n");

  // Boxcar's own templates, as before.
  EXPECT_EQ(Format("{{.pid}} {{.Pid}} {{.ExitCode}} {{.state}} {{.name}}"),
            pid + " " + pid + " 0 CONTAINER_STATE_RUNNING web");
  EXPECT_EQ(Format("{{.spec.labels.tier}} {{.spec.labels.org.example.role}} {{.Spec.PidMode}}|"
                   "{{.spec.limits.memory_bytes}} {{.spec.network.mode}}"),
            "front cache |67108864 tnet");

  // Mistakes: exit code 2 and what is there.
  CommandResult typo = agent_.Cli({"inspect", "-f", "{{.State.Pidd}}", "web"});
  EXPECT_EQ(typo.exit_code, 2);
  EXPECT_NE(typo.err.find(".State has no field 'Pidd'; it has: .Status .Running"),
            std::string::npos)
      << typo.err;
  CommandResult unknown_function = agent_.Cli({"inspect", "-f", "{{nosuch .Name}}", "web"});
  EXPECT_EQ(unknown_function.exit_code, 2);
  EXPECT_NE(unknown_function.err.find("template: :1:3: function \"nosuch\" not defined"),
            std::string::npos)
      << unknown_function.err;
  // Go's control flow, variables and functions, over both containers; an error prints nothing.
  EXPECT_EQ(Format("{{range $k, $v := .Config.Labels}}{{$k}}={{$v}};{{end}}"
                   "{{if and .State.Running (gt .State.Pid 0)}} up{{else}} down{{end}}"
                   "{{with $n := .NetworkSettings.Networks.tnet}} {{printf \"%s/%d\" $n.IPAddress "
                   "$n.IPPrefixLen}}{{end}} {{pad (truncate .Name 3) 1 0}}"),
            "org.example.role=cache;tier=front; up " + web.network_endpoint().ip() + "/24  /we");
  RunDetached({"--name", "other", "--network", "none"}, {"sleep", "300"});
  CommandResult both = agent_.Cli({"inspect", "-f", "{{.Name}}", "web", "other"});
  EXPECT_EQ(both.out, "/web\n/other\n") << both.err;
  CommandResult half =
      agent_.Cli({"inspect", "-f", "{{.Name}} {{index .HostConfig.Binds 0}}", "web", "other"});
  EXPECT_EQ(half.exit_code, 2);
  EXPECT_EQ(half.out, "") << "nothing printed when a template fails on one of them";
  EXPECT_NE(
      half.err.find("boxcar: --format: template: :1:13: executing at "
                    "<index .HostConfig.Binds 0>: error calling index: index out of range: 0"),
      std::string::npos)
      << half.err;
  ASSERT_EQ(agent_.Cli({"rm", "-f", "other"}).exit_code, 0);
  ASSERT_EQ(agent_.Cli({"rm", "-f", "web"}).exit_code, 0);
  ASSERT_EQ(agent_.Cli({"volume", "rm", "data"}).exit_code, 0);
}

TEST_F(InspectDockerShapeTest, ImageInspectHasDockersKeys) {
  CommandResult boxcar = agent_.Cli(
      {"image", "inspect", "-f", "{{.id}} {{json .references}} {{.size_bytes}}", "busybox"});
  ASSERT_EQ(boxcar.exit_code, 0) << boxcar.err;
  CommandResult docker =
      agent_.Cli({"image", "inspect", "-f", "{{.Id}} {{json .RepoTags}} {{.Size}}", "busybox"});
  ASSERT_EQ(docker.exit_code, 0) << docker.err;
  EXPECT_EQ(docker.out, boxcar.out);
  EXPECT_EQ(docker.out.rfind("sha256:", 0), 0u) << docker.out;
  std::string layers;
  const std::string cli = std::string(BOXCAR_CLI_PATH) + " --socket " + agent_.socket_path();
  ASSERT_EQ(
      Shell(cli + " image inspect busybox | python3 -c 'import json, sys; i = "
                  "json.load(sys.stdin)[0]; assert i[\"RootFS\"][\"Layers\"] == [l[\"diff_id\"] "
                  "for l in i[\"layers\"]], i; print(i[\"Os\"], i[\"RootFS\"][\"Type\"], "
                  "len(i[\"RootFS\"][\"Layers\"]) > 0, i[\"Config\"][\"Cmd\"])'",
            &layers),
      0)
      << layers;
  EXPECT_EQ(layers, "linux layers True ['sh']\n");
}

TEST_F(InspectDockerShapeTest, AnExitedContainerAsDockerShowsIt) {
  CommandResult ran =
      agent_.Cli({"run", "--name", "done", "--network", "none", "busybox", "sh", "-c", "exit 3"});
  ASSERT_EQ(ran.exit_code, 3) << ran.err;
  const v1::Container done = Inspect("done");
  EXPECT_EQ(Format("{{.State.Status}} {{.State.Running}} {{.State.Pid}} {{.State.ExitCode}} "
                   "{{.HostConfig.NetworkMode}} {{json .NetworkSettings.Ports}} "
                   "{{.HostConfig.RestartPolicy.Name}} {{.Path}} {{json .Args}}",
                   "done"),
            "exited false 0 3 none {} no sh [\"-c\",\"exit 3\"]");
  EXPECT_EQ(Format("{{.State.FinishedAt}}", "done"), GoTime(done.finished_unix_ns()));
  EXPECT_GT(done.finished_unix_ns(), done.started_unix_ns());
  // No health check: Docker's State has no Health, and a template asking for it fails.
  CommandResult health = agent_.Cli({"inspect", "-f", "{{.State.Health.Status}}", "done"});
  EXPECT_EQ(health.exit_code, 2);
  EXPECT_NE(health.err.find(".State has no field 'Health'"), std::string::npos) << health.err;
  ASSERT_EQ(agent_.Cli({"rm", "done"}).exit_code, 0);
}

}  // namespace
}  // namespace boxcar::testing
