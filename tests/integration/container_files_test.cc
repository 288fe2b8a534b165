// `boxcar cp`, `diff`, `top` and `stats` on every backend where the backend matters: files
// copied both ways on running and stopped containers (volumes included), tar streams on
// stdin and stdout, hostile archives and container symlinks that never reach the host, the
// writable layer's changes as A/C/D, the container's processes and a refreshing stats.
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cstdlib>
#include <fstream>
#include <string>
#include <thread>

#include "agent_fixture.h"
#include "build_paths.h"
#include "common/atomic_file.h"

namespace boxcar::testing {
namespace {

class ContainerFilesTest : public ::testing::TestWithParam<std::string>, public AgentFixture {
 protected:
  void SetUp() override { StartBackendAgent(GetParam()); }
  void TearDown() override { StopBackendAgentAndCheckLeftovers(); }

  std::string Work(const std::string& name) { return agent_.work_dir() + "/" + name; }

  static void WriteFile(const std::string& path, const std::string& content) {
    std::ofstream(path) << content;
  }
  static std::string ReadFile(const std::string& path) {
    auto content = ReadFileToString(path);
    return content.ok() ? *content : "<" + content.status().message() + ">";
  }

  // `boxcar ARGS` through a shell, for stdin and stdout pipes; the shell's exit status.
  int Shell(const std::string& command) {
    std::string line = "BOXCAR_SOCKET=" + agent_.socket_path() + " BOXCAR=" + BOXCAR_CLI_PATH +
                       " sh -c '" + command + "' >>" + Work("shell.log") + " 2>&1";
    return std::system(line.c_str());
  }

  // What `cat PATH` prints inside the running container `name`.
  std::string CatInside(const std::string& name, const std::string& path) {
    CommandResult cat = agent_.Cli({"exec", name, "cat", path});
    return cat.exit_code == 0 ? cat.out : "<exit " + std::to_string(cat.exit_code) + ": " + cat.err + ">";
  }

