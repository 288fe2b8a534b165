// End-to-end behaviour of boxcard + boxcar-shim + the boxcar CLI on the chroot backend, as
// root, with real namespaces, cgroups and overlayfs.
#include <dirent.h>
#include <gtest/gtest.h>
#include <signal.h>
#include <unistd.h>

#include <chrono>
#include <cstring>
#include <fstream>
#include <thread>

#include "agent_harness.h"
#include "common/atomic_file.h"
#include "common/directory_tree.h"
#include "common/sha256.h"

namespace boxcar::testing {
namespace {

class AgentTest : public ::testing::Test {
 protected:
  void SetUp() override {
    agent_.Start();
    ASSERT_FALSE(HasFatalFailure());
    image_id_ = agent_.ImportBusybox();
    ASSERT_FALSE(image_id_.empty());
  }

  void TearDown() override {
    agent_.RemoveAllContainers();
    EXPECT_EQ(agent_.LeftoverMounts(), "");
    EXPECT_EQ(agent_.LeftoverCgroups(), "");
    agent_.Stop();
    EXPECT_EQ(agent_.LeftoverShims(), "");
    EXPECT_EQ(agent_.LeftoverCgroups(), "")
        << "a stopped agent leaves no cgroup, not even its parent";
  }

  // `boxcar run --rm busybox ARGS...` (plus flags before the image).
  CommandResult Run(std::vector<std::string> flags, std::vector<std::string> command) {
    std::vector<std::string> args = {"run", "--rm"};
    args.insert(args.end(), flags.begin(), flags.end());
    args.push_back("busybox");
    args.insert(args.end(), command.begin(), command.end());
    return agent_.Cli(args);
  }

  std::string RunDetached(std::vector<std::string> flags, std::vector<std::string> command) {
    std::vector<std::string> args = {"run", "-d"};
    args.insert(args.end(), flags.begin(), flags.end());
    args.push_back("busybox");
    args.insert(args.end(), command.begin(), command.end());
    CommandResult result = agent_.Cli(args);
    EXPECT_EQ(result.exit_code, 0) << result.err;
    std::string id = result.out.substr(0, result.out.find('\n'));
    EXPECT_EQ(id.size(), 64u) << result.out;
    return id;
  }

  v1::Container Inspect(const std::string& container) {
    grpc::ClientContext context;
    v1::InspectContainerRequest request;
    request.set_container(container);
    v1::Container response;
    grpc::Status status = agent_.containers().Inspect(&context, request, &response);
    EXPECT_TRUE(status.ok()) << status.error_message();
    return response;
  }

  grpc::Status Create(const v1::ContainerSpec& spec, v1::Container* created = nullptr) {
    grpc::ClientContext context;
    v1::CreateContainerRequest request;
    *request.mutable_spec() = spec;
    v1::Container ignored;
    return agent_.containers().Create(&context, request, created ? created : &ignored);
  }

