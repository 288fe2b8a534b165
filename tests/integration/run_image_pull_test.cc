// `boxcar run` and `boxcar create` pull an image the agent does not have (cli/image_pull_policy),
// from a real docker-registry on loopback: --pull missing (the default), always and never, on
// each of run's paths (streamed, -d through the local fast path, -i through attach) and on
// create; pull failures and Ctrl-C during the pull create nothing and leave the store clean.
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/stat.h>

#include <chrono>
#include <functional>
#include <thread>

#include "agent_fixture.h"
#include "build_paths.h"
#include "common/directory_tree.h"
#include "registry_harness.h"

namespace boxcar::testing {
namespace {

using std::chrono::milliseconds;

constexpr const char* kUnableToFind = "Unable to find image";

bool WaitUntil(const std::function<bool()>& condition, milliseconds limit) {
  auto deadline = std::chrono::steady_clock::now() + limit;
  while (std::chrono::steady_clock::now() < deadline) {
    if (condition()) return true;
    std::this_thread::sleep_for(milliseconds(5));
  }
  return false;
}

class RunImagePullTest : public ::testing::Test, public AgentFixture {
 protected:
  void SetUp() override {
    StartAgentWithBusybox({});
    ASSERT_TRUE(registry_.Start()) << registry_.log();
  }
  void TearDown() override { StopAgentAndCheckLeftovers(); }

  // The registry fixture (/srv/hello; /data/big of big_mib MiB when not 0) pushed by skopeo.
  void PushFixture(const std::string& repository, int big_mib = 0) {
    const std::string out = agent_.work_dir() + "/image-" + std::to_string(big_mib);
    ASSERT_EQ(Shell(std::string(BOXCAR_FIXTURES_DIR) + "/make-registry-image.sh " + out + " " +
                    BOXCAR_BUSYBOX_TAR + " " + std::to_string(big_mib) + " >" + out + ".log 2>&1"),
              0)
        << "see " << out << ".log";
    std::string output;
    ASSERT_EQ(
        Shell("cd " + out + " && skopeo copy -q --dest-tls-verify=false oci:oci:latest docker://" +
                  registry_.host() + "/" + repository + " 2>&1",
              &output),
        0)
        << output;
  }

  bool HasImage(const std::string& reference) {
    return agent_.Cli({"image", "inspect", reference}).exit_code == 0;
  }

  size_t ContainerCount() {
    CommandResult ps = agent_.Cli({"ps", "-a", "-q"});
    EXPECT_EQ(ps.exit_code, 0) << ps.err;
    size_t lines = 0;
    for (char c : ps.out) lines += c == '\n';
    return lines;
  }

  void ExpectStoreClean() {
    CommandResult check = agent_.Cli({"system", "check"});
    EXPECT_EQ(check.exit_code, 0) << check.out << check.err;
    EXPECT_NE(check.out.find("no problems found"), std::string::npos) << check.out;
  }

