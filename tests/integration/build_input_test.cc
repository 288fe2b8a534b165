// `boxcar build`'s input: the context as a directory, a tar or a Dockerfile on stdin; a
// context over the size limit, a hostile context tar, a 10,000-line Dockerfile, and bad input
// that fails with the Dockerfile's line and leaves nothing behind.
#include <gtest/gtest.h>
#include <unistd.h>

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

TEST_F(BuildTest, TenThousandLineDockerfileBuilds) {
  std::string context = agent_.work_dir() + "/long";
  Shell("mkdir -p " + context);
  std::string dockerfile = "FROM busybox\n";
  for (int i = 0; i < 10000; ++i) {
    dockerfile += "ENV V" + std::to_string(i) + "=" + std::to_string(i) + "\n";
  }
  dockerfile += "RUN test \"$V9999\" = 9999\n";
  WriteFile(context + "/Dockerfile", dockerfile);
  const auto begun = std::chrono::steady_clock::now();
  CommandResult built = agent_.Cli({"build", "-q", "-t", "long:1", context});
  ASSERT_EQ(built.exit_code, 0) << built.err;
  EXPECT_LT(std::chrono::steady_clock::now() - begun, std::chrono::seconds(30));
  EXPECT_EQ(agent_.Cli({"run", "--rm", "long:1", "sh", "-c", "echo $V0 $V5000 $V9999"}).out,
            "0 5000 9999\n");
}

TEST_F(BuildTest, ContextOverTheSizeLimitIsRefused) {
  agent_.Stop();
  agent_args_ = {"--max-layer-bytes", "1048576"};
  RestartAgent();
  std::string context = agent_.work_dir() + "/big";
  Shell("mkdir -p " + context + " && head -c 4194304 /dev/zero > " + context +
        "/zeros && printf 'FROM busybox\\nCOPY zeros /\\n' > " + context + "/Dockerfile");
  CommandResult refused = agent_.Cli({"build", "-t", "big:1", context});
  EXPECT_NE(refused.exit_code, 0);
  EXPECT_NE(refused.err.find("build context"), std::string::npos) << refused.err;
  EXPECT_NE(agent_.Cli({"image", "inspect", "big:1"}).exit_code, 0);
}

TEST_F(BuildTest, ContextTarOrDockerfileOnStdin) {
  std::string cli = std::string(BOXCAR_CLI_PATH) + " --socket " + agent_.socket_path();
  std::string tarball = agent_.work_dir() + "/context.tgz";
  Shell("tar -czf " + tarball + " -C " + kFixtures + "/cache .");
  std::string built = Shell(cli + " build -q -t stdin:1 - < " + tarball + " 2>&1; echo exit=$?");
  ASSERT_NE(built.find("exit=0"), std::string::npos) << built;
  EXPECT_EQ(agent_.Cli({"run", "--rm", "stdin:1"}).out, "second\n");

  std::string other = agent_.work_dir() + "/other";
  Shell("mkdir -p " + other + "/sub && echo payload > " + other +
        "/data.txt && printf 'FROM busybox\\nCOPY data.txt /data.txt\\n' > " + other +
        "/sub/Other.Dockerfile && tar -cf " + other + ".tar -C " + other + " .");
  built = Shell(cli + " build -q -f sub/Other.Dockerfile -t stdin:2 - < " + other +
                ".tar 2>&1; echo exit=$?");
  ASSERT_NE(built.find("exit=0"), std::string::npos) << built;
  EXPECT_EQ(agent_.Cli({"run", "--rm", "stdin:2", "cat", "/data.txt"}).out, "payload\n");

  built = Shell("printf 'FROM busybox\\nRUN echo no-context > /x\\n' | " + cli +
                " build -q -t stdin:3 - 2>&1; echo exit=$?");
  ASSERT_NE(built.find("exit=0"), std::string::npos) << built;
  EXPECT_EQ(agent_.Cli({"run", "--rm", "stdin:3", "cat", "/x"}).out, "no-context\n");

  // A context tar without the Dockerfile named.
  std::string missing =
      Shell(cli + " build -q -f nope/Dockerfile - < " + tarball + " 2>&1; echo exit=$?");
  EXPECT_NE(missing.find("options.dockerfile_path"), std::string::npos) << missing;
  EXPECT_EQ(missing.find("exit=0"), std::string::npos) << missing;
}

// The context is unpacked while it streams in: a hostile member stops the build with the
// unpacker's error, and no scratch directory stays under the agent's tmp/.
TEST_F(BuildTest, HostileContextTarIsRefusedAndLeavesNothing) {
  std::string cli = std::string(BOXCAR_CLI_PATH) + " --socket " + agent_.socket_path();
  std::string tarball = agent_.work_dir() + "/hostile.tar";
  Shell(
      "python3 -c \"import io, tarfile\n"
      "t = tarfile.open('" +
      tarball +
      "', 'w')\n"
      "d = b'FROM busybox\\nCOPY . /\\n'\n"
      "i = tarfile.TarInfo('Dockerfile'); i.size = len(d); t.addfile(i, io.BytesIO(d))\n"
      "p = b'x' * (4 << 20)\n"
      "i = tarfile.TarInfo('big'); i.size = len(p); t.addfile(i, io.BytesIO(p))\n"
      "i = tarfile.TarInfo('../escape'); i.size = 1; t.addfile(i, io.BytesIO(b'!'))\n"
      "t.addfile(tarfile.TarInfo('after'), io.BytesIO(b''))\n"
      "t.close()\"");
  std::string built = Shell(cli + " build -q -t hostile:1 - < " + tarball + " 2>&1; echo exit=$?");
  EXPECT_EQ(built.find("exit=0"), std::string::npos) << built;
  EXPECT_NE(built.find("build context"), std::string::npos) << built;
  EXPECT_NE(built.find("../escape"), std::string::npos) << built;
  EXPECT_NE(agent_.Cli({"image", "inspect", "hostile:1"}).exit_code, 0);
  EXPECT_FALSE(std::filesystem::exists(agent_.root_dir() + "/tmp/escape"));
  EXPECT_EQ(Shell("ls " + agent_.root_dir() + "/tmp | grep '^build-' || true"), "");
  // The agent still builds.
  built = Shell(cli + " build -q -t after:1 " + kFixtures + "/cache 2>&1; echo exit=$?");
  EXPECT_NE(built.find("exit=0"), std::string::npos) << built;
}