  AgentHarness agent_;
  std::string image_id_;
};

TEST_F(AgentTest, RunPrintsOutputAndReturnsTheExitCode) {
  CommandResult hello = Run({}, {"echo", "hello", "from", "boxcar"});
  EXPECT_EQ(hello.exit_code, 0) << hello.err;
  EXPECT_EQ(hello.out, "hello from boxcar\n");
  CommandResult failing = Run({}, {"sh", "-c", "echo to-stderr >&2; exit 7"});
  EXPECT_EQ(failing.exit_code, 7);
  EXPECT_EQ(failing.err, "to-stderr\n");
  CommandResult list = agent_.Cli({"ps", "-a", "--json"});
  EXPECT_EQ(list.out, "[]\n") << "--rm containers must be gone";
}

TEST_F(AgentTest, EnvWorkingDirAndUserReachThePayload) {
  CommandResult result = Run({"-e", "GREETING=hi there", "-w", "/work/dir", "-u", "nobody"},
                             {"sh", "-c", "echo \"$GREETING\"; pwd; id -u; id -g"});
  EXPECT_EQ(result.exit_code, 0) << result.err;
  EXPECT_EQ(result.out, "hi there\n/work/dir\n65534\n65534\n");
  CommandResult listing = Run({"-u", "nobody"}, {"ls", "/bin/sh"});
  EXPECT_EQ(listing.exit_code, 0) << "a non-root payload must be able to read the rootfs: "
                                  << listing.err;
  CommandResult numeric = Run({"-u", "1234:4321"}, {"sh", "-c", "id -u; id -g"});
  EXPECT_EQ(numeric.out, "1234\n4321\n");
  CommandResult unknown = Run({"-u", "nosuchuser"}, {"true"});
  EXPECT_NE(unknown.exit_code, 0);
  EXPECT_NE(unknown.err.find("nosuchuser"), std::string::npos) << unknown.err;
}

TEST_F(AgentTest, PayloadIsPidOneWithItsOwnHostname) {
  CommandResult result =
      Run({"--hostname", "boxy"}, {"sh", "-c", "echo $$; hostname; ps -o pid= | wc -l"});
  EXPECT_EQ(result.exit_code, 0) << result.err;
  std::istringstream lines(result.out);
  std::string pid, hostname;
  std::getline(lines, pid);
  std::getline(lines, hostname);
  EXPECT_EQ(pid, "1");
  EXPECT_EQ(hostname, "boxy");
  char host_hostname[256] = {};
  ::gethostname(host_hostname, sizeof host_hostname - 1);
  EXPECT_NE(std::string(host_hostname), "boxy") << "the host's hostname must not change";
}

TEST_F(AgentTest, NoHostMountIsVisibleInside) {
  CommandResult result = Run({}, {"cat", "/proc/self/mountinfo"});
  ASSERT_EQ(result.exit_code, 0) << result.err;
  std::istringstream lines(result.out);
  int mounts = 0;
  for (std::string line; std::getline(lines, line);) {
    std::istringstream fields(line);
    std::string field;
    for (int i = 0; i < 5; ++i) fields >> field;
    ++mounts;
    // The rootfs, /proc, /sys, /dev and what masks or narrows them (/proc/sys read-only, ...).
    bool expected = field == "/" || field == "/proc" || field == "/sys" || field == "/dev" ||
                    field.rfind("/dev/", 0) == 0 || field.rfind("/proc/", 0) == 0 ||
                    field.rfind("/sys/", 0) == 0;
    EXPECT_TRUE(expected) << "unexpected mount point inside: " << line;
  }
  EXPECT_GE(mounts, 4);
  CommandResult sys = Run({}, {"touch", "/sys/kernel/boxcar-test"});
  EXPECT_NE(sys.exit_code, 0) << "/sys must be read-only";
  CommandResult devices = Run({}, {"sh", "-c", "ls /dev | sort | tr '\\n' ' '"});
  EXPECT_EQ(devices.out, "fd full null ptmx pts random shm stderr stdin stdout tty urandom zero ");
}

TEST_F(AgentTest, LoopbackIsTheOnlyInterface) {
  CommandResult result = Run(
      {}, {"sh", "-c",
           "ls /sys/class/net | tr '\\n' ' '; ping -c1 -W1 127.0.0.1 >/dev/null && echo ping-ok"});
  EXPECT_EQ(result.out, "lo ping-ok\n") << result.err;
}

TEST_F(AgentTest, MemoryLimitOomKillsThePayload) {
  std::string id = RunDetached({"-m", "16m"}, {"sh", "-c", "sleep 0.5; tail /dev/zero"});
  std::string limit_file = agent_.CgroupFile(id, "memory", "memory.limit_in_bytes", "memory.max");
  auto limit = ReadFileToString(limit_file);
  ASSERT_TRUE(limit.ok()) << limit_file;
  EXPECT_EQ(*limit, "16777216\n");
  CommandResult wait = agent_.Cli({"wait", id});
  v1::Container exited = Inspect(id);
  EXPECT_TRUE(exited.oom_killed());
  // tail is a child of PID 1 (sh): sh reports the kill as 128 + 9.
  EXPECT_EQ(wait.out, "137\n");
}

TEST_F(AgentTest, PidsLimitIsEnforced) {
  CommandResult result =
      Run({"--pids-limit", "5"}, {"sh", "-c", "for i in 1 2 3 4 5 6 7 8; do sleep 1 & done; wait"});
  EXPECT_NE(result.err.find("can't fork"), std::string::npos) << result.err;
  CommandResult unlimited = Run({}, {"sh", "-c", "for i in 1 2 3 4 5 6 7 8; do true & done; wait"});
  EXPECT_EQ(unlimited.err, "");
}

TEST_F(AgentTest, CpuLimitIsWrittenToTheCgroup) {
  std::string id = RunDetached({"--cpus", "0.5"}, {"sleep", "30"});
  auto quota = ReadFileToString(agent_.CgroupFile(id, "cpu", "cpu.cfs_quota_us", "cpu.max"));
  ASSERT_TRUE(quota.ok());
  EXPECT_TRUE(*quota == "50000\n" || *quota == "50000 100000\n") << *quota;
}

TEST_F(AgentTest, StopSendsTermThenKill) {
  // sleep as PID 1 has no TERM handler, so only SIGKILL ends it.
  std::string stubborn = RunDetached({}, {"sleep", "100"});
  auto begin = std::chrono::steady_clock::now();
  CommandResult stop = agent_.Cli({"stop", "-t", "1", stubborn});
  auto took = std::chrono::steady_clock::now() - begin;
  EXPECT_EQ(stop.exit_code, 0) << stop.err;
  EXPECT_GE(took, std::chrono::milliseconds(900));
  v1::Container killed = Inspect(stubborn);
  EXPECT_EQ(killed.state(), v1::CONTAINER_STATE_EXITED);
  EXPECT_EQ(killed.exit_code(), 137);
  EXPECT_EQ(killed.exit_signal(), SIGKILL);

  std::string polite =
      RunDetached({}, {"sh", "-c", "trap 'exit 42' TERM; while true; do sleep 0.05; done"});
  std::this_thread::sleep_for(std::chrono::milliseconds(200));
  CommandResult kill = agent_.Cli({"kill", "-s", "TERM", polite});
  EXPECT_EQ(kill.exit_code, 0) << kill.err;
  CommandResult wait = agent_.Cli({"wait", polite});
  EXPECT_EQ(wait.out, "42\n");
  EXPECT_EQ(wait.exit_code, 42);
  CommandResult kill_exited = agent_.Cli({"kill", polite});
  EXPECT_EQ(kill_exited.exit_code, 1);
  EXPECT_NE(kill_exited.err.find("not running"), std::string::npos) << kill_exited.err;
}

TEST_F(AgentTest, LogsCaptureAndFollow) {
  std::string id =
      RunDetached({"--name", "talker"},
                  {"sh", "-c", "echo one; sleep 0.3; echo two >&2; sleep 0.2; echo three"});
  CommandResult follow = agent_.Cli({"logs", "-f", "talker"});
  EXPECT_EQ(follow.out, "one\nthree\n");
  EXPECT_EQ(follow.err, "two\n");
  CommandResult again = agent_.Cli({"logs", id.substr(0, 8)});
  EXPECT_EQ(again.out, "one\nthree\n");
}

TEST_F(AgentTest, RemoveRefusesRunningContainersUnlessForced) {
  std::string id = RunDetached({}, {"sleep", "100"});
  CommandResult refused = agent_.Cli({"rm", id});
  EXPECT_EQ(refused.exit_code, 1);
  EXPECT_NE(refused.err.find("is running"), std::string::npos) << refused.err;
  EXPECT_EQ(Inspect(id).state(), v1::CONTAINER_STATE_RUNNING);
  CommandResult forced = agent_.Cli({"rm", "-f", id});
  EXPECT_EQ(forced.exit_code, 0) << forced.err;
  CommandResult gone = agent_.Cli({"inspect", id});
  EXPECT_EQ(gone.exit_code, 1);
  EXPECT_NE(gone.err.find("no container"), std::string::npos);
}

TEST_F(AgentTest, ExitedContainerCanBeStartedAgain) {
  CommandResult created = agent_.Cli(
      {"create", "--name", "again", "busybox", "sh", "-c", "echo run >> /count; wc -l < /count"});
  ASSERT_EQ(created.exit_code, 0) << created.err;
  for (int i = 0; i < 2; ++i) {
    ASSERT_EQ(agent_.Cli({"start", "again"}).exit_code, 0);
    EXPECT_EQ(agent_.Cli({"wait", "again"}).exit_code, 0);
  }
  // The upper layer persists across runs of the same container.
  EXPECT_EQ(agent_.Cli({"logs", "again"}).out, "1\n2\n");
}

TEST_F(AgentTest, ContainersSurviveKillNineOfTheAgent) {
  std::string long_running = RunDetached({}, {"sh", "-c", "sleep 2; exit 5"});
  std::string short_lived = RunDetached({}, {"sh", "-c", "sleep 0.3; exit 9"});
  pid_t payload = Inspect(long_running).pid();
  agent_.Stop(/*kill9=*/true);
  EXPECT_EQ(::kill(payload, 0), 0) << "the payload must outlive the agent";
  std::this_thread::sleep_for(std::chrono::milliseconds(600));
  agent_.Start();
  ASSERT_FALSE(HasFatalFailure());
  v1::Container still_running = Inspect(long_running);
  EXPECT_EQ(still_running.state(), v1::CONTAINER_STATE_RUNNING);
  EXPECT_EQ(still_running.pid(), payload);
  v1::Container exited_meanwhile = Inspect(short_lived);
  EXPECT_EQ(exited_meanwhile.state(), v1::CONTAINER_STATE_EXITED);
  EXPECT_EQ(exited_meanwhile.exit_code(), 9);
  CommandResult wait = agent_.Cli({"wait", long_running});
  EXPECT_EQ(wait.exit_code, 5) << wait.err;
}

TEST_F(AgentTest, RlimitsReachThePayload) {
  CommandResult result = Run({"--ulimit", "nofile=100:200"}, {"sh", "-c", "ulimit -n; ulimit -Hn"});
  EXPECT_EQ(result.exit_code, 0) << result.err;
  EXPECT_EQ(result.out, "100\n200\n");
  CommandResult unknown = Run({"--ulimit", "bogus=1"}, {"true"});
  EXPECT_EQ(unknown.exit_code, 125);
  EXPECT_NE(unknown.err.find("spec.rlimits"), std::string::npos) << unknown.err;
}

TEST(AgentConfigTest, ConfigFileSettingsApply) {
  AgentHarness agent;
  std::string config = agent.work_dir() + "/boxcard.conf";
  std::ofstream(config) << "# a boxcard config file\nmax-layer-bytes = 100000\nprewarm = 0\n";
  agent.Start({"--config", config});
  ASSERT_FALSE(::testing::Test::HasFatalFailure());
  v1::ImportResponse response;
  grpc::Status status = agent.ImportTarball(BOXCAR_BUSYBOX_TAR, "busybox:latest", &response);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::RESOURCE_EXHAUSTED) << status.error_message();
  EXPECT_NE(status.error_message().find("100000"), std::string::npos) << status.error_message();
  agent.Stop();
  EXPECT_EQ(agent.LeftoverCgroups(), "");
}

TEST_F(AgentTest, HardeningRefusesPrivilegedOperations) {
  CommandResult status =
      Run({}, {"grep", "-E", "^(CapBnd|NoNewPrivs|Seccomp):", "/proc/self/status"});
  EXPECT_EQ(status.out, "CapBnd:\t00000000a00425fb\nNoNewPrivs:\t1\nSeccomp:\t2\n") << status.err;
  char host_hostname[256] = {};
  ::gethostname(host_hostname, sizeof host_hostname - 1);
  struct Attempt {
    std::string what;
    std::string script;
    std::string error;
  } attempts[] = {
      {"mount", "mount -t tmpfs none /mnt", "denied"},
      {"load a module", "insmod /bin/busybox", "Operation not permitted"},
      {"write /proc/sys", "echo boxcar > /proc/sys/kernel/domainname", "Read-only file system"},
      {"make a block device", "mknod /tmp/sda b 8 0", "Operation not permitted"},
      {"set the hostname", "hostname evil", "Operation not permitted"},
      {"make a user namespace", "unshare -U true", "Operation not permitted"},
      {"write /sys", "echo 1 > /sys/kernel/boxcar", "Read-only file system"},
  };
  for (const auto& attempt : attempts) {
    CommandResult result = Run({}, {"sh", "-c", attempt.script});
    EXPECT_NE(result.exit_code, 0) << attempt.what << " must be refused";
    EXPECT_NE(result.err.find(attempt.error), std::string::npos)
        << attempt.what << ": " << result.err;
  }
  char after[256] = {};
  ::gethostname(after, sizeof after - 1);
  EXPECT_STREQ(after, host_hostname);
  CommandResult ordinary =
      Run({}, {"sh", "-c", "chown 1:1 /tmp && ping -c1 -W1 127.0.0.1 >/dev/null && echo ok"});
  EXPECT_EQ(ordinary.out, "ok\n") << "the kept capabilities still work: " << ordinary.err;
}

TEST_F(AgentTest, CommandNotFoundExits127) {
  CommandResult result = Run({}, {"/no/such/binary"});
  EXPECT_EQ(result.exit_code, 127);
  EXPECT_NE(result.err.find("/no/such/binary"), std::string::npos) << result.err;
}

TEST_F(AgentTest, BadRequestsNameTheFieldAndChangeNothing) {
  v1::ContainerSpec spec;
  spec.set_image("busybox");
  spec.add_command("true");
  spec.set_name("taken");
  ASSERT_TRUE(Create(spec).ok());

  struct Case {
    std::string what;
    std::function<void(v1::ContainerSpec&)> change;
    grpc::StatusCode code;
    std::string field;
  } cases[] = {
      {"duplicate name", [](auto&) {}, grpc::StatusCode::ALREADY_EXISTS, "spec.name"},
      {"invalid name", [](auto& s) { s.set_name("-bad/name"); }, grpc::StatusCode::INVALID_ARGUMENT,
       "spec.name"},
      {"unknown image",
       [](auto& s) {
         s.set_name("x1");
         s.set_image("nosuch:image");
       },
       grpc::StatusCode::NOT_FOUND, "spec.image"},
      {"tiny memory",
       [](auto& s) {
         s.set_name("x2");
         s.mutable_limits()->set_memory_bytes(1000);
       },
       grpc::StatusCode::INVALID_ARGUMENT, "spec.limits.memory_bytes"},
      {"huge cpu",
       [](auto& s) {
         s.set_name("x3");
         s.mutable_limits()->set_cpu_millis(1000000);
       },
       grpc::StatusCode::INVALID_ARGUMENT, "spec.limits.cpu_millis"},
      {"relative workdir",
       [](auto& s) {
         s.set_name("x4");
         s.set_working_dir("rel");
       },
       grpc::StatusCode::INVALID_ARGUMENT, "spec.working_dir"},
      {"bad env",
       [](auto& s) {
         s.set_name("x5");
         s.add_env("NOEQUALS");
       },
       grpc::StatusCode::INVALID_ARGUMENT, "spec.env"},
      {"unknown backend",
       [](auto& s) {
         s.set_name("x6");
         s.set_backend("nosuch");
       },
       grpc::StatusCode::INVALID_ARGUMENT, "spec.backend"},
  };
  for (const auto& c : cases) {
    v1::ContainerSpec bad = spec;
    c.change(bad);
    grpc::Status status = Create(bad);
    EXPECT_EQ(status.error_code(), c.code) << c.what << ": " << status.error_message();
    EXPECT_NE(status.error_message().find(c.field), std::string::npos)
        << c.what << ": " << status.error_message();
  }
  CommandResult list = agent_.Cli({"ps", "-a", "-q"});
  EXPECT_EQ(list.out, Inspect("taken").id().substr(0, 12) + "\n")
      << "only the first container exists";

  grpc::ClientContext context;
  v1::StartContainerRequest start;
  start.set_container("nosuchcontainer");
  v1::Container ignored;
  grpc::Status unknown = agent_.containers().Start(&context, start, &ignored);
  EXPECT_EQ(unknown.error_code(), grpc::StatusCode::NOT_FOUND);
  EXPECT_NE(unknown.error_message().find("container"), std::string::npos);
}

TEST_F(AgentTest, HostileTarballsAreRefusedAndLeaveNothing) {
  auto snapshot_store = [&] {
    std::string listing;
    for (const char* dir : {"/layers", "/tmp", "/blobs/sha256"}) {
      std::string path = agent_.root_dir() + dir;
      DIR* handle = ::opendir(path.c_str());
      while (dirent* entry = handle ? ::readdir(handle) : nullptr)
        listing += std::string(dir) + "/" + entry->d_name + ";";
      if (handle) ::closedir(handle);
    }
    return listing;
  };
  std::string before = snapshot_store();
  struct Case {
    std::string name;
    std::vector<TarMember> members;
    std::string member_in_error;
  } cases[] = {
      {"dotdot", {{TarMember::kFile, "ok", "x"}, {TarMember::kFile, "../evil", "x"}}, "../evil"},
      {"absolute", {{TarMember::kFile, "/etc/evil", "x"}}, "/etc/evil"},
      {"escaping symlink", {{TarMember::kSymlink, "bin/up", "../../../.."}}, "bin/up"},
      {"symlink parent",
       {{TarMember::kSymlink, "link", "/tmp"}, {TarMember::kFile, "link/pwned", "x"}},
       "link/pwned"},
      {"hardlink escape", {{TarMember::kHardlink, "hl", "../../etc/passwd"}}, "hl"},
  };
  for (const auto& c : cases) {
    std::string path = agent_.work_dir() + "/" + c.name + ".tar";
    WriteTarball(path, c.members);
    grpc::Status status = agent_.ImportTarball(path, "hostile:latest");
    EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT)
        << c.name << ": " << status.error_message();
    EXPECT_NE(status.error_message().find(c.member_in_error), std::string::npos)
        << c.name << ": " << status.error_message();
  }
  EXPECT_NE(::access("/tmp/pwned", F_OK), 0);
  EXPECT_EQ(snapshot_store(), before) << "a refused import must leave no blob, layer or temp file";
  CommandResult images = agent_.Cli({"image", "ls", "-q"});
  EXPECT_EQ(images.out, image_id_ + "\n");