  RegistryServer registry_;
};

TEST_F(RunImagePullTest, RunPullsAMissingImageWithProgressThenRunsFromTheStore) {
  PushFixture("team/app:1");
  const std::string reference = registry_.host() + "/team/app:1";
  ASSERT_FALSE(HasImage(reference));

  CommandResult run = agent_.Cli({"run", "--rm", reference, "cat", "/srv/hello"});
  ASSERT_EQ(run.exit_code, 0) << run.err;
  EXPECT_EQ(run.out, "second-layer\n") << "the payload's output only, the pull's went to stderr";
  EXPECT_NE(run.err.find(std::string(kUnableToFind) + " '" + reference + "' locally"),
            std::string::npos)
      << run.err;
  EXPECT_NE(run.err.find(": done"), std::string::npos) << "per-layer progress: " << run.err;
  EXPECT_TRUE(HasImage(reference)) << "the pulled image stays in the store";

  // The second run finds it: no pull.
  CommandResult again = agent_.Cli({"run", "--rm", reference, "cat", "/srv/hello"});
  ASSERT_EQ(again.exit_code, 0) << again.err;
  EXPECT_EQ(again.out, "second-layer\n");
  EXPECT_EQ(again.err.find(kUnableToFind), std::string::npos) << again.err;
  EXPECT_EQ(ContainerCount(), 0u);
  ExpectStoreClean();
}

TEST_F(RunImagePullTest, DetachedInteractiveAndCreatePullToo) {
  PushFixture("team/app:2");
  const std::string reference = registry_.host() + "/team/app:2";

  // -d: the local fast path's "no image" answer leads to the pull, then the run.
  CommandResult detached =
      agent_.Cli({"run", "-d", "-q", "--name", "bg", reference, "sleep", "60"});
  ASSERT_EQ(detached.exit_code, 0) << detached.err;
  EXPECT_NE(detached.err.find(kUnableToFind), std::string::npos) << detached.err;
  EXPECT_EQ(detached.err.find(": done"), std::string::npos) << "-q: no progress: " << detached.err;
  CommandResult inspect = agent_.Cli({"inspect", "--format", "{{.state}}", "bg"});
  EXPECT_EQ(inspect.out, "CONTAINER_STATE_RUNNING\n") << inspect.err;
  EXPECT_EQ(agent_.Cli({"rm", "-f", "bg"}).exit_code, 0);
  ASSERT_EQ(agent_.Cli({"image", "rm", reference}).exit_code, 0);

  // -i: created first, then attached; stdin reaches the payload.
  CommandResult interactive = agent_.Cli(
      {"run", "-i", "--rm", reference, "sh", "-c", "read line; echo got:$line; cat /srv/hello"});
  // (agent_.Cli gives no stdin: /dev/null; read fails, echo prints an empty line.)
  ASSERT_EQ(interactive.exit_code, 0) << interactive.err;
  EXPECT_EQ(interactive.out, "got:\nsecond-layer\n") << interactive.err;
  EXPECT_NE(interactive.err.find(kUnableToFind), std::string::npos) << interactive.err;
  ASSERT_EQ(agent_.Cli({"image", "rm", reference}).exit_code, 0);

  // create pulls as well, and only creates.
  CommandResult created = agent_.Cli({"create", "--name", "later", reference, "true"});
  ASSERT_EQ(created.exit_code, 0) << created.err;
  EXPECT_NE(created.err.find(kUnableToFind), std::string::npos) << created.err;
  inspect = agent_.Cli({"inspect", "--format", "{{.state}}", "later"});
  EXPECT_EQ(inspect.out, "CONTAINER_STATE_CREATED\n") << inspect.err;
  EXPECT_EQ(agent_.Cli({"rm", "later"}).exit_code, 0);
  ExpectStoreClean();
}

TEST_F(RunImagePullTest, PullNeverRefusesAndPullAlwaysFetchesTheTagsNewImage) {
  PushFixture("team/app:3");
  const std::string reference = registry_.host() + "/team/app:3";

  CommandResult never = agent_.Cli({"run", "--rm", "--pull", "never", reference, "true"});
  EXPECT_EQ(never.exit_code, 125);
  EXPECT_NE(never.err.find("spec.image: no image '" + reference + "'"), std::string::npos)
      << never.err;
  EXPECT_NE(never.err.find("boxcar image pull"), std::string::npos) << "what to do: " << never.err;
  EXPECT_EQ(never.err.find(kUnableToFind), std::string::npos) << never.err;
  EXPECT_FALSE(HasImage(reference));
  CommandResult create_never = agent_.Cli({"create", "--pull", "never", reference, "true"});
  EXPECT_EQ(create_never.exit_code, 125) << create_never.err;
  EXPECT_EQ(ContainerCount(), 0u);

  CommandResult bad = agent_.Cli({"run", "--rm", "--pull", "sometimes", reference, "true"});
  EXPECT_NE(bad.exit_code, 0);
  EXPECT_NE(bad.err.find("--pull"), std::string::npos) << bad.err;

  // The tag moves to an image with /data/big; the store's copy has none.
  ASSERT_EQ(agent_.Cli({"image", "pull", "-q", reference}).exit_code, 0);
  PushFixture("team/app:3", 1);
  CommandResult stale = agent_.Cli({"run", "--rm", reference, "test", "-e", "/data/big"});
  EXPECT_EQ(stale.exit_code, 1) << "missing: the store's image is used as it is: " << stale.err;
  EXPECT_EQ(stale.err.find(kUnableToFind), std::string::npos) << stale.err;
  CommandResult fresh =
      agent_.Cli({"run", "--rm", "--pull", "always", reference, "wc", "-c", "/data/big"});
  ASSERT_EQ(fresh.exit_code, 0) << fresh.err;
  EXPECT_EQ(fresh.out, std::to_string(1 << 20) + " /data/big\n") << fresh.err;
  EXPECT_EQ(fresh.err.find(kUnableToFind), std::string::npos) << "always pulls without asking";
  EXPECT_NE(fresh.err.find(": done"), std::string::npos) << fresh.err;
  EXPECT_EQ(ContainerCount(), 0u);
  ExpectStoreClean();
}

TEST_F(RunImagePullTest, FailedPullsCreateNothingAndIdsAreNeverPulled) {
  // Nothing listens on port 1: the pull fails, the run says why, nothing is created.
  CommandResult unreachable = agent_.Cli({"run", "--rm", "127.0.0.1:1/team/none:1", "true"});
  EXPECT_EQ(unreachable.exit_code, 125);
  EXPECT_NE(unreachable.err.find(kUnableToFind), std::string::npos) << unreachable.err;
  EXPECT_NE(unreachable.err.find("127.0.0.1:1"), std::string::npos) << unreachable.err;
  EXPECT_EQ(unreachable.err.find("spec.image: no image"), std::string::npos)
      << "the pull's failure is the one reported: " << unreachable.err;

  // A tag the registry does not have.
  CommandResult unknown = agent_.Cli({"run", "--rm", registry_.host() + "/team/none:1", "true"});
  EXPECT_EQ(unknown.exit_code, 125);
  EXPECT_NE(unknown.err.find(kUnableToFind), std::string::npos) << unknown.err;

  // An image id names nothing a registry could have: no pull, the store's answer.
  const std::string id = "sha256:" + std::string(64, 'e');
  CommandResult by_id = agent_.Cli({"run", "--rm", id, "true"});
  EXPECT_EQ(by_id.exit_code, 125);
  EXPECT_EQ(by_id.err.find(kUnableToFind), std::string::npos) << by_id.err;
  EXPECT_NE(by_id.err.find("spec.image: no image"), std::string::npos) << by_id.err;
  EXPECT_EQ(ContainerCount(), 0u);
  EXPECT_TRUE(ListDirectoryNames(agent_.root_dir() + "/tmp").empty());
  ExpectStoreClean();
}

// Ctrl-C while `run` pulls ends the CLI (128 + SIGINT) at once, as it would without the
// forwarder meant for the payload; the agent drops the pull; nothing is created or left.
TEST_F(RunImagePullTest, InterruptDuringThePullEndsItAndLeavesNothing) {
  PushFixture("big:1", 160);
  const std::string reference = registry_.host() + "/big:1";
  CommandResult run;
  std::thread client([&] { run = agent_.Cli({"run", "--rm", reference, "true"}); });
  bool midway = WaitUntil(
      [&] {
        for (const auto& name : ListDirectoryNames(agent_.root_dir() + "/tmp")) {
          struct stat st {};
          if (name.rfind("blob-", 0) == 0 &&
              ::stat((agent_.root_dir() + "/tmp/" + name).c_str(), &st) == 0 &&
              st.st_size > (16 << 20)) {
            return true;
          }
        }
        return false;
      },
      milliseconds(20000));
  std::string pid;
  Shell("pgrep -f -- '" + agent_.socket_path() + " run' | head -1", &pid);
  ASSERT_FALSE(pid.empty());
  ASSERT_EQ(::kill(std::stoi(pid), SIGINT), 0);
  client.join();
  EXPECT_TRUE(midway) << "the pull was never seen midway";
  EXPECT_EQ(run.exit_code, 128 + SIGINT) << run.err;
  EXPECT_TRUE(WaitUntil([&] { return ListDirectoryNames(agent_.root_dir() + "/tmp").empty(); },
                        milliseconds(10000)))
      << "the agent dropped the pull's partial blobs";
  EXPECT_FALSE(HasImage(reference));
  EXPECT_EQ(ContainerCount(), 0u);
  ExpectStoreClean();
}

}  // namespace
}  // namespace boxcar::testing