  grpc::Status CopyTo(const std::string& container, const std::string& path,
                      const std::string& tar_path) {
    grpc::ClientContext context;
    v1::CopyToResponse response;
    auto writer = agent_.containers().CopyTo(&context, &response);
    v1::CopyToRequest request;
    request.mutable_header()->set_container(container);
    request.mutable_header()->set_path(path);
    writer->Write(request);
    auto tar = ReadFileToString(tar_path);
    if (tar.ok()) {
      request.Clear();
      request.set_chunk(*tar);
      writer->Write(request);
    }
    writer->WritesDone();
    return writer->Finish();
  }
};

TEST_P(ContainerFilesTest, CpCopiesBothWaysOnRunningAndStoppedContainers) {
  ASSERT_TRUE(Has("exec"));
  RunDetached({"--name", "box", "-v", "cpdata:/data"}, {"sleep", "1000"});
  ASSERT_FALSE(HasFatalFailure());
  WriteFile(Work("in.txt"), "hello\n");
  ::mkdir(Work("tree").c_str(), 0755);
  ::mkdir(Work("tree/sub").c_str(), 0700);
  WriteFile(Work("tree/a.txt"), "a\n");
  WriteFile(Work("tree/sub/b.txt"), "b\n");
  ASSERT_EQ(::symlink("a.txt", Work("tree/link").c_str()), 0);

  // A file into an existing directory; a directory to a new name; into a volume.
  CommandResult in = agent_.Cli({"cp", Work("in.txt"), "box:/tmp"});
  ASSERT_EQ(in.exit_code, 0) << in.err;
  EXPECT_EQ(CatInside("box", "/tmp/in.txt"), "hello\n");
  CommandResult tree = agent_.Cli({"cp", Work("tree"), "box:/tmp/copied"});
  ASSERT_EQ(tree.exit_code, 0) << tree.err;
  EXPECT_EQ(CatInside("box", "/tmp/copied/sub/b.txt"), "b\n");
  EXPECT_EQ(agent_.Cli({"exec", "box", "readlink", "/tmp/copied/link"}).out, "a.txt\n");
  EXPECT_EQ(agent_.Cli({"exec", "box", "stat", "-c", "%a", "/tmp/copied/sub"}).out, "700\n");
  ASSERT_EQ(agent_.Cli({"cp", Work("in.txt"), "box:/data/"}).exit_code, 0);
  EXPECT_EQ(CatInside("box", "/data/in.txt"), "hello\n") << "the volume, as the payload sees it";

  // Back out: a directory to a new host path, a file onto a host file, "DIR/." into a dir.
  CommandResult out = agent_.Cli({"cp", "box:/tmp/copied", Work("back")});
  ASSERT_EQ(out.exit_code, 0) << out.err;
  EXPECT_EQ(ReadFile(Work("back/sub/b.txt")), "b\n");
  char target[64] = {};
  EXPECT_GT(::readlink(Work("back/link").c_str(), target, sizeof target - 1), 0);
  EXPECT_STREQ(target, "a.txt");
  WriteFile(Work("over.txt"), "old\n");
  ASSERT_EQ(agent_.Cli({"cp", "box:/tmp/in.txt", Work("over.txt")}).exit_code, 0);
  EXPECT_EQ(ReadFile(Work("over.txt")), "hello\n");
  ::mkdir(Work("contents").c_str(), 0755);
  ASSERT_EQ(agent_.Cli({"cp", "box:/tmp/copied/.", Work("contents")}).exit_code, 0);
  EXPECT_EQ(ReadFile(Work("contents/a.txt")), "a\n");
  EXPECT_EQ(ReadFile(Work("contents/sub/b.txt")), "b\n");

  // Tar streams: out on stdout, in on stdin.
  ASSERT_EQ(Shell("$BOXCAR cp box:/etc/passwd - > " + Work("passwd.tar")), 0);
  ASSERT_EQ(Shell("mkdir -p " + Work("untarred") + " && tar -xf " + Work("passwd.tar") + " -C " +
                  Work("untarred")),
            0);
  EXPECT_NE(ReadFile(Work("untarred/passwd")).find("root:"), std::string::npos);
  ASSERT_EQ(Shell("tar -C " + Work("tree") + " -cf - a.txt | $BOXCAR cp - box:/root"), 0)
      << ReadFile(Work("shell.log"));
  EXPECT_EQ(CatInside("box", "/root/a.txt"), "a\n");

  // Stopped: through its root filesystem, kept for its next start.
  ASSERT_EQ(agent_.Cli({"stop", "-t", "1", "box"}).exit_code, 0);
  CommandResult stopped = agent_.Cli({"cp", Work("in.txt"), "box:/root/stopped.txt"});
  ASSERT_EQ(stopped.exit_code, 0) << stopped.err;
  ASSERT_EQ(agent_.Cli({"cp", "box:/tmp/in.txt", Work("from-stopped.txt")}).exit_code, 0);
  EXPECT_EQ(ReadFile(Work("from-stopped.txt")), "hello\n");
  // Its volume too, both ways, as Docker's cp sees it.
  CommandResult volume_out = agent_.Cli({"cp", "box:/data/in.txt", Work("from-volume.txt")});
  ASSERT_EQ(volume_out.exit_code, 0) << volume_out.err;
  EXPECT_EQ(ReadFile(Work("from-volume.txt")), "hello\n");
  WriteFile(Work("into-volume.txt"), "while stopped\n");
  CommandResult volume_in = agent_.Cli({"cp", Work("into-volume.txt"), "box:/data/"});
  ASSERT_EQ(volume_in.exit_code, 0) << volume_in.err;
  EXPECT_EQ(agent_.LeftoverMounts(), "") << "the snapshot mounted for the copy is unmounted";
  ASSERT_EQ(agent_.Cli({"start", "box"}).exit_code, 0);
  EXPECT_EQ(CatInside("box", "/root/stopped.txt"), "hello\n");
  EXPECT_EQ(CatInside("box", "/data/into-volume.txt"), "while stopped\n") << "in the volume";
  EXPECT_EQ(RunRm({"-v", "cpdata:/data"}, {"cat", "/data/into-volume.txt"}).out, "while stopped\n")
      << "in the volume, not in box's layer below it";
}

// The whole root of a running container as a tar (Docker's `cp c:/ -`, its `export`): its
// files and volumes, with /proc and /sys as empty directories — the walk went into /proc and
// failed at /proc/self (a pid of another namespace) after half a tar.
TEST_P(ContainerFilesTest, CpOfTheRootLeavesTheKernelsFilesystemsOut) {
  RunDetached({"--name", "whole", "-v", "wholedata:/data"},
              {"sh", "-c", "echo mine > /mine.txt; echo kept > /data/v.txt; sleep 1000"});
  ASSERT_FALSE(HasFatalFailure());
  for (int i = 0; i < 50 && CatInside("whole", "/data/v.txt") != "kept\n"; ++i) ::usleep(50000);
  ASSERT_EQ(Shell("$BOXCAR cp whole:/ - > " + Work("root.tar")), 0) << ReadFile(Work("shell.log"));
  ASSERT_EQ(Shell("tar -tf " + Work("root.tar") + " > " + Work("root.list")), 0);
  const std::string list = ReadFile(Work("root.list"));
  EXPECT_NE(list.find("./mine.txt\n"), std::string::npos) << list;
  EXPECT_NE(list.find("./data/v.txt\n"), std::string::npos) << "the volume, as the payload sees it";
  EXPECT_NE(list.find("./bin/sh\n"), std::string::npos);
  EXPECT_NE(list.find("./proc/\n"), std::string::npos) << list;
  EXPECT_EQ(list.find("./proc/1"), std::string::npos) << "the processes are no files";
  EXPECT_EQ(list.find("./sys/kernel"), std::string::npos);
  EXPECT_EQ(list.find("./dev/pts/ptmx"), std::string::npos);
}

TEST_P(ContainerFilesTest, CpRefusesHostileArchivesAndNeverLeavesTheContainer) {
  RunDetached({"--name", "box"}, {"sh", "-c", "ln -s /../../../../.. /tmp/up; sleep 1000"});
  ASSERT_FALSE(HasFatalFailure());
  // A marker on the host that a container symlink must not reach.
  WriteFile(Work("host-secret"), "secret\n");
  std::this_thread::sleep_for(std::chrono::milliseconds(200));  // the payload makes its link
  CommandResult escape = agent_.Cli({"cp", "box:/tmp/up" + Work("host-secret"), Work("got")});
  EXPECT_NE(escape.exit_code, 0);
  EXPECT_NE(escape.err.find("No such file"), std::string::npos) << escape.err;
  EXPECT_NE(::access(Work("got").c_str(), F_OK), 0);
  // Into the same link: lands inside the container (or fails), never in the host's directory.
  WriteFile(Work("payload.txt"), "payload\n");
  ::mkdir(Work("victim").c_str(), 0755);
  (void)agent_.Cli({"cp", Work("payload.txt"), "box:/tmp/up" + Work("victim") + "/"});
  EXPECT_NE(::access(Work("victim/payload.txt").c_str(), F_OK), 0);

  struct Case {
    std::string what;
    std::vector<TarMember> members;
    std::string refused_member;
  } cases[] = {
      {"a symlink, then a file through it",
       {{TarMember::kSymlink, "evil", "/"}, {TarMember::kFile, "evil" + Work("owned"), "x"}},
       "evil" + Work("owned")},
      {"dot-dot", {{TarMember::kFile, "../../../../../../.." + Work("owned"), "x"}}, ".."},
      {"absolute", {{TarMember::kFile, Work("owned"), "x"}}, Work("owned")},
      {"a device", {{TarMember::kBlockDevice, "sda", ""}}, "sda"},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.what);
    WriteTarball(Work("hostile.tar"), c.members);
    grpc::Status status = CopyTo("box", "/tmp", Work("hostile.tar"));
    EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT) << status.error_message();
    EXPECT_NE(status.error_message().find("member '"), std::string::npos) << status.error_message();
    EXPECT_NE(status.error_message().find(c.refused_member), std::string::npos)
        << status.error_message();
    EXPECT_NE(::access(Work("owned").c_str(), F_OK), 0) << "nothing written on the host";
  }
  EXPECT_EQ(agent_.Cli({"exec", "box", "test", "-e", "/tmp/evil" + Work("owned")}).exit_code, 1)
      << "nothing written through the archive's symlink inside the container either";
  EXPECT_EQ(agent_.Cli({"exec", "box", "test", "-L", "/tmp/evil"}).exit_code, 1)
      << "a refused stream changes nothing: its members before the refused one are not there";