  std::string devices = agent_.work_dir() + "/devices.tar";
  WriteTarball(devices, {{TarMember::kDirectory, "dev", ""},
                         {TarMember::kBlockDevice, "dev/sda", ""},
                         {TarMember::kFile, "bin/sh", "x"}});
  EXPECT_TRUE(agent_.ImportTarball(devices, "devices:latest").ok())
      << "device nodes are dropped, not fatal";
  EXPECT_EQ(agent_.Cli({"image", "rm", "devices"}).exit_code, 0);
}

// kill -9 of the agent in the middle of an import, at several points: after a restart no
// partial blob, layer or image is visible, nothing is left in tmp/, and the import succeeds.
TEST(AgentCrashTest, KillNineDuringImportLeavesNothingAndTheImportThenSucceeds) {
  AgentHarness agent;
  // ~48 MiB of incompressible files: the import takes long enough to be killed midway.
  std::vector<TarMember> members;
  std::string chunk(1 << 20, '\0');
  for (int i = 0; i < 48; ++i) {
    for (size_t j = 0; j < chunk.size(); j += 8) {
      uint64_t value = (static_cast<uint64_t>(i) << 32 | j) * 0x9E3779B97F4A7C15ull;
      std::memcpy(&chunk[j], &value, 8);
    }
    members.push_back({TarMember::kFile, "data/f" + std::to_string(i), chunk});
  }
  members.push_back({TarMember::kFile, "bin/sh", "#!"});
  std::string big_tar = agent.work_dir() + "/big.tar";
  WriteTarball(big_tar, members);

  for (int delay_ms : {20, 150, 400}) {
    agent.Start();
    ASSERT_FALSE(::testing::Test::HasFatalFailure());
    std::thread importer([&] { (void)agent.ImportTarball(big_tar, "big:latest"); });
    std::this_thread::sleep_for(std::chrono::milliseconds(delay_ms));
    pid_t victim = agent.agent_pid();
    ::kill(victim, SIGKILL);
    importer.join();
    agent.Stop(/*kill9=*/true);
    agent.Start();
    ASSERT_FALSE(::testing::Test::HasFatalFailure());
    CommandResult images = agent.Cli({"image", "ls", "-q"});
    std::string root = agent.root_dir();
    auto count = [](const std::string& dir) { return ListDirectoryNames(dir).size(); };
    if (delay_ms == 20) {
      EXPECT_EQ(images.out, "")
          << "48 MiB cannot be imported in 20 ms: the first kill must land mid-import";
    }
    if (images.out.empty()) {
      EXPECT_EQ(count(root + "/blobs/sha256"), 0u) << "killed after " << delay_ms << " ms";
      EXPECT_EQ(count(root + "/layers"), 0u) << "killed after " << delay_ms << " ms";
    } else {
      // The kill came after the commit: then the image is whole.
      EXPECT_EQ(count(root + "/layers"), 1u);
      EXPECT_EQ(agent.Cli({"image", "rm", "big"}).exit_code, 0);
    }
    EXPECT_EQ(count(root + "/tmp"), 0u) << "killed after " << delay_ms << " ms";
    agent.Stop();
  }
  agent.Start();
  ASSERT_FALSE(::testing::Test::HasFatalFailure());
  v1::ImportResponse imported;
  grpc::Status status = agent.ImportTarball(big_tar, "big:latest", &imported);
  ASSERT_TRUE(status.ok()) << status.error_message();
  auto layers = ListDirectoryNames(agent.root_dir() + "/layers");
  ASSERT_EQ(layers.size(), 1u);
  auto last_file = ReadFileToString(agent.root_dir() + "/layers/" + layers[0] + "/data/f47");
  ASSERT_TRUE(last_file.ok()) << last_file.status().message();
  EXPECT_EQ(last_file->size(), 1u << 20);
  agent.Stop();
  EXPECT_EQ(agent.LeftoverCgroups(), "");
  EXPECT_EQ(agent.LeftoverShims(), "");
}

