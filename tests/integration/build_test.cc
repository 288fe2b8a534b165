// `boxcar build` against a real agent: the fixtures in fixtures/build/ exercise every
// instruction, the built images run, the cache skips RUN steps (and survives a restart),
// a changed COPY source rebuilds from its step on, and bad input fails with the Dockerfile
// line and leaves nothing behind.
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/utsname.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <regex>

#include "build_fixture.h"
#include "build_paths.h"
#include "common/atomic_file.h"

namespace boxcar::testing {
namespace {

const std::string& kFixtures = kBuildFixtures;

TEST_F(BuildTest, EveryInstructionBuildsARunnableImage) {
  CommandResult built = agent_.Cli({"build", "-t", "basic:1", "--label", "extra=from-cli",
                                    kFixtures + "/basic"});
  ASSERT_EQ(built.exit_code, 0) << built.out << built.err;
  EXPECT_NE(built.out.find("STEP 1/20: FROM ${BASE}"), std::string::npos) << built.out;
  EXPECT_EQ(RunStepsExecuted(built), 2) << built.out;
  // CMD through the ENTRYPOINT; ENV, ARG and WORKDIR in the RUN step.
  CommandResult ran = agent_.Cli({"run", "--rm", "basic:1"});
  ASSERT_EQ(ran.exit_code, 0) << ran.err;
  EXPECT_EQ(ran.out, "hello from two words\n");
  // Files: COPY of a file, a directory's contents, a glob with --chown, --chmod, the whole
  // context minus .dockerignore; the RUN layer's whiteout hides /data/x; USER applies.
  CommandResult files = agent_.Cli(
      {"run", "--rm", "basic:1",
       "id -u; pwd; cat /app/hello.txt /app/sub/top.txt /app/sub/nested/n.txt; "
       "stat -c '%a %u:%g' /usr/local/bin/script.sh /app/conf/a.cfg /app/conf/b.cfg; "
       "test -e /data/x && echo x-visible; test -d /data && echo data-dir; "
       "test -e /ctx/build.log && echo ignored-file-copied; cat /ctx/hello.txt"});
  ASSERT_EQ(files.exit_code, 0) << files.err;
  EXPECT_EQ(files.out,
            "1000\n/app\nhello file\ntop of dir\nnested file\n700 0:0\n644 1000:1000\n"
            "644 1000:1000\ndata-dir\nhello file\n");
  CommandResult inspect = agent_.Cli({"image", "inspect", "basic:1"});
  ASSERT_EQ(inspect.exit_code, 0);
  for (const char* expected :
       {"\"APP_HOME=/app\"", "\"MODE=two words\"", "\"working_dir\": \"/app\"",
        "\"user\": \"1000:1000\"", "\"org.example.name\": \"basic\"", "\"version\": \"1\"",
        "\"extra\": \"from-cli\"", "\"stop_signal\": \"SIGINT\"", "\"8080/tcp\"", "\"53/udp\""}) {
    EXPECT_NE(inspect.out.find(expected), std::string::npos) << expected << "\n" << inspect.out;
  }
  EXPECT_EQ(inspect.out.find("GREETING"), std::string::npos) << "ARG values stay out of Env";
  // The config's other members and the history, as written in the saved OCI layout.
  std::string saved = agent_.work_dir() + "/basic.tar";
  ASSERT_EQ(agent_.Cli({"image", "save", "-o", saved, "basic:1"}).exit_code, 0);
  std::string config = Shell("cd " + agent_.work_dir() + " && mkdir -p oci && tar -xf " + saved +
                             " -C oci && for f in oci/blobs/sha256/*; do grep -l '\"history\"' "
                             "$f >/dev/null 2>&1 && cat $f; done");
  for (const char* expected :
       {"\"Volumes\":{\"/data\":{}}", "\"Healthcheck\":{\"Test\":[\"CMD-SHELL\",\"true\"],"
        "\"Interval\":5000000000}", "\"Shell\":[\"/bin/sh\",\"-c\"]", "\"empty_layer\":true",
        "\"created_by\":\"|1 GREETING=hello /bin/sh -c echo"}) {
    EXPECT_NE(config.find(expected), std::string::npos) << expected << "\n" << config;
  }
}

TEST_F(BuildTest, SecondBuildRunsNoStepAndAChangedSourceRebuildsFromItsStep) {
  std::string context = CopyFixture("cache");
  CommandResult first = agent_.Cli({"build", "-t", "cached:1", context});
  ASSERT_EQ(first.exit_code, 0) << first.out << first.err;
  EXPECT_EQ(RunStepsExecuted(first), 2) << first.out;
  const std::string id = LastLine(first.out);
  // The step images are the cache: listed only with -a, as Docker's intermediate images.
  CommandResult listed = agent_.Cli({"image", "ls"});
  EXPECT_EQ(listed.out.find("<none>"), std::string::npos) << listed.out;
  EXPECT_NE(listed.out.find("cached:1"), std::string::npos) << listed.out;
  EXPECT_EQ(Count(agent_.Cli({"image", "ls", "-a"}).out, "<none>"), 4)
      << "two COPY, two RUN: " << agent_.Cli({"image", "ls", "-a"}).out;

  CommandResult second = agent_.Cli({"build", "-t", "cached:1", context});
  ASSERT_EQ(second.exit_code, 0) << second.err;
  EXPECT_EQ(RunStepsExecuted(second), 0) << second.out;
  EXPECT_EQ(Count(second.out, "--> CACHED"), 4) << second.out;
  EXPECT_EQ(LastLine(second.out), id) << "a fully cached build gives the same image";

  // The second COPY's source changes: the first COPY and RUN come from the cache, the rest
  // runs again.
  WriteFile(context + "/second.txt", "changed\n");
  CommandResult third = agent_.Cli({"build", "-t", "cached:1", context});
  ASSERT_EQ(third.exit_code, 0) << third.err;
  EXPECT_EQ(RunStepsExecuted(third), 1) << third.out;
  EXPECT_EQ(Count(third.out, "--> CACHED"), 2) << third.out;
  size_t changed_step = third.out.find("STEP 4/7: COPY second.txt");
  ASSERT_NE(changed_step, std::string::npos);
  EXPECT_EQ(third.out.find("--> CACHED", changed_step), std::string::npos) << third.out;
  CommandResult ran = agent_.Cli({"run", "--rm", "cached:1"});
  EXPECT_EQ(ran.out, "changed\n");

  // The cache lives in the agent's database: it survives a restart.
  agent_.Stop();
  RestartAgent();
  CommandResult after_restart = agent_.Cli({"build", "-t", "cached:1", context});
  ASSERT_EQ(after_restart.exit_code, 0) << after_restart.err;
  EXPECT_EQ(RunStepsExecuted(after_restart), 0) << after_restart.out;

  CommandResult no_cache = agent_.Cli({"build", "--no-cache", "-t", "cached:2", context});
  ASSERT_EQ(no_cache.exit_code, 0) << no_cache.err;
  EXPECT_EQ(RunStepsExecuted(no_cache), 2) << no_cache.out;
  EXPECT_EQ(Count(no_cache.out, "--> CACHED"), 0);

  // A dangling-image prune takes the --no-cache build's step images but keeps the cache's;
  // prune -a (every image no container uses) drops the cache too.
  ASSERT_EQ(agent_.Cli({"image", "rm", "cached:1"}).exit_code, 0);
  ASSERT_EQ(agent_.Cli({"image", "rm", "cached:2"}).exit_code, 0);
  EXPECT_NE(agent_.Cli({"image", "ls"}).out.find("<none>"), std::string::npos)
      << "the --no-cache build's step images are not the cache";
  ASSERT_EQ(agent_.Cli({"image", "prune"}).exit_code, 0);
  CommandResult after_prune = agent_.Cli({"build", "-t", "cached:1", context});
  ASSERT_EQ(after_prune.exit_code, 0) << after_prune.err;
  EXPECT_EQ(RunStepsExecuted(after_prune), 0) << after_prune.out;
  EXPECT_EQ(agent_.Cli({"image", "ls"}).out.find("<none>"), std::string::npos);

  ASSERT_EQ(agent_.Cli({"image", "rm", "cached:1"}).exit_code, 0);
  ASSERT_EQ(agent_.Cli({"create", "--name", "keeps-busybox", "busybox", "true"}).exit_code, 0);
  ASSERT_EQ(agent_.Cli({"image", "prune", "-a"}).exit_code, 0);
  ASSERT_EQ(agent_.Cli({"rm", "keeps-busybox"}).exit_code, 0);
  EXPECT_EQ(agent_.Cli({"image", "ls", "-a", "-q"}).out, agent_.Cli({"image", "ls", "-q"}).out);
  CommandResult after_prune_all = agent_.Cli({"build", "-t", "cached:1", context});
  ASSERT_EQ(after_prune_all.exit_code, 0) << after_prune_all.err;
  EXPECT_EQ(RunStepsExecuted(after_prune_all), 2) << after_prune_all.out;
}

TEST_F(BuildTest, FailingRunShowsItsOutputAndExitCodeAndTagsNothing) {
  CommandResult failed = agent_.Cli({"build", "-t", "fail:1", kFixtures + "/fail"});
  EXPECT_NE(failed.exit_code, 0);
  EXPECT_NE(failed.out.find("failing-step-output"), std::string::npos) << failed.out;
  EXPECT_NE(failed.err.find("Dockerfile line 3: RUN: exit code 3"), std::string::npos)
      << failed.err;
  EXPECT_NE(agent_.Cli({"image", "inspect", "fail:1"}).exit_code, 0) << "nothing tagged";
  // TearDown checks that no container, scratch directory, mount or cgroup is left.
}

TEST_F(BuildTest, MultiStageCopiesFromAnEarlierStageOntoScratch) {
  CommandResult built = agent_.Cli({"build", "-t", "multi:1", kFixtures + "/multistage"});
  ASSERT_EQ(built.exit_code, 0) << built.out << built.err;
  CommandResult ran = agent_.Cli({"run", "--rm", "multi:1"});
  ASSERT_EQ(ran.exit_code, 0) << ran.err;
  EXPECT_EQ(ran.out, "built in stage one\n");
  CommandResult inspect = agent_.Cli({"image", "inspect", "multi:1"});
  EXPECT_EQ(Count(inspect.out, "\"diff_id\""), 2) << "two COPY layers on scratch";
  // --target stops at a stage.
  CommandResult target =
      agent_.Cli({"build", "--target", "builder", "-t", "stage:1", kFixtures + "/multistage"});
  ASSERT_EQ(target.exit_code, 0) << target.err;
  EXPECT_EQ(agent_.Cli({"run", "--rm", "stage:1", "cat", "/out/artifact"}).out,
            "built in stage one\n");
}

// The same context built by `buildah bud`: the same file tree and the same config
// (compare-with-buildah.sh says what is compared).
TEST_F(BuildTest, SameFileTreeAndConfigAsBuildahBud) {
  if (std::system("command -v buildah >/dev/null 2>&1") != 0) {
    GTEST_SKIP() << "buildah is not installed (deploy/install-deps.sh installs it)";
  }
  std::string base = agent_.work_dir() + "/busybox-oci.tar";
  ASSERT_EQ(agent_.Cli({"image", "save", "-o", base, "busybox"}).exit_code, 0);
  for (const std::string fixture : {"basic", "multistage"}) {
    SCOPED_TRACE(fixture);
    CommandResult built = agent_.Cli({"build", "-q", "-t", fixture + ":cmp", kFixtures + "/" + fixture});
    ASSERT_EQ(built.exit_code, 0) << built.err;
    std::string saved = agent_.work_dir() + "/" + fixture + "-boxcar.tar";
    ASSERT_EQ(agent_.Cli({"image", "save", "-o", saved, fixture + ":cmp"}).exit_code, 0);
    std::string work = agent_.work_dir() + "/compare-" + fixture;
    std::string command = "mkdir -p " + work + " && " + kFixtures + "/compare-with-buildah.sh " +
                          work + " " + kFixtures + "/" + fixture + " " + saved + " " + base +
                          " 2>&1; echo exit=$?";
    std::string compared = Shell(command);
    EXPECT_NE(compared.find("exit=0"), std::string::npos)
        << "differences (buildah < > boxcar):\n" << compared;
  }
  // buildah's storage holds root-owned files; the work dir goes with the harness.
}

TEST_F(BuildTest, BuildArgsAddArchivesAndOnbuildTriggers) {
  std::string parent = agent_.work_dir() + "/parent";
  std::string child = agent_.work_dir() + "/child";
  Shell("mkdir -p " + parent + "/files " + parent + "/bundle/x " + child + "/files && echo from-archive > " +
        parent + "/bundle/x/y.txt && tar -czf " + parent + "/bundle.tar.gz -C " + parent +
        "/bundle x && echo child-file > " + child + "/files/a.txt");
  WriteFile(parent + "/Dockerfile",
            "ARG TAG=latest\n"
            "FROM busybox:${TAG} AS base\n"
            "ARG WHO=nobody\n"
            "ARG EMPTY\n"
            "RUN echo \"built by $WHO${EMPTY:-!}\" > /who\n"
            "ADD bundle.tar.gz /opt/\n"
            "ONBUILD RUN echo triggered > /onbuild\n"
            "ONBUILD COPY files/a.txt /from-onbuild.txt\n");
  CommandResult built =
      agent_.Cli({"build", "--build-arg", "WHO=alice", "-t", "parent:1", parent});
  ASSERT_EQ(built.exit_code, 0) << built.out << built.err;
  EXPECT_EQ(built.err.find("not consumed"), std::string::npos) << built.err;
  EXPECT_EQ(agent_.Cli({"run", "--rm", "parent:1", "cat", "/who", "/opt/x/y.txt"}).out,
            "built by alice!\nfrom-archive\n");
  EXPECT_NE(agent_.Cli({"run", "--rm", "parent:1", "test", "-e", "/onbuild"}).exit_code, 0)
      << "ONBUILD runs only in images built FROM this one";
  // The triggers run right after the child's FROM, with the child's context.
  WriteFile(child + "/Dockerfile", "FROM parent:1\nCMD [\"cat\", \"/onbuild\", \"/from-onbuild.txt\"]\n");
  CommandResult child_built = agent_.Cli({"build", "-t", "child:1", child});
  ASSERT_EQ(child_built.exit_code, 0) << child_built.out << child_built.err;
  EXPECT_EQ(agent_.Cli({"run", "--rm", "child:1"}).out, "triggered\nchild-file\n");
}

// A --build-arg that no ARG of the stages built declares is named in Docker's warning (a
// misspelt name would otherwise go unnoticed); the predefined proxy ARGs need no declaration.
TEST_F(BuildTest, UnconsumedBuildArgsAreWarnedOf) {
  std::string context = agent_.work_dir() + "/unconsumed";
  Shell("mkdir -p " + context);
  WriteFile(context + "/Dockerfile",
            "ARG GLOBAL\nFROM busybox AS one\nARG USED\nRUN echo $USED > /used\n"
            "FROM busybox AS two\nARG LATER\n");
  CommandResult built =
      agent_.Cli({"build", "--target", "one", "--build-arg", "USED=1", "--build-arg", "GLOBAL=2",
                  "--build-arg", "LATER=3", "--build-arg", "NOPE=4", "--build-arg",
                  "HTTP_PROXY=http://p:1", "-t", "unconsumed:1", context});
  ASSERT_EQ(built.exit_code, 0) << built.out << built.err;
  EXPECT_NE(built.err.find("[Warning] One or more build-args [LATER NOPE] were not consumed"),
            std::string::npos)
      << built.err;
  EXPECT_EQ(agent_.Cli({"run", "--rm", "unconsumed:1", "cat", "/used"}).out, "1\n");
}

// Two RUN steps that change nothing store the same empty layer twice: the image lists one
// layer directory twice, and overlayfs refuses a lowerdir that names a directory twice
// (ELOOP). The next RUN, `run` and COPY --from of the image all mount it.
TEST_F(BuildTest, RepeatedEmptyLayersMount) {
  std::string context = agent_.work_dir() + "/repeated";
  Shell("mkdir -p " + context);
  WriteFile(context + "/Dockerfile", "FROM busybox\nRUN true\nRUN true\nRUN echo third > /third\n");
  CommandResult built = agent_.Cli({"build", "-t", "repeated:1", context});
  ASSERT_EQ(built.exit_code, 0) << built.out << built.err;
  EXPECT_EQ(RunStepsExecuted(built), 3) << built.out;
  CommandResult inspect = agent_.Cli({"image", "inspect", "repeated:1"});
  std::smatch match;
  std::vector<std::string> diff_ids;
  static const std::regex diff_id("\"diff_id\": \"(sha256:[0-9a-f]+)\"");
  for (std::string rest = inspect.out; std::regex_search(rest, match, diff_id);
       rest = match.suffix()) {
    diff_ids.push_back(match[1]);
  }
  ASSERT_EQ(diff_ids.size(), 4u) << inspect.out;
  EXPECT_EQ(diff_ids[1], diff_ids[2]) << "the two no-op RUN steps make the same layer";
  CommandResult ran = agent_.Cli({"run", "--rm", "repeated:1", "cat", "/third"});
  EXPECT_EQ(ran.exit_code, 0) << ran.err;
  EXPECT_EQ(ran.out, "third\n");
  WriteFile(context + "/Dockerfile", "FROM busybox\nCOPY --from=repeated:1 /third /copied\n");
  CommandResult copied = agent_.Cli({"build", "-t", "copied:1", context});
  ASSERT_EQ(copied.exit_code, 0) << copied.out << copied.err;
  EXPECT_EQ(agent_.Cli({"run", "--rm", "copied:1", "cat", "/copied"}).out, "third\n");
}

// BuildKit's automatic platform ARGs: this host's platform in Go's names, in FROM without a
// declaration (a global ARG without a default keeps it), in a stage only once declared; a
// --build-arg overrides one, as BuildKit's.
TEST_F(BuildTest, AutomaticPlatformArgs) {
  struct utsname host;
  ASSERT_EQ(::uname(&host), 0);
  const std::string machine = host.machine;
  const std::string arch = machine == "x86_64" ? "amd64" : machine == "aarch64" ? "arm64" : machine;
  ASSERT_EQ(agent_.Cli({"image", "tag", "busybox", "plat:linux-" + arch}).exit_code, 0);
  std::string context = agent_.work_dir() + "/platform";
  Shell("mkdir -p " + context);
  WriteFile(context + "/Dockerfile",
            "ARG TARGETARCH\n"
            "FROM plat:${TARGETOS}-${TARGETARCH}\n"
            "RUN echo \"[$TARGETARCH]\" > /undeclared\n"
            "ARG TARGETPLATFORM TARGETOS TARGETARCH TARGETVARIANT\n"
            "ARG BUILDPLATFORM BUILDOS BUILDARCH BUILDVARIANT\n"
            "RUN echo \"$TARGETPLATFORM $TARGETOS $TARGETARCH [$TARGETVARIANT]\"\\\n"
            "         \"$BUILDPLATFORM $BUILDOS $BUILDARCH [$BUILDVARIANT]\" > /platform\n");
  CommandResult built = agent_.Cli({"build", "-t", "platform:1", context});
  ASSERT_EQ(built.exit_code, 0) << built.out << built.err;
  EXPECT_EQ(
      agent_.Cli({"run", "--rm", "platform:1", "cat", "/undeclared", "/platform"}).out,
      "[]\nlinux/" + arch + " linux " + arch + " [] linux/" + arch + " linux " + arch + " []\n");
  CommandResult overridden =
      agent_.Cli({"build", "--build-arg", "BUILDARCH=given", "-t", "platform:2", context});
  ASSERT_EQ(overridden.exit_code, 0) << overridden.out << overridden.err;
  EXPECT_EQ(agent_.Cli({"run", "--rm", "platform:2", "cat", "/platform"}).out,
            "linux/" + arch + " linux " + arch + " [] linux/" + arch + " linux given []\n");
}

// A RUN step that prints nothing learns that its client went away all the same: the build
// stops within a second or so, its container, mount and processes gone.
TEST_F(BuildTest, CancelledBuildStopsItsSilentRunStep) {
  std::string context = agent_.work_dir() + "/slow";
  Shell("mkdir -p " + context);
  WriteFile(context + "/Dockerfile", "FROM busybox\nRUN sleep 60\n");
  const std::string base = agent_.work_dir() + "/slow-build";
  pid_t cli = Spawn({BOXCAR_CLI_PATH, "--socket", agent_.socket_path(), "build", "--no-cache", "-t",
                     "slow:1", context},
                    base + ".out", base + ".err");
  ASSERT_GT(cli, 0);
  std::string container;
  for (int i = 0; i < 100 && container.empty(); ++i) {
    container = agent_.Cli({"ps", "-q"}).out;
    if (container.empty()) ::usleep(100 * 1000);
  }
  ASSERT_FALSE(container.empty()) << "the RUN step's container never ran";
  container = container.substr(0, container.find('\n'));
  const std::string payload = agent_.Cli({"inspect", "-f", "{{.Pid}}", container}).out;
  ASSERT_GT(std::atoi(payload.c_str()), 0) << payload;
  ::usleep(500 * 1000);  // the step is well under way, silent

  ASSERT_EQ(::kill(cli, SIGTERM), 0);
  int status = 0;
  ASSERT_EQ(::waitpid(cli, &status, 0), cli);
  const auto cancelled = std::chrono::steady_clock::now();
  std::string left = "?";
  while (std::chrono::steady_clock::now() - cancelled < std::chrono::seconds(10)) {
    left = agent_.Cli({"ps", "-a", "-q"}).out;
    if (left.empty()) break;
    ::usleep(50 * 1000);
  }
  EXPECT_EQ(left, "") << "the build container outlived its client";
  EXPECT_LT(std::chrono::steady_clock::now() - cancelled, std::chrono::seconds(3));
  EXPECT_NE(::kill(std::atoi(payload.c_str()), 0), 0) << "sleep 60 still runs";
  EXPECT_EQ(agent_.LeftoverMounts(), "");
  EXPECT_NE(agent_.Cli({"image", "inspect", "slow:1"}).exit_code, 0) << "nothing tagged";
  // TearDown: no scratch directory, cgroup or shim left.
}

TEST_F(BuildTest, RunStepsOnTheLxcBackend) {
  CommandResult info = agent_.Cli({"info"});
  if (info.out.find(" lxc: available") == std::string::npos) {
    GTEST_SKIP() << "the lxc backend is not available here:\n" << info.out;
  }
  CommandResult built =
      agent_.Cli({"build", "--backend", "lxc", "-t", "lxc-built:1", kFixtures + "/cache"});
  ASSERT_EQ(built.exit_code, 0) << built.out << built.err;
  EXPECT_EQ(RunStepsExecuted(built), 2) << built.out;
  EXPECT_EQ(agent_.Cli({"run", "--rm", "lxc-built:1"}).out, "second\n");
}

// What boxcar build makes, other tools take: `image save` of a built image loads into podman
// (its own storage, vfs) under the same image id, and podman runs it with the built CMD.
TEST_F(BuildTest, BuiltImageLoadsIntoPodmanAndRuns) {
  if (std::system("command -v podman >/dev/null 2>&1") != 0) {
    GTEST_SKIP() << "podman is not installed (deploy/install-deps.sh installs it)";
  }
  CommandResult built = agent_.Cli({"build", "-q", "-t", "topodman:1", kFixtures + "/cache"});
  ASSERT_EQ(built.exit_code, 0) << built.err;
  CommandResult inspected = agent_.Cli({"image", "inspect", "topodman:1"});
  ASSERT_EQ(inspected.exit_code, 0) << inspected.err;
  std::smatch match;
  ASSERT_TRUE(std::regex_search(inspected.out, match, std::regex("sha256:([0-9a-f]{64})")))
      << inspected.out;
  const std::string image_hex = match[1];
  const std::string saved = agent_.work_dir() + "/topodman.tar";
  ASSERT_EQ(agent_.Cli({"image", "save", "-o", saved, "topodman:1"}).exit_code, 0);
  const std::string podman = "podman --root " + agent_.work_dir() + "/podman-root --runroot " +
                             agent_.work_dir() + "/podman-run --storage-driver vfs "
                             "--events-backend none --cgroup-manager cgroupfs";
  std::string loaded = Shell(podman + " load -i " + saved + " 2>&1; echo exit=$?");
  ASSERT_NE(loaded.find("exit=0"), std::string::npos) << loaded;
  std::string ids = Shell(podman + " images --no-trunc --format '{{.ID}}' 2>&1");
  EXPECT_NE(ids.find(image_hex), std::string::npos) << "podman: " << ids << "boxcar: " << inspected.out;
  // podman's default rlimits are above this machine's hard limits, and CAP_SYS_RESOURCE is not
  // in its bounding set: ask for lower ones.
  std::string ran = Shell(podman +
                          " run --rm --network none --ulimit nofile=1024:1024 --ulimit "
                          "nproc=1024:1024 " +
                          image_hex + " 2>&1; echo exit=$?");
  EXPECT_EQ(ran, "second\nexit=0\n") << ran;
  Shell(podman + " rmi -a -f >/dev/null 2>&1; rm -rf " + agent_.work_dir() + "/podman-root " +
        agent_.work_dir() + "/podman-run");
}

// CONTEXT "-": a context tar on stdin (plain or gzip, -f naming its Dockerfile), or a
// Dockerfile alone.
TEST_F(BuildTest, WorkdirMakesItsDirectoryAndCopyFollowsTheImagesSymlinks) {
  const std::string context = agent_.work_dir() + "/ctx-patterns";
  Shell("mkdir -p " + context + " && echo copied > " + context + "/f.txt");
  WriteFile(context + "/Dockerfile",
            "FROM busybox\n"
            "WORKDIR /app\n"
            "COPY f.txt .\n"
            "WORKDIR /made/deep\n"
            "WORKDIR ../../rel\n"
            "RUN mkdir -p /usr/lib2 /real && echo libc > /usr/lib2/libc.so && "
            "ln -s usr/lib2 /lib2 && ln -s /real /linkdir\n"
            "COPY f.txt /lib2/\n"
            "COPY f.txt /linkdir/sub/\n"
            "COPY f.txt /tmp/made/../b.txt\n");
  CommandResult built = agent_.Cli({"build", "-t", "patterns:1", context});
  ASSERT_EQ(built.exit_code, 0) << built.out << built.err;
  auto sh = [&](const std::string& script) {
    CommandResult ran = agent_.Cli({"run", "--rm", "-w", "/", "patterns:1", "sh", "-c", script});
    return ran.exit_code == 0 ? ran.out : "<exit " + std::to_string(ran.exit_code) + ">" + ran.err;
  };
  EXPECT_EQ(sh("cat /app/f.txt"), "copied\n");
  EXPECT_EQ(sh("test -d /made/deep && echo made"), "made\n") << "WORKDIR makes its directory";
  EXPECT_EQ(sh("test -d /rel && echo rel"), "rel\n");
  EXPECT_EQ(agent_.Cli({"image", "inspect", "-f", "{{.config.WorkingDir}}", "patterns:1"}).out,
            "/rel\n")
      << "WORKDIR ../../rel is /rel";
  EXPECT_EQ(sh("test -L /lib2 && cat /usr/lib2/libc.so /lib2/f.txt"), "libc\ncopied\n")
      << "the image's link stays and the file lands where it leads";
  EXPECT_EQ(sh("test -L /linkdir && cat /real/sub/f.txt"), "copied\n") << "an absolute link";
  EXPECT_EQ(sh("cat /tmp/b.txt && test ! -e /tmp/made && echo clean"), "copied\nclean\n");
  EXPECT_EQ(agent_.Cli({"run", "--rm", "patterns:1", "pwd"}).out, "/rel\n");
}

// ADD of a local archive keeps its members' owners (how a base image is built: FROM scratch +
// ADD rootfs.tar /; they all became root's); device nodes and fifos are dropped, as from every
// layer (docs/build.md). A compressed file holding no tar is copied as it is (it was refused).
TEST_F(BuildTest, AddOfAnArchiveKeepsOwnersAndSpecialFiles) {
  const std::string context = agent_.work_dir() + "/ctx-add";
  Shell("mkdir -p " + context + "/r/etc && cd " + context +
        " && echo secret > r/etc/shadow && "
        "chown 7:42 r/etc/shadow && chmod 640 r/etc/shadow && ln -s shadow r/etc/link && "
        "chown -h 8:43 r/etc/link && mknod r/null c 1 3 && mkfifo r/fifo && "
        "tar -C r -cf rootfs.tar . && rm -rf r && echo hi | gzip > notatar.gz");
  WriteFile(context + "/Dockerfile",
            "FROM busybox\n"
            "ADD rootfs.tar /r/\n"
            "ADD notatar.gz /n/\n"
            "ADD --chown=9:44 rootfs.tar /owned/\n");
  CommandResult built = agent_.Cli({"build", "-t", "add:1", context});
  ASSERT_EQ(built.exit_code, 0) << built.out << built.err;
  CommandResult ran = agent_.Cli(
      {"run", "--rm", "add:1", "sh", "-c",
       "stat -c '%u:%g %a' /r/etc/shadow; stat -c '%u:%g' /r/etc/link; test -e /r/null || "
       "echo no-null; test -e /r/fifo || echo no-fifo; gunzip -c /n/notatar.gz; "
       "stat -c '%u:%g' /owned/etc/shadow"});
  EXPECT_EQ(ran.out, "7:42 640\n8:43\nno-null\nno-fifo\nhi\n9:44\n") << ran.err;
}

// EXPOSE of a range is each port, MAINTAINER sets the author, COPY --link is accepted, and a
// COPY --from source that is missing is looked for in the stage, not the context.
TEST_F(BuildTest, ExposeRangesMaintainerAndCopyLink) {
  const std::string context = agent_.work_dir() + "/ctx-meta";
  Shell("mkdir -p " + context + " && echo linked > " + context + "/f.txt");
  WriteFile(context + "/Dockerfile",
            "FROM busybox\n"
            "MAINTAINER Jane <jane@example.com>\n"
            "EXPOSE 8000-8002/udp 80\n"
            "COPY --link f.txt /l/\n");
  CommandResult built = agent_.Cli({"build", "-t", "meta:1", context});
  ASSERT_EQ(built.exit_code, 0) << built.out << built.err;
  EXPECT_EQ(agent_.Cli({"image", "inspect", "-f", "{{json .config.exposed_ports}}", "meta:1"}).out,
            "[\"80/tcp\",\"8000/udp\",\"8001/udp\",\"8002/udp\"]\n");
  const std::string id =
      agent_.Cli({"image", "inspect", "-f", "{{.id}}", "meta:1"}).out.substr(7, 64);
  EXPECT_NE(Shell("cat " + agent_.root_dir() + "/blobs/sha256/" + id)
                .find("\"author\":\"Jane <jane@example.com>\""),
            std::string::npos);
  EXPECT_EQ(agent_.Cli({"run", "--rm", "meta:1", "cat", "/l/f.txt"}).out, "linked\n");

  WriteFile(context + "/Dockerfile",
            "FROM busybox AS first\nFROM busybox\nCOPY --from=first /nope /x\n");
  CommandResult missing = agent_.Cli({"build", context});
  EXPECT_NE(missing.exit_code, 0);
  EXPECT_NE(missing.err.find("'/nope' not found in the --from stage or image"), std::string::npos)
      << missing.err;
  WriteFile(context + "/Dockerfile", "FROM busybox\nEXPOSE 9-8\n");
  CommandResult backwards = agent_.Cli({"build", context});
  EXPECT_NE(backwards.err.find("EXPOSE: '9-8' is not PORT[-PORT]"), std::string::npos)
      << backwards.err;
}

}  // namespace
}  // namespace boxcar::testing
