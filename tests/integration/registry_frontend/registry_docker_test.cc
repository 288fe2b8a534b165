// A real Docker Engine against boxcar-registry: `docker login` with Keystone users of two
// projects, `docker push` and `docker pull` of a multi-layer image (plain HTTP on loopback:
// Docker treats 127.0.0.0/8 registries as insecure), the image in tenant A's Glance, tenant B
// refused. The engine is private to the test (docker_engine.h) and leaves the host's network,
// mounts and processes as it found them.
#include <signal.h>

#include <algorithm>
#include <fstream>
#include <sstream>

#include "docker_engine.h"
#include "registry_frontend_fixture.h"

namespace boxcar::testing {
namespace {

std::string ReadText(const std::string& path) {
  std::ifstream in(path);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

class RegistryDockerTest : public RegistryFrontendTest {
 protected:
  // `docker ARGS` with its output appended to the test's log; the exit code.
  int Docker(const std::string& args) {
    return RunShell(engine_->client() + args + " >> " + log_ + " 2>&1");
  }
  // The output of `docker ARGS` (stdout only), trailing newline removed.
  std::string DockerOutput(const std::string& args) {
    const std::string out = engine_->dir() + "/out";
    RunShell(engine_->client() + args + " > " + out + " 2>> " + log_);
    std::string text = ReadText(out);
    while (!text.empty() && text.back() == '\n') text.pop_back();
    return text;
  }
  // docker login as `user` with `password` read from a file (--password-stdin).
  int Login(const std::string& user, const std::string& password) {
    const std::string file = engine_->dir() + "/password";
    std::ofstream(file) << password;
    const int rc = RunShell(engine_->client() + "login -u " + user + " --password-stdin " +
                            registry_->host() + " < " + file + " >> " + log_ + " 2>&1");
    RunShell("rm -f " + file);
    return rc;
  }
  std::string Log() { return ReadText(log_) + engine_->log(); }

  std::string log_ = images_dir_ + "/docker.log";
  DockerEngine* engine_ = nullptr;
};

TEST_F(RegistryDockerTest, DockerLoginPushPullAgainstKeystone) {
  const std::string network_before = HostNetworkSnapshot();
  const std::string root_config_before = ReadText("/root/.docker/config.json");
  ASSERT_EQ(RunShell("test -x /usr/sbin/dockerd && test -x /usr/bin/docker"), 0)
      << "Docker Engine missing: run deploy/install-deps.sh (Debian's docker.io)";
  DockerEngine engine;
  engine_ = &engine;
  const std::string engine_dir = engine.dir();
  ASSERT_TRUE(engine.Start()) << engine.log();
  const pid_t dockerd = engine.dockerd_pid();
  const pid_t containerd = engine.containerd_pid();

  // The fixture's two-layer image as a docker-archive, loaded into the engine.
  const std::string archive = images_dir_ + "/docker-archive.tar";
  RunShell("rm -f " + archive);
  ASSERT_EQ(RunShell("skopeo copy -q oci:" + images_dir_ + "/oci:latest docker-archive:" + archive +
                     ":boxcar/fixture:latest >> " + log_ + " 2>&1"),
            0)
      << Log();
  ASSERT_EQ(Docker("load -i " + archive), 0) << Log();
  const std::string id = DockerOutput("image inspect --format '{{.Id}}' boxcar/fixture:latest");
  const std::string layers =
      DockerOutput("image inspect --format '{{json .RootFS.Layers}}' boxcar/fixture:latest");
  ASSERT_EQ(id.rfind("sha256:", 0), 0u) << id << Log();
  ASSERT_EQ(std::count(layers.begin(), layers.end(), ','), 1) << layers;  // two layers

  // A wrong password is refused; the right one logs in, into the test's own client config.
  EXPECT_NE(Login("alice", "wrong"), 0) << Log();
  EXPECT_EQ(ReadText(engine.config_file()).find(registry_->host()), std::string::npos);
  ASSERT_EQ(Login("alice", "alice-secret"), 0) << Log() << registry_->log();
  EXPECT_NE(ReadText(engine.config_file()).find(registry_->host()), std::string::npos);
  EXPECT_EQ(ReadText("/root/.docker/config.json"), root_config_before);

  const std::string reference = registry_->host() + "/tenanta/docker:1";
  ASSERT_EQ(Docker("tag boxcar/fixture:latest " + reference), 0) << Log();
  ASSERT_EQ(Docker("push " + reference), 0) << Log() << registry_->log();

  // In Glance as tenant A's: one manifest, its bootable image; tenant B sees neither.
  const std::string project_a = OpenStackFixture::Get("OS_FIXTURE_PROJECT_A_ID");
  auto manifests = RegistryImages("A", "manifest", "tenanta/docker");
  ASSERT_EQ(manifests.size(), 1u);
  EXPECT_EQ(manifests[0].owner, project_a);
  EXPECT_EQ(manifests[0].tags, std::vector<std::string>{"1"});
  EXPECT_EQ(manifests[0].Property(registry::kMediaTypeProperty),
            "application/vnd.docker.distribution.manifest.v2+json");
  auto bootable = WaitForBootableImage("A", "tenanta/docker", "1");
  ASSERT_TRUE(bootable.has_value()) << registry_->log();
  EXPECT_EQ(bootable->container_format, "docker");
  EXPECT_EQ(bootable->owner, project_a);
  EXPECT_TRUE(RegistryImages("B", "manifest", "tenanta/docker").empty());

  // Removed and pulled back: the same image ID (config digest) and layers, and the digest
  // Docker records is the manifest Glance holds.
  ASSERT_EQ(Docker("rmi " + reference + " boxcar/fixture:latest"), 0) << Log();
  ASSERT_NE(Docker("image inspect " + reference), 0);
  ASSERT_EQ(Docker("pull " + reference), 0) << Log() << registry_->log();
  EXPECT_EQ(DockerOutput("image inspect --format '{{.Id}}' " + reference), id);
  EXPECT_EQ(DockerOutput("image inspect --format '{{json .RootFS.Layers}}' " + reference), layers);
  EXPECT_EQ(DockerOutput("image inspect --format '{{index .RepoDigests 0}}' " + reference),
            registry_->host() +
                "/tenanta/docker@sha256:" + manifests[0].Property(registry::kSha256Property));

  // Tenant B logs in (its own project) but cannot pull tenant A's private image.
  ASSERT_EQ(Docker("rmi " + reference), 0) << Log();
  ASSERT_EQ(Login("bob", "bob-secret"), 0) << Log();
  const size_t log_size = ReadText(log_).size();
  EXPECT_NE(Docker("pull " + reference), 0) << Log();
  const std::string refusal = ReadText(log_).substr(log_size);
  EXPECT_TRUE(refusal.find("denied") != std::string::npos ||
              refusal.find("unauthorized") != std::string::npos ||
              refusal.find("not found") != std::string::npos)
      << refusal;
  EXPECT_NE(Docker("image inspect " + reference), 0);
  EXPECT_EQ(Docker("logout " + registry_->host()), 0) << Log();
  EXPECT_EQ(ReadText(engine.config_file()).find(registry_->host()), std::string::npos);

  // Nothing left: no daemon, no mount, no directory, the host network as before.
  engine.Stop();
  engine_ = nullptr;
  EXPECT_NE(::kill(dockerd, 0), 0) << "dockerd still runs";
  EXPECT_NE(::kill(containerd, 0), 0) << "containerd still runs";
  EXPECT_EQ(MountsUnder(engine_dir), "");
  EXPECT_NE(RunShell("test -e " + engine_dir), 0);
  EXPECT_EQ(HostNetworkSnapshot(), network_before);
  EXPECT_EQ(ReadText("/root/.docker/config.json"), root_config_before);
}

}  // namespace
}  // namespace boxcar::testing