TEST_F(AgentTest, ImportChecksTheGivenDigest) {
  CommandResult wrong = agent_.Cli({"image", "import", "-q", BOXCAR_BUSYBOX_TAR, "other:1",
                                    "--digest", "sha256:" + std::string(64, '0')});
  EXPECT_EQ(wrong.exit_code, 1);
  EXPECT_NE(wrong.err.find("header.expected_digest"), std::string::npos) << wrong.err;
  EXPECT_EQ(agent_.Cli({"image", "ls", "-q"}).out, image_id_ + "\n");
  auto content = ReadFileToString(BOXCAR_BUSYBOX_TAR);
  ASSERT_TRUE(content.ok());
  CommandResult right = agent_.Cli(
      {"image", "import", "-q", BOXCAR_BUSYBOX_TAR, "other:1", "--digest", Sha256Digest(*content)});
  EXPECT_EQ(right.exit_code, 0) << right.err;
}

// OCI layouts and docker-archives made by umoci and skopeo: layers, whiteouts and the image
// config reach the container.
TEST_F(AgentTest, ImportsOciLayoutAndDockerArchive) {
  std::string fixtures = agent_.work_dir() + "/archives";
  std::string make = std::string(BOXCAR_FIXTURES_DIR) + "/make-image-archives.sh " + fixtures +
                     " " + BOXCAR_BUSYBOX_TAR + " >" + agent_.work_dir() + "/fixtures.log 2>&1";
  ASSERT_EQ(std::system(make.c_str()), 0) << "see " << agent_.work_dir() << "/fixtures.log";

  CommandResult docker = agent_.Cli({"image", "import", "-q", fixtures + "/docker.tar"});
  ASSERT_EQ(docker.exit_code, 0) << docker.err;
  std::string docker_id = docker.out.substr(0, docker.out.find('\n'));
  CommandResult oci = agent_.Cli({"image", "import", "-q", fixtures + "/oci.tar", "oci/busybox:2"});
  ASSERT_EQ(oci.exit_code, 0) << oci.err;
  EXPECT_EQ(oci.out, docker.out) << "the same config gives the same image id";
  EXPECT_EQ(ListDirectoryNames(agent_.root_dir() + "/layers").size(), 4u)
      << "three layers shared by both imports, plus the bundled busybox layer";

  CommandResult inside = agent_.Cli({"run", "--rm", "localhost/busybox", "sh", "-c",
                                     "pwd; cat hello; echo $FROM_CONFIG; ls /etc | tr '\\n' ' '"});
  EXPECT_EQ(inside.exit_code, 0) << inside.err;
  EXPECT_EQ(inside.out, "/srv\nsecond-layer\nyes\nnsswitch.conf passwd ")
      << "working dir, second layer, config env, and the whiteout of /etc/group";
  CommandResult saved = agent_.Cli({"image", "import", "-q", fixtures + "/docker-save.tar"});
  EXPECT_EQ(saved.out, docker.out)
      << "docker save's shape (real <v1id>/layer.tar files): " << saved.err;
  EXPECT_EQ(agent_.Cli({"run", "--rm", "saved/busybox:1", "cat", "/srv/hello"}).out,
            "second-layer\n");
  CommandResult by_tag = agent_.Cli({"run", "--rm", "oci/busybox:2", "cat", "/srv/hello"});
  EXPECT_EQ(by_tag.out, "second-layer\n") << by_tag.err;
  CommandResult inspect = agent_.Cli({"image", "inspect", docker_id});
  EXPECT_NE(inspect.out.find("localhost/busybox:latest"), std::string::npos);
  EXPECT_NE(inspect.out.find("oci/busybox:2"), std::string::npos);
}

