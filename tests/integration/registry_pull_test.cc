// Pulls and pushes through a real docker-registry (Distribution 2.8) on loopback: multi-layer
// images made by umoci and pushed by skopeo, run after a pull; skipped layers; errors naming
// the field; a config failing its digest; a registry or an agent killed mid-pull leaves the store clean and the next pull
// finishes; pushes that skopeo reads back with equal digests, cross-repository mounts and
// chunked uploads; htpasswd Basic auth with login and logout.
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/stat.h>

#include <chrono>
#include <functional>
#include <thread>

#include "agent_fixture.h"
#include "build_paths.h"
#include "common/atomic_file.h"
#include "common/directory_tree.h"
#include "pty_process.h"
#include "registry_harness.h"

namespace boxcar::testing {
namespace {

using std::chrono::milliseconds;

bool WaitUntil(const std::function<bool()>& condition, milliseconds limit) {
  auto deadline = std::chrono::steady_clock::now() + limit;
  while (std::chrono::steady_clock::now() < deadline) {
    if (condition()) return true;
    std::this_thread::sleep_for(milliseconds(2));
  }
  return false;
}

// True once a blob being written in the agent's tmp/ has passed `bytes`: a layer midway.
bool BlobPartlyWritten(const std::string& root_dir, off_t bytes) {
  for (const auto& name : ListDirectoryNames(root_dir + "/tmp")) {
    struct stat st {};
    if (name.rfind("blob-", 0) == 0 && ::stat((root_dir + "/tmp/" + name).c_str(), &st) == 0 &&
        st.st_size > bytes) {
      return true;
    }
  }
  return false;
}

class RegistryPullTest : public ::testing::Test, public AgentFixture {
 protected:
  void SetUp() override { StartAgentWithBusybox(agent_args_for_test_); }
  void TearDown() override { StopAgentAndCheckLeftovers(); }

  // The fixture image (big_mib MiB in its third layer) pushed by skopeo to `repository`.
  void PushFixture(const std::string& repository, int big_mib = 0,
                   const std::string& skopeo_flags = "--dest-tls-verify=false") {
    const std::string out = agent_.work_dir() + "/image";
    ASSERT_EQ(Shell(std::string(BOXCAR_FIXTURES_DIR) + "/make-registry-image.sh " + out + " " +
                    BOXCAR_BUSYBOX_TAR + " " + std::to_string(big_mib) + " >" + out + ".log 2>&1"),
              0)
        << "see " << out << ".log";
    std::string output;
    ASSERT_EQ(Shell("cd " + out + " && skopeo copy -q " + skopeo_flags +
                        " oci:oci:latest docker://" + registry_.host() + "/" + repository + " 2>&1",
                    &output),
              0)
        << output;
  }

  // The layer digests of a registry manifest, as skopeo reads it.
  std::string SkopeoLayers(const std::string& reference,
                           const std::string& flags = "--tls-verify=false") {
    std::string output;
    EXPECT_EQ(
        Shell("skopeo inspect " + flags + " --format '{{range .Layers}}{{.}} {{end}}' docker://" +
                  reference + " 2>&1",
              &output),
        0)
        << output;
    return output;
  }

  // Every layer skopeo lists for `reference` is a layer of `image` in the store, as many.
  void ExpectSameLayers(const std::string& reference, const std::string& image,
                        size_t expected_count) {
    CommandResult inspect = agent_.Cli({"image", "inspect", image});
    ASSERT_EQ(inspect.exit_code, 0) << inspect.err;
    std::string skopeo_layers = SkopeoLayers(reference);
    size_t count = 0;
    for (size_t at = 0; (at = skopeo_layers.find("sha256:", at)) != std::string::npos; at += 7) {
      ++count;
      std::string digest = skopeo_layers.substr(at, 71);
      EXPECT_NE(inspect.out.find(digest), std::string::npos) << digest << " in " << inspect.out;
    }
    EXPECT_EQ(count, expected_count) << skopeo_layers;
  }