// ADD of a URL from an HTTP server on loopback: fetched, checked against --checksum, kept
// as a file (never unpacked), mode 0600.
struct BadBuild {
  std::string name;
  std::string dockerfile;
  std::string expected;  // in the error
};

TEST_F(BuildTest, BadInputFailsWithTheDockerfileLine) {
  std::string context = agent_.work_dir() + "/bad";
  Shell("mkdir -p " + context + " && echo data > " + context + "/file && ln -sf /etc " + context +
        "/etc-link && ln -sf ../../outside " + context + "/sub-link 2>/dev/null; true");
  const BadBuild cases[] = {
      {"unknown", "FROM busybox\nRUN true\nFROBNICATE x\n",
       "Dockerfile line 3: unknown instruction"},
      {"no-from", "# nothing\nRUN true\n", "Dockerfile line 2: RUN: comes before any FROM"},
      {"empty", "# only a comment\n", "no FROM instruction"},
      {"parent", "FROM busybox\n\nCOPY ../x /x\n", "Dockerfile line 3: COPY: '../x' leads outside"},
      {"absolute", "FROM busybox\nCOPY /etc/passwd /x\n",
       "Dockerfile line 2: COPY: '/etc/passwd': an absolute source is outside the build context"},
      {"symlink", "FROM busybox\nCOPY etc-link/passwd /x\n",
       "Dockerfile line 2: COPY: 'etc-link/passwd': symlink 'etc-link' -> '/etc' leads outside"},
      {"missing", "FROM busybox\nADD nothing-here /x\n",
       "Dockerfile line 2: ADD: 'nothing-here' not found in the build context"},
      {"image", "FROM no-such-image:1\n", "Dockerfile line 1: FROM: image 'no-such-image:1'"},
      {"heredoc", "FROM busybox\nRUN <<EOF\ntrue\nEOF\n", "Dockerfile line 2: RUN: heredocs"},
      {"platform", "FROM --platform=linux/arm64 busybox\n", "Dockerfile line 1: FROM: --platform"},
      {"scratch-run", "FROM scratch\nRUN true\n", "Dockerfile line 2: RUN: the stage has no image"},
  };
  // The relative link climbing out is refused when the context arrives (sub-link), so these
  // run with a context without it; it gets a case of its own below.
  Shell("rm -f " + context + "/sub-link");
  for (const auto& bad : cases) {
    SCOPED_TRACE(bad.name);
    WriteFile(context + "/Dockerfile", bad.dockerfile);
    CommandResult failed = agent_.Cli({"build", "-t", "bad:" + bad.name, context});
    EXPECT_NE(failed.exit_code, 0) << failed.out;
    EXPECT_NE(failed.err.find(bad.expected), std::string::npos) << failed.err;
    EXPECT_NE(agent_.Cli({"image", "inspect", "bad:" + bad.name}).exit_code, 0);
  }
  Shell("ln -sf ../../outside " + context + "/sub-link");
  WriteFile(context + "/Dockerfile", "FROM busybox\n");
  CommandResult climbing = agent_.Cli({"build", "-t", "bad:link", context});
  EXPECT_NE(climbing.exit_code, 0);
  EXPECT_NE(climbing.err.find("build context"), std::string::npos) << climbing.err;
  EXPECT_NE(climbing.err.find("sub-link"), std::string::npos) << climbing.err;
  // A bad tag is refused with the options, naming its index, before any step runs.
  Shell("rm -f " + context + "/sub-link");
  CommandResult bad_tag = agent_.Cli({"build", "-t", "good:1", "-t", "Bad Tag", context});
  EXPECT_NE(bad_tag.exit_code, 0);
  EXPECT_NE(bad_tag.err.find("options.tags[1]"), std::string::npos) << bad_tag.err;
  EXPECT_EQ(bad_tag.out.find("STEP"), std::string::npos) << bad_tag.out;
  EXPECT_NE(agent_.Cli({"image", "inspect", "good:1"}).exit_code, 0);
  // So is a backend this agent lacks, RUN or not.
  CommandResult bad_backend =
      agent_.Cli({"build", "-t", "good:2", "--backend", "no-such-backend", context});
  EXPECT_NE(bad_backend.exit_code, 0);
  EXPECT_NE(bad_backend.err.find("options.backend: unknown backend 'no-such-backend' (known: "),
            std::string::npos)
      << bad_backend.err;
  EXPECT_EQ(bad_backend.out.find("STEP"), std::string::npos) << bad_backend.out;
  EXPECT_NE(agent_.Cli({"image", "inspect", "good:2"}).exit_code, 0);
}

// Everyday Dockerfile patterns that failed (a Dockerfile audit): COPY into "." after WORKDIR
// of a directory the image lacks (WORKDIR made nothing, "/w/." was no directory), COPY into a
// directory that is a symlink in the image (the link was replaced by a real directory), and
// paths with "..".
}  // namespace
}  // namespace boxcar::testing