TEST_F(AgentTest, BrokenArchivesAreRefusedAndLeaveNothing) {
  std::string layer = agent_.work_dir() + "/layer.tar";
  WriteTarball(layer, {{TarMember::kFile, "bin/x", "x"}});
  auto layer_bytes = ReadFileToString(layer);
  ASSERT_TRUE(layer_bytes.ok());
  std::string right_diff_id = Sha256Digest(*layer_bytes);
  auto config = [](const std::string& diff_id) {
    return std::string(R"({"architecture":"amd64","os":"linux","config":{"Cmd":["sh"]},)") +
           R"("rootfs":{"type":"layers","diff_ids":[")" + diff_id + R"("]}})";
  };
  std::string manifest =
      R"([{"Config":"config.json","RepoTags":["bad:1"],"Layers":["layer.tar"]}])";
  auto listing = [&] {
    std::string all;
    for (const char* dir : {"/layers", "/tmp", "/blobs/sha256"}) {
      for (const auto& name : ListDirectoryNames(agent_.root_dir() + dir))
        all += std::string(dir) + "/" + name + ";";
    }
    return all;
  };
  std::string before = listing();
  struct Case {
    std::string name;
    std::vector<TarMember> members;
    std::string error;
  } cases[] = {
      {"diff id mismatch",
       {{TarMember::kFile, "manifest.json", manifest},
        {TarMember::kFile, "config.json", config("sha256:" + std::string(64, 'a'))},
        {TarMember::kFile, "layer.tar", *layer_bytes}},
       "the image config says"},
      {"missing layer",
       {{TarMember::kFile, "manifest.json", manifest},
        {TarMember::kFile, "config.json", config(right_diff_id)}},
       "missing member 'layer.tar'"},
      {"malformed manifest",
       {{TarMember::kFile, "manifest.json", "[{"}},
       "manifest.json: malformed JSON"},
  };
  for (const auto& c : cases) {
    std::string path = agent_.work_dir() + "/broken.tar";
    WriteTarball(path, c.members);
    CommandResult result = agent_.Cli({"image", "import", "-q", path});
    EXPECT_EQ(result.exit_code, 1) << c.name;
    EXPECT_NE(result.err.find(c.error), std::string::npos) << c.name << ": " << result.err;
    EXPECT_EQ(listing(), before) << c.name << ": a refused import must leave nothing";
  }
  // The same archive with the right diff id imports.
  std::string good = agent_.work_dir() + "/good.tar";
  WriteTarball(good, {{TarMember::kFile, "manifest.json", manifest},
                      {TarMember::kFile, "config.json", config(right_diff_id)},
                      {TarMember::kFile, "layer.tar", *layer_bytes}});
  CommandResult imported = agent_.Cli({"image", "import", "-q", good});
  EXPECT_EQ(imported.exit_code, 0) << imported.err;
  EXPECT_NE(agent_.Cli({"image", "ls"}).out.find("bad:1"), std::string::npos);
}

