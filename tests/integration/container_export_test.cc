// `boxcar export` on every backend whose storage is the agent's snapshot: a container's
// filesystem (image layers with its changes, deletions applied) as a tar, running and stopped,
// without its volumes, bind mounts, tmpfs mounts or the agent's own mount points; the round
// trip through `import -`; a scratch image's export without the agent's mount-point
// directories; -o written whole or not at all; the temporary mount of a stopped
// container undone when the client goes away or the agent is killed; and Docker's top-level
// image commands giving what their `image` forms give.
#include <fcntl.h>
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cctype>
#include <chrono>
#include <cstdlib>
#include <fstream>
#include <string>
#include <thread>

#include "agent_fixture.h"
#include "build_paths.h"
#include "common/atomic_file.h"
#include "common/directory_tree.h"
#include "common/unique_fd.h"
#include "pty_process.h"

namespace boxcar::testing {
namespace {

class ContainerExportTest : public ::testing::TestWithParam<std::string>, public AgentFixture {
 protected:
  void SetUp() override { StartBackendAgent(GetParam()); }
  void TearDown() override { StopBackendAgentAndCheckLeftovers(); }

  std::string Work(const std::string& name) { return agent_.work_dir() + "/" + name; }
  static std::string ReadFile(const std::string& path) {
    auto content = ReadFileToString(path);
    return content.ok() ? *content : "<" + content.status().message() + ">";
  }
  // `command` through a shell, $BOXCAR the CLI on this agent; the shell's exit status.
  int Shell(const std::string& command) {
    std::string line = "BOXCAR='" + std::string(BOXCAR_CLI_PATH) + " --socket " +
                       agent_.socket_path() + "' sh -c '" + command + "' >>" + Work("shell.log") +
                       " 2>&1";
    return std::system(line.c_str());
  }
  // The member names of the tar at `path`, one a line ("" when tar cannot read it).
  std::string Members(const std::string& path) {
    const std::string list = path + ".list";
    if (Shell("tar -tf " + path + " > " + list) != 0) return "";
    return ReadFile(list);
  }
  // What the member `name` of the tar at `path` holds.
  std::string MemberContent(const std::string& path, const std::string& name) {
    const std::string out = path + "." + std::to_string(++extracted_) + ".out";
    if (Shell("tar -xOf " + path + " " + name + " > " + out) != 0) return "<no " + name + ">";
    return ReadFile(out);
  }
  // The container's filesystem as exported: its changes in, everything else out.
  void ExpectExported(const std::string& tar) {
    SCOPED_TRACE(tar);
    const std::string members = "\n" + Members(tar);
    EXPECT_NE(members.find("\nadded.txt\n"), std::string::npos) << members;
    EXPECT_NE(members.find("\nbin/sh\n"), std::string::npos) << "the image's files";
    EXPECT_NE(members.find("\netc/passwd\n"), std::string::npos);
    EXPECT_EQ(MemberContent(tar, "added.txt"), "added\n");
    EXPECT_NE(MemberContent(tar, "etc/passwd").find("changed\n"), std::string::npos);
    EXPECT_EQ(members.find("\netc/group\n"), std::string::npos) << "deleted: whiteout applied";
    EXPECT_EQ(members.find(".wh."), std::string::npos) << "no whiteout entries";
    EXPECT_EQ(members.find("\n./"), std::string::npos) << "named as Docker's export names them";
    EXPECT_EQ(members.find("vol/in-volume"), std::string::npos) << "a volume's contents";
    EXPECT_EQ(members.find("bind/host.txt"), std::string::npos) << "a bind mount's contents";
    EXPECT_EQ(members.find("scratch/t"), std::string::npos) << "a tmpfs mount's contents";
    EXPECT_EQ(members.find("\netc/hosts\n"), std::string::npos) << "the agent's mount point";
    EXPECT_EQ(members.find("\netc/resolv.conf\n"), std::string::npos);
    EXPECT_EQ(members.find("\nsbin/docker-init\n"), std::string::npos) << "--init's mount point";
    EXPECT_EQ(members.find("\nproc/1"), std::string::npos);
  }
  // A container `name` whose filesystem has an added, a changed and a deleted file, a named
  // volume, a bind mount and a tmpfs mount with files in them, and --init.
  void RunChangedContainer(const std::string& name) {
    ::mkdir(Work("bind").c_str(), 0755);
    std::ofstream(Work("bind/host.txt")) << "host\n";
    RunDetached({"--name", name, "--init", "-v", "exportvol:/vol", "-v", Work("bind") + ":/bind",
                 "--tmpfs", "/scratch"},
                {"sh", "-c",
                 "echo added > /added.txt; echo changed >> /etc/passwd; rm /etc/group; "
                 "echo v > /vol/in-volume; echo t > /scratch/t; touch /ready; sleep 1000"});
    ASSERT_FALSE(HasFatalFailure());
    for (int i = 0; i < 100; ++i) {
      if (agent_.Cli({"exec", name, "test", "-e", "/ready"}).exit_code == 0) return;
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    FAIL() << name << " never became ready";
  }
  int extracted_ = 0;
};

TEST_P(ContainerExportTest, ExportsTheFilesystemRunningAndStoppedWithoutItsMounts) {
  ASSERT_TRUE(Has("exec"));
  ASSERT_NO_FATAL_FAILURE(RunChangedContainer("box"));
  ASSERT_EQ(Shell("$BOXCAR export box > " + Work("running.tar")), 0) << ReadFile(Work("shell.log"));
  ExpectExported(Work("running.tar"));
  EXPECT_EQ(agent_.Cli({"exec", "box", "cat", "/vol/in-volume"}).out, "v\n")
      << "the payload still sees its volume";

  ASSERT_EQ(agent_.Cli({"stop", "-t", "1", "box"}).exit_code, 0);
  CommandResult stopped = agent_.Cli({"export", "-o", Work("stopped.tar"), "box"});
  ASSERT_EQ(stopped.exit_code, 0) << stopped.err;
  ExpectExported(Work("stopped.tar"));
  EXPECT_EQ(agent_.LeftoverMounts(), "") << "the snapshot mounted for the export is unmounted";
  CommandResult grouped = agent_.Cli({"container", "export", "-o", Work("grouped.tar"), "box"});
  ASSERT_EQ(grouped.exit_code, 0) << grouped.err;
  EXPECT_EQ(Members(Work("grouped.tar")), Members(Work("stopped.tar")));
  ASSERT_EQ(agent_.Cli({"start", "box"}).exit_code, 0) << "its snapshot is free again";
}

// A scratch-like image of one static binary, run with --init: its export holds the binary and
// what the container made, not the directories made for the agent's and the runtime's mounts
// (/etc for /etc/hosts, /sbin for --init, /dev, /proc, /sys), running or stopped.
TEST_P(ContainerExportTest, AScratchImagesExportHoldsOnlyWhatTheImageAndTheContainerMade) {
  ASSERT_TRUE(Has("exec"));
  ASSERT_EQ(
      Shell("mkdir -p " + Work("one") + " && tar -xf " + BOXCAR_BUSYBOX_TAR + " -C " + Work("one") +
            " ./bin/busybox && tar -cf " + Work("one.tar") + " -C " + Work("one/bin") + " busybox"),
      0)
      << ReadFile(Work("shell.log"));
  CommandResult imported = agent_.Cli({"image", "import", "-q", Work("one.tar"), "onebinary:1"});
  ASSERT_EQ(imported.exit_code, 0) << imported.err;
  CommandResult started = agent_.Cli(
      {"run", "-d", "--name", "one", "--init", "onebinary:1", "/busybox", "sh", "-c",
       "/busybox mkdir /made && /busybox touch /made/by-container /ready && exec /busybox "
       "sleep 1000"});
  ASSERT_EQ(started.exit_code, 0) << started.err;
  bool ready = false;
  for (int i = 0; i < 100 && !ready; ++i) {
    ready = agent_.Cli({"exec", "one", "/busybox", "test", "-e", "/ready"}).exit_code == 0;
    if (!ready) std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  ASSERT_TRUE(ready);
  EXPECT_EQ(agent_.Cli({"exec", "one", "/busybox", "cat", "/etc/hosts"}).exit_code, 0)
      << "the agent's mounts are there for the payload";
  const std::string expected = "busybox\nmade/\nmade/by-container\nready\n";
  ASSERT_EQ(Shell("$BOXCAR export one > " + Work("one-running.tar")), 0)
      << ReadFile(Work("shell.log"));
  EXPECT_EQ(Members(Work("one-running.tar")), expected);
  ASSERT_EQ(agent_.Cli({"stop", "-t", "1", "one"}).exit_code, 0);
  ASSERT_EQ(Shell("$BOXCAR export one > " + Work("one-stopped.tar")), 0)
      << ReadFile(Work("shell.log"));
  EXPECT_EQ(Members(Work("one-stopped.tar")), expected);
}

TEST_P(ContainerExportTest, ExportImportRunRoundTrip) {
  ASSERT_TRUE(Has("exec"));
  ASSERT_NO_FATAL_FAILURE(RunChangedContainer("box"));
  ASSERT_EQ(Shell("$BOXCAR export box | $BOXCAR image import -q --change \"CMD [\\\"sh\\\"]\" "
                  "-m \"from box\" - newimg:1"),
            0)
      << ReadFile(Work("shell.log"));
  EXPECT_NE(RunRm({}, {"cat", "/added.txt"}).exit_code, 0) << "not busybox's: box's";
  CommandResult added = agent_.Cli({"run", "--rm", "newimg:1", "cat", "/added.txt"});
  EXPECT_EQ(added.exit_code, 0) << added.err;
  EXPECT_EQ(added.out, "added\n");
  EXPECT_EQ(agent_.Cli({"run", "--rm", "newimg:1", "test", "-e", "/etc/group"}).exit_code, 1)
      << "deleted in box, so not in the image";
  EXPECT_EQ(agent_.Cli({"run", "--rm", "newimg:1", "test", "-e", "/vol/in-volume"}).exit_code, 1);
  CommandResult cmd = agent_.Cli({"run", "--rm", "newimg:1"});
  EXPECT_EQ(cmd.exit_code, 0) << "CMD [\"sh\"] from --change, no stdin: " << cmd.err;
  CommandResult inspect =
      agent_.Cli({"image", "inspect", "-f", "{{json .config.cmd}}", "newimg:1"});
  EXPECT_EQ(inspect.out, "[\"sh\"]\n") << inspect.err;
  CommandResult history = agent_.Cli({"history", "newimg:1"});
  EXPECT_NE(history.out.find("from box"), std::string::npos) << "--message: " << history.out;
}

// Bad requests and failures change nothing: no FILE (nor its temporary), an existing FILE as it
// was; a terminal on stdout is refused as Docker refuses it.
TEST_P(ContainerExportTest, RefusalsAndFailuresLeaveNoFile) {
  CommandResult unknown = agent_.Cli({"export", "-o", Work("out.tar"), "nosuch"});
  EXPECT_EQ(unknown.exit_code, 1);
  EXPECT_NE(unknown.err.find("container"), std::string::npos) << unknown.err;
  EXPECT_NE(unknown.err.find("nosuch"), std::string::npos) << unknown.err;
  grpc::ClientContext context;
  v1::ExportContainerRequest request;
  request.set_container("nosuch");
  auto reader = agent_.containers().Export(&context, request);
  v1::ExportChunk chunk;
  EXPECT_FALSE(reader->Read(&chunk));
  grpc::Status status = reader->Finish();
  EXPECT_EQ(status.error_code(), grpc::StatusCode::NOT_FOUND) << status.error_message();
  EXPECT_EQ(status.error_message().rfind("container: no container 'nosuch'", 0), 0u)
      << status.error_message();

  std::ofstream(Work("kept.tar")) << "before";
  EXPECT_EQ(agent_.Cli({"export", "-o", Work("kept.tar"), "nosuch"}).exit_code, 1);
  EXPECT_EQ(ReadFile(Work("kept.tar")), "before") << "an existing FILE is left as it was";
  for (const auto& name : ListDirectoryNames(agent_.work_dir())) {
    EXPECT_EQ(name.find(".partial-"), std::string::npos) << name;
    EXPECT_NE(name, "out.tar");
  }

  CommandResult made = agent_.Cli({"create", "--name", "made", "busybox", "true"});
  ASSERT_EQ(made.exit_code, 0) << made.err;
  PtyProcess terminal(agent_.socket_path(), {"export", "made"});
  ASSERT_TRUE(terminal.started());
  EXPECT_EQ(terminal.Wait(std::chrono::seconds(10)), 1);
  EXPECT_NE(terminal.output().find("cowardly refusing to save to a terminal. Use the -o flag or "
                                   "redirect"),
            std::string::npos)
      << terminal.output();
  CommandResult created = agent_.Cli({"export", "-o", Work("created.tar"), "made"});
  EXPECT_EQ(created.exit_code, 0) << "a container that never ran: " << created.err;
  EXPECT_NE(Members(Work("created.tar")).find("bin/sh\n"), std::string::npos);
}

// The mount of a stopped container's snapshot goes when the client goes away midway, and
// after a kill -9 of the agent at its next start.
TEST_P(ContainerExportTest, AStoppedContainersMountGoesWithTheClientOrTheAgent) {
  CommandResult made = agent_.Cli({"run", "--name", "big", "busybox", "sh", "-c",
                                   "dd if=/dev/urandom of=/big bs=1M count=48 2>/dev/null"});
  ASSERT_EQ(made.exit_code, 0) << made.err;
  // `head` leaves after 1 MB: the CLI dies of SIGPIPE, the agent's stream breaks off.
  Shell("$BOXCAR export big | head -c 1000000 > /dev/null");
  bool unmounted = false;
  for (int i = 0; i < 100 && !(unmounted = agent_.LeftoverMounts().empty()); ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  EXPECT_TRUE(unmounted) << agent_.LeftoverMounts();

  // A reader that never reads (a FIFO held open): the agent stays midway, the snapshot
  // mounted, until it is killed.
  ASSERT_EQ(::mkfifo(Work("stalled.fifo").c_str(), 0600), 0);
  UniqueFd fifo(::open(Work("stalled.fifo").c_str(), O_RDONLY | O_NONBLOCK | O_CLOEXEC));
  ASSERT_TRUE(fifo);
  ASSERT_EQ(
      Shell("$BOXCAR export big > " + Work("stalled.fifo") + " & echo $! > " + Work("stalled.pid")),
      0);
  bool mounted = false;
  for (int i = 0; i < 100 && !(mounted = !agent_.LeftoverMounts().empty()); ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  EXPECT_TRUE(mounted) << "the export mounted the snapshot";
  agent_.Stop(/*kill9=*/true);
  RestartAgent();
  EXPECT_EQ(agent_.LeftoverMounts(), "") << "recovery unmounts a stopped container's snapshot";
  fifo.reset();  // the stalled CLI's next write fails
  const pid_t stalled = static_cast<pid_t>(std::atoi(ReadFile(Work("stalled.pid")).c_str()));
  if (stalled > 0) ::kill(stalled, SIGKILL);
  CommandResult after = agent_.Cli({"export", "-o", Work("after.tar"), "big"});
  EXPECT_EQ(after.exit_code, 0) << after.err;
  EXPECT_NE(Members(Work("after.tar")).find("big\n"), std::string::npos);
}

// Docker's top-level forms: the same commands as `image ...`, the same output.
TEST_P(ContainerExportTest, DockersTopLevelImageCommandsAreTheImageOnes) {
  if (GetParam() != "chroot") GTEST_SKIP() << "the backend plays no part";
  ASSERT_EQ(agent_.Cli({"tag", "busybox", "other:2"}).exit_code, 0);
  for (const char* flag : {"--json", "-q"}) {
    CommandResult images = agent_.Cli({"images", flag});
    CommandResult listed = agent_.Cli({"image", "ls", flag});
    EXPECT_EQ(images.exit_code, 0) << images.err;
    EXPECT_EQ(images.out, listed.out) << flag;
    EXPECT_EQ(agent_.Cli({"image", "list", flag}).out, listed.out) << flag;
  }
  EXPECT_NE(agent_.Cli({"images"}).out.find("other:2"), std::string::npos);
  CommandResult history = agent_.Cli({"history", "--json", "busybox"});
  EXPECT_EQ(history.exit_code, 0) << history.err;
  EXPECT_EQ(history.out, agent_.Cli({"image", "history", "--json", "busybox"}).out);

  ASSERT_EQ(agent_.Cli({"save", "-o", Work("saved.tar"), "other:2"}).exit_code, 0);
  ASSERT_EQ(agent_.Cli({"image", "save", "-o", Work("image-saved.tar"), "other:2"}).exit_code, 0);
  EXPECT_EQ(Members(Work("saved.tar")), Members(Work("image-saved.tar")));
  EXPECT_NE(Members(Work("saved.tar")).find("manifest.json"), std::string::npos);
  CommandResult rmi = agent_.Cli({"rmi", "other:2"});
  EXPECT_EQ(rmi.exit_code, 0) << rmi.err;
  EXPECT_EQ(rmi.out, "Untagged: other:2\n");
  CommandResult loaded = agent_.Cli({"load", "-q", "-i", Work("saved.tar")});
  EXPECT_EQ(loaded.exit_code, 0) << loaded.err;
  EXPECT_NE(loaded.out.find("Loaded image: other:2\n"), std::string::npos) << loaded.out;
  ASSERT_EQ(agent_.Cli({"image", "rm", "other:2"}).exit_code, 0);
  ASSERT_EQ(Shell("$BOXCAR image load -q < " + Work("saved.tar")), 0)
      << ReadFile(Work("shell.log"));
  EXPECT_NE(agent_.Cli({"images"}).out.find("other:2"), std::string::npos) << "loaded from stdin";
  CommandResult imported =
      agent_.Cli({"import", "-q", "-c", "CMD [\"sh\"]", BOXCAR_BUSYBOX_TAR, "topimport:1"});
  EXPECT_EQ(imported.exit_code, 0) << imported.err;
  EXPECT_EQ(imported.out.rfind("sha256:", 0), 0u) << imported.out;
  CommandResult bad_change = agent_.Cli({"import", "-c", "EXPOSE 80", BOXCAR_BUSYBOX_TAR, "x:1"});
  EXPECT_EQ(bad_change.exit_code, 1);
  EXPECT_NE(bad_change.err.find("--change 'EXPOSE 80'"), std::string::npos) << bad_change.err;

  CommandResult version = agent_.Cli({"version"});
  EXPECT_EQ(version.exit_code, 0) << version.err;
  EXPECT_NE(version.out.find("Client:"), std::string::npos) << version.out;
  EXPECT_NE(version.out.find("Server: boxcard"), std::string::npos) << version.out;
  grpc::ClientContext context;
  v1::InfoResponse info;
  ASSERT_TRUE(agent_.system().Info(&context, {}, &info).ok());
  EXPECT_EQ(agent_.Cli({"version", "-f", "{{.Server.Version}}"}).out, info.version() + "\n");
  const std::string client = agent_.Cli({"version", "--format", "{{.Client.Version}}"}).out;
  EXPECT_TRUE(client.size() > 1 && std::isdigit(static_cast<unsigned char>(client[0]))) << client;
  CommandResult json = agent_.Cli({"version", "--json"});
  EXPECT_NE(json.out.find("\"Server\":{"), std::string::npos) << json.out;
  EXPECT_NE(Shell(std::string(BOXCAR_CLI_PATH) + " --socket " + Work("no.sock") + " version > " +
                  Work("unreachable.out")),
            0);
  EXPECT_NE(ReadFile(Work("unreachable.out")).find("Client:"), std::string::npos)
      << "the client's, as Docker's";
  EXPECT_NE(ReadFile(Work("shell.log")).find("cannot reach boxcard"), std::string::npos);

  CommandResult help = agent_.Cli({"--help"});
  for (const char* command : {"images", "rmi", "pull", "push", "save", "load", "import", "history",
                              "tag", "export", "version"}) {
    EXPECT_NE(help.out.find("\n  " + std::string(command) + " "), std::string::npos)
        << command << " in:\n"
        << help.out;
  }
}

INSTANTIATE_TEST_SUITE_P(Backends, ContainerExportTest,
                         ::testing::Values("chroot", "lxc", "libvirt"),
                         [](const auto& info) { return info.param; });

}  // namespace
}  // namespace boxcar::testing