  void ExpectStoreClean() {
    CommandResult check = agent_.Cli({"system", "check"});
    EXPECT_EQ(check.exit_code, 0) << check.out << check.err;
    EXPECT_NE(check.out.find("no problems found"), std::string::npos) << check.out;
  }

  std::vector<std::string> agent_args_for_test_;
  RegistryServer registry_;
};

TEST_F(RegistryPullTest, PullsMultiLayerImageRunsItAndSkipsLayersItHas) {
  ASSERT_TRUE(registry_.Start()) << registry_.log();
  PushFixture("team/app:1");
  const std::string reference = registry_.host() + "/team/app:1";
  CommandResult pull = agent_.Cli({"image", "pull", reference});
  ASSERT_EQ(pull.exit_code, 0) << pull.err;
  EXPECT_EQ(pull.out.rfind("sha256:", 0), 0u) << pull.out;
  EXPECT_NE(pull.err.find("done"), std::string::npos) << "per-layer progress: " << pull.err;
  // Each downloaded layer goes downloading -> unpacking -> done, in that order.
  const size_t downloading = pull.err.find(": downloading");
  const size_t unpacking = pull.err.find(": unpacking");
  EXPECT_NE(unpacking, std::string::npos) << pull.err;
  EXPECT_LT(downloading, unpacking) << pull.err;
  EXPECT_LT(unpacking, pull.err.rfind(": done")) << pull.err;

  CommandResult run = agent_.Cli({"run", "--rm", reference, "cat", "/srv/hello"});
  EXPECT_EQ(run.exit_code, 0) << run.err;
  EXPECT_EQ(run.out, "second-layer\n");

  // The same layers as the registry holds, compressed blobs included.
  ExpectSameLayers(reference, reference, 2);

  // The same image as a Docker schema 2 manifest (skopeo --format v2s2): the same image id.
  std::string output;
  ASSERT_EQ(Shell("cd " + agent_.work_dir() + "/image && skopeo copy -q --format v2s2 " +
                      "--dest-tls-verify=false oci:oci:latest docker://" + registry_.host() +
                      "/team/app:v2s2 2>&1",
                  &output),
            0)
      << output;
  std::string media_type;
  Shell("skopeo inspect --raw --tls-verify=false docker://" + registry_.host() + "/team/app:v2s2",
        &media_type);
  EXPECT_NE(media_type.find("application/vnd.docker.distribution.manifest.v2+json"),
            std::string::npos)
      << media_type;
  CommandResult schema2 = agent_.Cli({"image", "pull", "-q", registry_.host() + "/team/app:v2s2"});
  ASSERT_EQ(schema2.exit_code, 0) << schema2.err;
  EXPECT_EQ(schema2.out, pull.out);

  // Pulled again: nothing downloaded, and under another tag, the same image.
  CommandResult again = agent_.Cli({"image", "pull", reference});
  ASSERT_EQ(again.exit_code, 0) << again.err;
  EXPECT_EQ(again.out, pull.out);
  EXPECT_NE(again.err.find("already exists"), std::string::npos) << again.err;
  EXPECT_EQ(again.err.find("downloading"), std::string::npos) << again.err;
  ExpectStoreClean();
}

// An OCI index pushed by `skopeo copy --all`: linux/amd64 by default, --platform for the
// other entry, and a platform the index lacks refused with the ones it has.
TEST_F(RegistryPullTest, ManifestIndexResolvesToThePlatform) {
  ASSERT_TRUE(registry_.Start()) << registry_.log();
  ASSERT_NO_FATAL_FAILURE(PushFixture("single:1"));
  std::string output;
  ASSERT_EQ(Shell("cd " + agent_.work_dir() + "/image && skopeo copy -q --all " +
                      "--dest-tls-verify=false oci:oci:multi docker://" + registry_.host() +
                      "/multi:1 2>&1",
                  &output),
            0)
      << output;
  const std::string reference = registry_.host() + "/multi:1";
  CommandResult amd64 = agent_.Cli({"image", "pull", "-q", reference});
  ASSERT_EQ(amd64.exit_code, 0) << amd64.err;
  CommandResult single = agent_.Cli({"image", "pull", "-q", registry_.host() + "/single:1"});
  EXPECT_EQ(amd64.out, single.out) << "the index's linux/amd64 entry is the single image";

  CommandResult arm64 = agent_.Cli({
      "image",
      "pull",
      "-q",
      "--platform",
      "linux/arm64",
      reference,
  });
  ASSERT_EQ(arm64.exit_code, 0) << arm64.err;
  EXPECT_NE(arm64.out, amd64.out);
  CommandResult inspect = agent_.Cli({"image", "inspect", arm64.out.substr(0, 71)});
  EXPECT_NE(inspect.out.find(reference), std::string::npos)
      << "the last pull of the tag owns it: " << inspect.out;

  CommandResult missing = agent_.Cli({"image", "pull", "--platform", "linux/s390x", reference});
  EXPECT_NE(missing.exit_code, 0);
  EXPECT_NE(missing.err.find("platform: the image has no linux/s390x manifest"), std::string::npos)
      << missing.err;
  EXPECT_NE(missing.err.find("linux/amd64, linux/arm64/v8"), std::string::npos) << missing.err;
  ExpectStoreClean();
}

TEST_F(RegistryPullTest, PullByDigestAndErrorsNameTheField) {
  ASSERT_TRUE(registry_.Start()) << registry_.log();
  PushFixture("app:1");
  std::string digest;
  ASSERT_EQ(Shell("skopeo inspect --tls-verify=false --format '{{.Digest}}' docker://" +
                      registry_.host() + "/app:1",
                  &digest),
            0);
  while (!digest.empty() && digest.back() == '\n') digest.pop_back();
  const std::string repo_digest = registry_.host() + "/app@" + digest;
  CommandResult by_digest = agent_.Cli({"image", "pull", "-q", repo_digest});
  EXPECT_EQ(by_digest.exit_code, 0) << by_digest.err;
  // As Docker: the image has no tag, but its repo digest names it in `image ls` and in `run`.
  CommandResult listed = agent_.Cli({"image", "ls"});
  EXPECT_NE(listed.out.find(repo_digest), std::string::npos) << listed.out;
  EXPECT_EQ(listed.out.find("<none>"), std::string::npos) << listed.out;
  CommandResult listed_json = agent_.Cli({"image", "ls", "--json"});
  EXPECT_NE(listed_json.out.find("\"repo_digests\""), std::string::npos) << listed_json.out;
  CommandResult run = agent_.Cli({"run", "--rm", repo_digest, "cat", "/srv/hello"});
  EXPECT_EQ(run.exit_code, 0) << run.err;
  EXPECT_EQ(run.out, "second-layer\n");
  // `image prune` keeps it (not dangling); removing it by its repo digest removes it.
  ASSERT_EQ(agent_.Cli({"image", "prune"}).exit_code, 0);
  EXPECT_EQ(agent_.Cli({"image", "inspect", repo_digest}).exit_code, 0);
  CommandResult removed = agent_.Cli({"image", "rm", repo_digest});
  EXPECT_EQ(removed.exit_code, 0) << removed.err;
  EXPECT_NE(agent_.Cli({"image", "inspect", repo_digest}).exit_code, 0);
  // Pulled by tag: the tag's manifest digest is recorded too, and resolves.
  ASSERT_EQ(agent_.Cli({"image", "pull", "-q", registry_.host() + "/app:1"}).exit_code, 0);
  CommandResult by_repo_digest = agent_.Cli({"image", "inspect", repo_digest});
  EXPECT_EQ(by_repo_digest.exit_code, 0) << by_repo_digest.err;
  EXPECT_NE(by_repo_digest.out.find(repo_digest), std::string::npos) << by_repo_digest.out;

  CommandResult unknown_tag = agent_.Cli({"image", "pull", registry_.host() + "/app:nope"});
  EXPECT_NE(unknown_tag.exit_code, 0);
  EXPECT_NE(unknown_tag.err.find("source:"), std::string::npos) << unknown_tag.err;
  EXPECT_NE(unknown_tag.err.find("MANIFEST_UNKNOWN"), std::string::npos) << unknown_tag.err;

  CommandResult unknown_repo = agent_.Cli({"image", "pull", registry_.host() + "/nothing:1"});
  EXPECT_NE(unknown_repo.exit_code, 0);
  EXPECT_NE(unknown_repo.err.find("source:"), std::string::npos) << unknown_repo.err;

  CommandResult bad = agent_.Cli({"image", "pull", registry_.host() + "/Upper:1"});
  EXPECT_NE(bad.exit_code, 0);
  EXPECT_NE(bad.err.find("source: '"), std::string::npos) << bad.err;
  EXPECT_NE(bad.err.find("'Upper'"), std::string::npos) << bad.err;

  CommandResult bad_digest = agent_.Cli({"image", "pull", registry_.host() + "/app@sha256:12"});
  EXPECT_NE(bad_digest.err.find("digest after '@'"), std::string::npos) << bad_digest.err;

  CommandResult platform =
      agent_.Cli({"image", "pull", "--platform", "linux", registry_.host() + "/app:1"});
  EXPECT_NE(platform.err.find("platform:"), std::string::npos) << platform.err;

  CommandResult no_registry = agent_.Cli({"image", "pull", "127.0.0.1:1/app:1"});
  EXPECT_NE(no_registry.exit_code, 0);
  EXPECT_NE(no_registry.err.find("source:"), std::string::npos) << no_registry.err;
  EXPECT_EQ(no_registry.err.find("cannot reach boxcard"), std::string::npos) << no_registry.err;
  ExpectStoreClean();
}

TEST_F(RegistryPullTest, ConfigFailingItsDigestStopsTheLayersAndLeavesNothing) {
  ASSERT_TRUE(registry_.Start()) << registry_.log();
  PushFixture("app:1", 8);
  std::string manifest;
  ASSERT_EQ(Shell("skopeo inspect --raw --tls-verify=false docker://" + registry_.host() + "/app:1",
                  &manifest),
            0);
  const size_t digest_at = manifest.find("sha256:", manifest.find("\"config\""));
  ASSERT_NE(digest_at, std::string::npos) << manifest;
  const std::string hex = manifest.substr(digest_at + 7, 64);
  // One byte changed, the size kept: the registry serves it, its digest no longer matches.
  // The config downloads beside the layers: its failure stops them.
  const std::string data = registry_.work_dir() + "/storage/docker/registry/v2/blobs/sha256/" +
                           hex.substr(0, 2) + "/" + hex + "/data";
  ASSERT_EQ(Shell("printf X | dd of=" + data + " bs=1 seek=1 conv=notrunc status=none"), 0);
  CommandResult pulled = agent_.Cli({"image", "pull", "-q", registry_.host() + "/app:1"});
  EXPECT_NE(pulled.exit_code, 0);
  EXPECT_NE(pulled.err.find("image config: digest mismatch"), std::string::npos) << pulled.err;
  EXPECT_NE(agent_.Cli({"image", "inspect", registry_.host() + "/app:1"}).exit_code, 0);
  ExpectStoreClean();
}

TEST_F(RegistryPullTest, RegistryKilledMidPullLeavesNothingAndTheNextPullFinishes) {
  ASSERT_TRUE(registry_.Start()) << registry_.log();
  PushFixture("big:1", 160);
  const std::string before =
      ListDirectoryNames(agent_.root_dir() + "/layers").size() == 1 ? "one layer" : "other";
  CommandResult pull;
  std::thread client([&] { pull = agent_.Cli({"image", "pull", registry_.host() + "/big:1"}); });
  bool midway = WaitUntil([&] { return BlobPartlyWritten(agent_.root_dir(), 32 << 20); },
                          milliseconds(20000));
  registry_.Stop(/*kill9=*/true);
  client.join();
  EXPECT_TRUE(midway) << "the pull was never seen midway";
  EXPECT_NE(pull.exit_code, 0) << "the registry was killed, yet: " << pull.out;
  EXPECT_NE(pull.err.find("source:"), std::string::npos) << pull.err;
  EXPECT_EQ(before, "one layer");
  EXPECT_EQ(ListDirectoryNames(agent_.root_dir() + "/layers").size(), 1u) << "only busybox's layer";
  EXPECT_TRUE(ListDirectoryNames(agent_.root_dir() + "/tmp").empty());
  ExpectStoreClean();

  ASSERT_TRUE(registry_.Start()) << registry_.log();
  CommandResult again = agent_.Cli({"image", "pull", "-q", registry_.host() + "/big:1"});
  ASSERT_EQ(again.exit_code, 0) << again.err;
  CommandResult run =
      agent_.Cli({"run", "--rm", registry_.host() + "/big:1", "wc", "-c", "/data/big"});
  EXPECT_EQ(run.out, std::to_string(160 << 20) + " /data/big\n") << run.err;
  ExpectStoreClean();
}

// A registry that goes away and comes back while a layer downloads: the pull resumes the
// layer with a Range request from where it stopped and finishes, verified.
TEST_F(RegistryPullTest, CutTransferResumesWhenTheRegistryComesBack) {
  ASSERT_TRUE(registry_.Start()) << registry_.log();
  PushFixture("big:3", 160);
  CommandResult pull;
  std::thread client([&] { pull = agent_.Cli({"image", "pull", registry_.host() + "/big:3"}); });
  bool midway = WaitUntil([&] { return BlobPartlyWritten(agent_.root_dir(), 32 << 20); },
                          milliseconds(20000));
  registry_.Stop(/*kill9=*/true);
  ASSERT_TRUE(registry_.Start()) << registry_.log();
  client.join();
  EXPECT_TRUE(midway) << "the pull was never seen midway";
  ASSERT_EQ(pull.exit_code, 0) << pull.err;
  EXPECT_NE(pull.err.find("retrying"), std::string::npos) << pull.err;
  EXPECT_NE(registry_.log().find("http.response.status=206"), std::string::npos)
      << "the layer was resumed with a Range request";
  CommandResult run =
      agent_.Cli({"run", "--rm", registry_.host() + "/big:3", "wc", "-c", "/data/big"});
  EXPECT_EQ(run.out, std::to_string(160 << 20) + " /data/big\n") << run.err;
  ExpectStoreClean();
}

TEST_F(RegistryPullTest, AgentKilledMidPullLeavesNothingAndTheNextPullFinishes) {
  ASSERT_TRUE(registry_.Start()) << registry_.log();
  PushFixture("big:2", 160);
  std::thread client([&] { agent_.Cli({"image", "pull", "-q", registry_.host() + "/big:2"}); });
  bool midway = WaitUntil([&] { return BlobPartlyWritten(agent_.root_dir(), 32 << 20); },
                          milliseconds(20000));
  ::kill(agent_.agent_pid(), SIGKILL);
  client.join();
  EXPECT_TRUE(midway) << "the pull was never seen midway";
  agent_.Stop(/*kill9=*/true);
  RestartAgent();
  ASSERT_FALSE(HasFatalFailure());
  EXPECT_TRUE(ListDirectoryNames(agent_.root_dir() + "/tmp").empty());
  ExpectStoreClean();
  CommandResult list = agent_.Cli({"image", "ls"});
  EXPECT_EQ(list.out.find("big"), std::string::npos) << list.out;
  CommandResult again = agent_.Cli({"image", "pull", "-q", registry_.host() + "/big:2"});
  ASSERT_EQ(again.exit_code, 0) << again.err;
  ExpectStoreClean();
}

// The CLI killed mid-pull: the agent sees the call cancelled, stops the downloads and
// removes what the pull wrote.
TEST_F(RegistryPullTest, CallerGoneMidPullStopsThePullAndLeavesNothing) {
  ASSERT_TRUE(registry_.Start()) << registry_.log();
  ASSERT_NO_FATAL_FAILURE(PushFixture("big:4", 160));
  const std::string pid_file = agent_.work_dir() + "/pull-cli.pid";
  std::thread client([&] {
    Shell("BOXCAR_SOCKET=" + agent_.socket_path() + " " + BOXCAR_CLI_PATH + " image pull -q " +
          registry_.host() + "/big:4 >/dev/null 2>&1 & echo $! > " + pid_file + "; wait");
  });
  bool midway = WaitUntil([&] { return BlobPartlyWritten(agent_.root_dir(), 32 << 20); },
                          milliseconds(20000));
  auto pid = ReadFileToString(pid_file);
  ASSERT_TRUE(pid.ok());
  ::kill(std::stoi(*pid), SIGKILL);
  client.join();
  EXPECT_TRUE(midway) << "the pull was never seen midway";
  EXPECT_TRUE(WaitUntil([&] { return ListDirectoryNames(agent_.root_dir() + "/tmp").empty(); },
                        milliseconds(10000)))
      << "the cancelled pull left tmp/ entries";
  CommandResult list = agent_.Cli({"image", "ls"});
  EXPECT_EQ(list.out.find("big"), std::string::npos) << list.out;
  EXPECT_EQ(ListDirectoryNames(agent_.root_dir() + "/layers").size(), 1u) << "busybox's only";
  ExpectStoreClean();
}

TEST_F(RegistryPullTest, PushedImagesReadBackBySkopeoWithEqualDigests) {
  ASSERT_TRUE(registry_.Start()) << registry_.log();
  // The bundled busybox (imported, never in a registry): every blob uploaded.
  const std::string pushed = registry_.host() + "/mine/busybox:1";
  CommandResult push = agent_.Cli({"image", "push", "busybox:latest", pushed});
  ASSERT_EQ(push.exit_code, 0) << push.err;
  EXPECT_NE(push.out.find("@sha256:"), std::string::npos) << push.out;
  ExpectSameLayers(pushed, "busybox:latest", 1);
  std::string output;
  ASSERT_EQ(Shell("skopeo copy -q --src-tls-verify=false docker://" + pushed +
                      " oci:" + agent_.work_dir() + "/readback:1 2>&1",
                  &output),
            0)
      << output;
  // Pushed again: the registry has every blob.
  CommandResult again = agent_.Cli({"image", "push", "busybox:latest", pushed});
  ASSERT_EQ(again.exit_code, 0) << again.err;
  EXPECT_NE(again.err.find("already exists"), std::string::npos) << again.err;
  EXPECT_EQ(again.err.find("uploading"), std::string::npos) << again.err;

  // skopeo's push, pulled and pushed on to another repository: its blobs are mounted.
  PushFixture("theirs/app:1");
  ASSERT_EQ(agent_.Cli({"image", "pull", "-q", registry_.host() + "/theirs/app:1"}).exit_code, 0);
  CommandResult mounted = agent_.Cli(
      {"image", "push", registry_.host() + "/theirs/app:1", registry_.host() + "/copy/app:1"});
  ASSERT_EQ(mounted.exit_code, 0) << mounted.err;
  EXPECT_NE(mounted.err.find("mounted"), std::string::npos) << mounted.err;
  EXPECT_EQ(SkopeoLayers(registry_.host() + "/copy/app:1"),
            SkopeoLayers(registry_.host() + "/theirs/app:1"));
  ExpectStoreClean();
}

TEST_F(RegistryPullTest, BasicAuthLoginPullPushAndLogout) {
  ASSERT_TRUE(registry_.Start({"alice", "s3cret-pass"})) << registry_.log();
  PushFixture("private/app:1", 0, "--dest-tls-verify=false --dest-creds alice:s3cret-pass");
  const std::string reference = registry_.host() + "/private/app:1";

  CommandResult anonymous = agent_.Cli({"image", "pull", reference});
  EXPECT_NE(anonymous.exit_code, 0);
  EXPECT_NE(anonymous.err.find("boxcar login"), std::string::npos) << anonymous.err;

  CommandResult wrong = agent_.Cli({"login", registry_.host(), "-u", "alice", "-p", "wrong"});
  EXPECT_NE(wrong.exit_code, 0);
  EXPECT_NE(wrong.err.find("credentials"), std::string::npos) << wrong.err;
  EXPECT_NE(wrong.err.find("unauthorized"), std::string::npos) << wrong.err;
  EXPECT_FALSE(ReadFileToString(agent_.root_dir() + "/registry-logins.json").ok())
      << "refused credentials are not stored";

  std::string output;
  ASSERT_EQ(
      Shell("echo s3cret-pass | BOXCAR_SOCKET=" + agent_.socket_path() + " " + BOXCAR_CLI_PATH +
                " login " + registry_.host() + " -u alice --password-stdin 2>&1",
            &output),
      0)
      << output;
  struct stat st {};
  ASSERT_EQ(::stat((agent_.root_dir() + "/registry-logins.json").c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0600u);

  CommandResult pull = agent_.Cli({"image", "pull", "-q", reference});
  ASSERT_EQ(pull.exit_code, 0) << pull.err;
  CommandResult push =
      agent_.Cli({"image", "push", "busybox:latest", registry_.host() + "/private/busybox:1"});
  EXPECT_EQ(push.exit_code, 0) << push.err;

  auto log = ReadFileToString(agent_.work_dir() + "/agent.log");
  ASSERT_TRUE(log.ok());
  EXPECT_EQ(log->find("s3cret-pass"), std::string::npos) << "the password reached the log";

  CommandResult logout = agent_.Cli({"logout", registry_.host()});
  EXPECT_EQ(logout.exit_code, 0) << logout.err;
  EXPECT_NE(logout.out.find("Removed"), std::string::npos) << logout.out;
  CommandResult after = agent_.Cli({"image", "pull", "-q", reference});
  EXPECT_NE(after.exit_code, 0) << "logged out, yet pulled";
  ExpectStoreClean();
}

// At a terminal `login` asks for what its flags did not give, the password without echo, and
// Ctrl-C at the password leaves the terminal echoing again.
TEST_F(RegistryPullTest, LoginAtATerminalAsksAndDoesNotEchoThePassword) {
  ASSERT_TRUE(registry_.Start({"alice", "s3cret-pass"})) << registry_.log();
  PtyProcess login(agent_.socket_path(), {"login", registry_.host()});
  ASSERT_TRUE(login.started());
  ASSERT_TRUE(login.WaitFor("Username: ", std::chrono::seconds(10))) << login.output();
  login.Type("alice\n");
  ASSERT_TRUE(login.WaitFor("Password: ", std::chrono::seconds(10))) << login.output();
  const size_t asked = login.output().size();
  login.Type("s3cret-pass\n");
  EXPECT_EQ(login.Wait(std::chrono::seconds(30)), 0) << login.output();
  EXPECT_NE(login.output().find("Login succeeded", asked), std::string::npos) << login.output();
  EXPECT_EQ(login.output().find("s3cret-pass"), std::string::npos)
      << "the terminal showed the password: " << login.output();
  EXPECT_EQ(login.output().find("alice", asked), std::string::npos) << login.output();
  EXPECT_NE(login.output().find("alice"), std::string::npos) << "the user name is echoed";
  CommandResult pull = agent_.Cli({"image", "pull", "-q", registry_.host() + "/nothing/here:1"});
  EXPECT_EQ(pull.err.find("boxcar login"), std::string::npos)
      << "logged in, the pull is not told to log in: " << pull.err;

  // Interrupted at the password: the terminal echoes again, nothing is stored but the first
  // login.
  PtyProcess interrupted(agent_.socket_path(), {"login", registry_.host(), "-u", "bob"});
  ASSERT_TRUE(interrupted.WaitFor("Password: ", std::chrono::seconds(10))) << interrupted.output();
  EXPECT_FALSE(interrupted.Echoing()) << "the terminal echoes while the password is typed";
  interrupted.Type("\x03");
  EXPECT_NE(interrupted.Wait(std::chrono::seconds(10)), 0) << interrupted.output();
  EXPECT_TRUE(interrupted.Echoing()) << "Ctrl-C left the terminal without echo";
  auto logins = ReadFileToString(agent_.root_dir() + "/registry-logins.json");
  ASSERT_TRUE(logins.ok());
  EXPECT_EQ(logins->find("bob"), std::string::npos) << *logins;
}

}  // namespace
}  // namespace boxcar::testing