TEST_F(AgentTest, TagAddsAReferenceAndRmOfATagKeepsTheImage) {
  CommandResult tagged = agent_.Cli({"image", "tag", "busybox", "mirror/busybox:1"});
  EXPECT_EQ(tagged.exit_code, 0) << tagged.err;
  CommandResult run = agent_.Cli({"run", "--rm", "mirror/busybox:1", "true"});
  EXPECT_EQ(run.exit_code, 0) << run.err;
  CommandResult bad = agent_.Cli({"image", "tag", "busybox", "Bad Name"});
  EXPECT_EQ(bad.exit_code, 1);
  EXPECT_NE(bad.err.find("reference"), std::string::npos) << bad.err;
  CommandResult unknown = agent_.Cli({"image", "tag", "nosuch", "x:1"});
  EXPECT_NE(unknown.err.find("no image 'nosuch'"), std::string::npos) << unknown.err;
  CommandResult untag = agent_.Cli({"image", "rm", "mirror/busybox:1"});
  EXPECT_EQ(untag.out, "Untagged: mirror/busybox:1\n") << "the image keeps its other reference";
  EXPECT_EQ(agent_.Cli({"image", "ls", "-q"}).out, image_id_ + "\n");
}

TEST_F(AgentTest, ImageListInspectRemove) {
  CommandResult list = agent_.Cli({"image", "ls", "--json"});
  EXPECT_NE(list.out.find(image_id_), std::string::npos);
  EXPECT_NE(list.out.find("busybox:latest"), std::string::npos);
  std::string id = RunDetached({}, {"sleep", "30"});
  CommandResult in_use = agent_.Cli({"image", "rm", "busybox"});
  EXPECT_EQ(in_use.exit_code, 1);
  EXPECT_NE(in_use.err.find("used by 1 container"), std::string::npos) << in_use.err;
  ASSERT_EQ(agent_.Cli({"rm", "-f", id}).exit_code, 0);
  CommandResult removed = agent_.Cli({"image", "rm", "busybox"});
  EXPECT_EQ(removed.exit_code, 0) << removed.err;
  EXPECT_NE(removed.out.find("Deleted: " + image_id_), std::string::npos);
  EXPECT_EQ(agent_.Cli({"image", "ls", "-q"}).out, "");
  DIR* layers = ::opendir((agent_.root_dir() + "/layers").c_str());
  int entries = 0;
  while (dirent* entry = ::readdir(layers)) entries += entry->d_name[0] != '.';
  ::closedir(layers);
  EXPECT_EQ(entries, 0) << "the unused layer directory must go with the image";
}

TEST_F(AgentTest, InfoListsBackendsWithCapabilities) {
  CommandResult info = agent_.Cli({"info", "--json"});
  EXPECT_EQ(info.exit_code, 0);
  EXPECT_NE(info.out.find("\"name\": \"chroot\""), std::string::npos) << info.out;
  EXPECT_NE(info.out.find("\"limits\""), std::string::npos);
  EXPECT_NE(info.out.find("\"is_default\": true"), std::string::npos);
}

}  // namespace
}  // namespace boxcar::testing