  // Bad requests name their field.
  grpc::ClientContext context;
  v1::StatPathRequest relative;
  relative.set_container("box");
  relative.set_path("etc/passwd");
  v1::PathStat stat;
  grpc::Status bad = agent_.containers().StatPath(&context, relative, &stat);
  EXPECT_EQ(bad.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_EQ(bad.error_message().rfind("path:", 0), 0u) << bad.error_message();
  grpc::Status missing_dir = CopyTo("box", "/no/such/dir", Work("hostile.tar"));
  EXPECT_EQ(missing_dir.error_code(), grpc::StatusCode::FAILED_PRECONDITION);
  EXPECT_NE(missing_dir.error_message().find("header.path"), std::string::npos);
  grpc::Status unknown = CopyTo("nosuch", "/tmp", Work("hostile.tar"));
  EXPECT_EQ(unknown.error_code(), grpc::StatusCode::NOT_FOUND) << unknown.error_message();
  EXPECT_EQ(unknown.error_message().rfind("header.container: no container 'nosuch'", 0), 0u)
      << unknown.error_message();

  // A last ".." (of the root: the snapshot directory above a stopped container's rootfs, on
  // the host) is refused, running or stopped; ".." inside a path stays inside the container.
  CommandResult stopped = agent_.Cli({"create", "--name", "still", "busybox", "true"});
  ASSERT_EQ(stopped.exit_code, 0) << stopped.err;
  for (const std::string container : {"box", "still"}) {
    for (const char* path : {"/..", "/etc/../..", "/../"}) {
      grpc::ClientContext stat_context;
      v1::StatPathRequest up;
      up.set_container(container);
      up.set_path(path);
      grpc::Status refused = agent_.containers().StatPath(&stat_context, up, &stat);
      EXPECT_EQ(refused.error_code(), grpc::StatusCode::INVALID_ARGUMENT) << container << path;
      EXPECT_NE(refused.error_message().find("ends in '..'"), std::string::npos)
          << refused.error_message();
    }
    CommandResult copied = agent_.Cli({"cp", container + ":/..", Work("up-" + container)});
    EXPECT_NE(copied.exit_code, 0) << container;
    EXPECT_NE(::access(Work("up-" + container).c_str(), F_OK), 0) << container;
    EXPECT_EQ(
        agent_.Cli({"cp", container + ":/etc/../etc/passwd", Work("host-" + container)}).exit_code,
        0);
  }
}

TEST_P(ContainerFilesTest, DiffListsAddedChangedAndDeletedPaths) {
  CommandResult made = agent_.Cli(
      {"run", "--name", "changed", "busybox", "sh", "-c",
       "mkdir /newdir && echo x > /newdir/file && echo y >> /etc/passwd && rm /etc/group"});
  ASSERT_EQ(made.exit_code, 0) << made.err;
  CommandResult diff = agent_.Cli({"diff", "changed"});
  ASSERT_EQ(diff.exit_code, 0) << diff.err;
  for (const char* line : {"C /etc\n", "C /etc/passwd\n", "D /etc/group\n", "A /newdir\n",
                           "A /newdir/file\n"}) {
    EXPECT_NE(diff.out.find(line), std::string::npos) << line << " in:\n" << diff.out;
  }
  EXPECT_LT(diff.out.find("C /etc\n"), diff.out.find("A /newdir\n")) << "sorted by path";
  CommandResult json = agent_.Cli({"diff", "--json", "changed"});
  EXPECT_NE(json.out.find(R"({"kind":"PATH_CHANGE_KIND_DELETED","path":"/etc/group"})"),
            std::string::npos)
      << json.out;
  CommandResult unknown = agent_.Cli({"diff", "nosuch"});
  EXPECT_EQ(unknown.exit_code, 1);
  EXPECT_NE(unknown.err.find("container"), std::string::npos) << unknown.err;
}

TEST_P(ContainerFilesTest, TopShowsTheContainersProcessesOnly) {
  std::string id = RunDetached({"--name", "busy"}, {"sh", "-c", "sleep 1001 & sleep 1002"});
  ASSERT_FALSE(HasFatalFailure());
  std::this_thread::sleep_for(std::chrono::milliseconds(200));
  CommandResult top = agent_.Cli({"top", "busy"});
  ASSERT_EQ(top.exit_code, 0) << top.err;
  EXPECT_EQ(top.out.rfind("UID", 0), 0u) << top.out;
  for (const char* column : {"PID", "PPID", "STIME", "TTY", "TIME", "CMD"})
    EXPECT_NE(top.out.find(column), std::string::npos) << column;
  EXPECT_NE(top.out.find("sleep 1001"), std::string::npos) << top.out;
  EXPECT_NE(top.out.find("sleep 1002"), std::string::npos) << top.out;
  EXPECT_EQ(top.out.find("boxcar"), std::string::npos) << "no shim or helper:\n" << top.out;
  CommandResult json = agent_.Cli({"top", "--json", "busy"});
  EXPECT_NE(json.out.find(std::to_string(Inspect(id).pid())), std::string::npos) << json.out;
  ASSERT_EQ(agent_.Cli({"kill", "busy"}).exit_code, 0);
  EXPECT_EQ(agent_.Cli({"wait", "busy"}).out, "137\n") << "killed: 128 + SIGKILL";
  CommandResult stopped = agent_.Cli({"top", "busy"});
  EXPECT_EQ(stopped.exit_code, 1);
  EXPECT_NE(stopped.err.find("not running"), std::string::npos) << stopped.err;
}

TEST_P(ContainerFilesTest, StatsStreamsUntilInterruptedOrPrintsOnce) {
  if (!Has("limits")) GTEST_SKIP() << GetParam() << " has no cgroup stats";
  RunDetached({"--name", "st"}, {"sleep", "1000"});
  ASSERT_FALSE(HasFatalFailure());
  CommandResult once = agent_.Cli({"stats", "--no-stream", "st"});
  ASSERT_EQ(once.exit_code, 0) << once.err;
  EXPECT_NE(once.out.find("CPU %"), std::string::npos) << once.out;
  CommandResult all = agent_.Cli({"stats", "--no-stream"});
  EXPECT_NE(all.out.find(Inspect("st").id().substr(0, 12)), std::string::npos)
      << "no name: every running container";
  // Streaming: killed after 2.6 s, it has drawn the table at least twice.
  EXPECT_EQ(Shell("timeout 2.6 $BOXCAR stats st > " + Work("stream.txt") + "; test $? = 124"), 0);
  std::string stream = ReadFile(Work("stream.txt"));
  size_t headers = 0;
  for (size_t at = stream.find("CONTAINER ID"); at != std::string::npos;
       at = stream.find("CONTAINER ID", at + 1))
    ++headers;
  EXPECT_GE(headers, 2u) << stream;
}

INSTANTIATE_TEST_SUITE_P(Backends, ContainerFilesTest, ::testing::Values("chroot", "lxc", "libvirt"),
                         [](const auto& info) { return info.param; });

}  // namespace
}  // namespace boxcar::testing
