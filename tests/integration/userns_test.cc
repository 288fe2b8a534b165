// Containers with a user namespace of their own (`--userns`), on every backend whose capability
// flags say "userns" (the others must refuse with UNIMPLEMENTED naming themselves): root inside
// is an unprivileged block of host ids from the agent's --userns-range, the image's files show
// as owned by root inside, writes land in the upper directory with the mapped ids, exec joins
// the same namespace, the privileged operations stay refused, and commit shifts owners back.
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <chrono>
#include <fstream>
#include <sstream>
#include <thread>

#include "agent_fixture.h"

namespace boxcar::testing {
namespace {

constexpr uint32_t kRangeFirst = 1000000;
constexpr uint32_t kBlock = 65536;
// Room for four containers of the default size.
const std::string kRange = std::to_string(kRangeFirst) + ":" + std::to_string(4 * kBlock);

// The value of `key` ("Uid:") in /proc/<pid>/status, tabs and all; "" when absent.
std::string StatusField(pid_t pid, const std::string& key) {
  std::ifstream status("/proc/" + std::to_string(pid) + "/status");
  for (std::string line; std::getline(status, line);) {
    if (line.rfind(key, 0) == 0) return line.substr(key.size());
  }
  return "";
}

// White space runs folded into one blank, ends trimmed: /proc/self/uid_map pads its columns.
std::string Words(const std::string& text) {
  std::istringstream in(text);
  std::string word, folded;
  while (in >> word) folded += (folded.empty() ? "" : " ") + word;
  return folded;
}

class UserNamespaceTest : public ::testing::TestWithParam<std::string>, public AgentFixture {
 protected:
  void SetUp() override {
    StartBackendAgent(GetParam(), {"--userns-range", kRange});
    ASSERT_FALSE(HasFatalFailure());
    if (!Has("userns")) {
      v1::ContainerSpec spec;
      spec.set_image("busybox");
      spec.mutable_userns();
      grpc::Status refused = Create(spec);
      EXPECT_EQ(refused.error_code(), grpc::StatusCode::UNIMPLEMENTED) << refused.error_message();
      EXPECT_NE(refused.error_message().find(GetParam()), std::string::npos)
          << refused.error_message();
      EXPECT_NE(refused.error_message().find("use a backend that does (--backend): chroot, lxc"),
                std::string::npos)
          << "says what to use instead: " << refused.error_message();
      GTEST_SKIP() << "backend " << GetParam() << " has no user namespaces";
    }
  }
  void TearDown() override { StopBackendAgentAndCheckLeftovers(); }

  std::string UpperDir(const std::string& id) const {
    return agent_.root_dir() + "/snapshots/" + id + ".upper";
  }

  // Waits up to 5 s for `path` to exist; its stat.
  struct stat WaitForFile(const std::string& path) {
    struct stat st {};
    for (int i = 0; i < 500 && ::lstat(path.c_str(), &st) != 0; ++i)
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    EXPECT_EQ(::lstat(path.c_str(), &st), 0) << path;
    return st;
  }
};

TEST_P(UserNamespaceTest, RootInsideOwnsTheImageAndIsMapped) {
  CommandResult ids =
      RunRm({"--userns"}, {"sh", "-c", "id -u; id -g; cat /proc/self/uid_map /proc/self/gid_map"});
  ASSERT_EQ(ids.exit_code, 0) << ids.err;
  std::string mapping = "0 " + std::to_string(kRangeFirst) + " " + std::to_string(kBlock);
  EXPECT_EQ(Words(ids.out), "0 0 " + mapping + " " + mapping);

  CommandResult files =
      RunRm({"--userns"}, {"sh", "-c",
                           "stat -c '%u:%g' /bin/busybox /etc/passwd / && head -c 5 /etc/passwd && "
                           "echo x > /etc/new && cat /etc/new && stat -c '%u:%g' /etc/new"});
  EXPECT_EQ(files.exit_code, 0) << files.err;
  EXPECT_EQ(files.out, "0:0\n0:0\n0:0\nroot:x\n0:0\n");

  CommandResult user = RunRm({"--userns", "-u", "nobody", "-w", "/made/here"},
                             {"sh", "-c", "id -u; pwd; stat -c '%u' /made/here; touch /tmp/t"});
  EXPECT_EQ(user.exit_code, 0) << user.err;
  EXPECT_EQ(user.out, "65534\n/made/here\n0\n") << "a working directory made for root inside";
}

TEST_P(UserNamespaceTest, HostSeesTheMappedIdsOfProcessesAndWrites) {
  std::string id =
      RunDetached({"--userns"},
                  {"sh", "-c", "echo data > /root/made && chown 7:8 /root/made; exec sleep 1000"});
  v1::Container container = Inspect(id);
  ASSERT_TRUE(container.spec().has_userns());
  EXPECT_EQ(container.spec().userns().host_uid(), kRangeFirst);
  EXPECT_EQ(container.spec().userns().host_gid(), kRangeFirst);
  EXPECT_EQ(container.spec().userns().size(), kBlock);
  std::string mapped = std::to_string(kRangeFirst);
  EXPECT_EQ(StatusField(container.pid(), "Uid:"),
            "\t" + mapped + "\t" + mapped + "\t" + mapped + "\t" + mapped);
  EXPECT_EQ(StatusField(container.pid(), "Gid:"),
            "\t" + mapped + "\t" + mapped + "\t" + mapped + "\t" + mapped);

  struct stat made = WaitForFile(UpperDir(id) + "/root/made");
  for (int i = 0; i < 500 && made.st_uid != kRangeFirst + 7; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
    ::lstat((UpperDir(id) + "/root/made").c_str(), &made);
  }
  EXPECT_EQ(made.st_uid, kRangeFirst + 7);
  EXPECT_EQ(made.st_gid, kRangeFirst + 8);
  struct stat upper {};
  ASSERT_EQ(::stat(UpperDir(id).c_str(), &upper), 0);
  EXPECT_EQ(upper.st_uid, kRangeFirst) << "the upper directory belongs to the mapped root";

  // Each container gets a block of its own; a container without --userns keeps the host's ids.
  std::string second = RunDetached({"--userns"}, {"sleep", "1000"});
  EXPECT_EQ(Inspect(second).spec().userns().host_uid(), kRangeFirst + kBlock);
  EXPECT_EQ(StatusField(Inspect(second).pid(), "Uid:").substr(0, 8),
            "\t" + std::to_string(kRangeFirst + kBlock));
  std::string plain = RunDetached({}, {"sleep", "1000"});
  EXPECT_FALSE(Inspect(plain).spec().has_userns());
  EXPECT_EQ(StatusField(Inspect(plain).pid(), "Uid:"), "\t0\t0\t0\t0");
}

TEST_P(UserNamespaceTest, PrivilegedOperationsAreStillRefused) {
  ExpectPrivilegedOperationsRefused({"--userns"});
}

// mknod is out of reach in a user namespace: the host's node is bound in instead, and works
// (writes reach /dev/full's driver, which says "No space left").
TEST_P(UserNamespaceTest, AMappedDeviceIsBoundFromTheHost) {
  CommandResult used = RunRm({"--userns", "--device", "/dev/full:/dev/f"},
                             {"sh", "-c", "head -c 3 /dev/f | wc -c; echo x > /dev/f"});
  EXPECT_EQ(used.out, "3\n") << used.err;
  EXPECT_NE(used.err.find("No space left on device"), std::string::npos) << used.err;
}

TEST_P(UserNamespaceTest, ExecJoinsTheContainersUserNamespace) {
  std::string id = RunDetached({"--userns"}, {"sleep", "1000"});
  pid_t init = Inspect(id).pid();
  char host_ns[64] = {}, init_ns[64] = {};
  ASSERT_GT(::readlink("/proc/self/ns/user", host_ns, sizeof host_ns - 1), 0);
  ASSERT_GT(::readlink(("/proc/" + std::to_string(init) + "/ns/user").c_str(), init_ns,
                       sizeof init_ns - 1),
            0);
  EXPECT_STRNE(host_ns, init_ns) << "PID 1 has a user namespace of its own";

  CommandResult inside = agent_.Cli(
      {"exec", id, "sh", "-c",
       "readlink /proc/self/ns/user; readlink /proc/1/ns/user; id -u; cat /proc/self/uid_map; "
       "echo from-exec > /root/exec-made; stat -c '%u' /root/exec-made"});
  EXPECT_EQ(inside.exit_code, 0) << inside.err;
  EXPECT_EQ(Words(inside.out),
            Words(std::string(init_ns) + " " + init_ns + " 0 0 " + std::to_string(kRangeFirst) +
                  " " + std::to_string(kBlock) + " 0"));
  struct stat made = WaitForFile(UpperDir(id) + "/root/exec-made");
  EXPECT_EQ(made.st_uid, kRangeFirst);

  CommandResult nobody =
      agent_.Cli({"exec", "-u", "nobody", id, "sh", "-c", "id -u; grep ^Uid: /proc/self/status"});
  EXPECT_EQ(nobody.out, "65534\nUid:\t65534\t65534\t65534\t65534\n") << nobody.err;
  CommandResult hardened =
      agent_.Cli({"exec", id, "grep", "-E", "^(CapBnd|NoNewPrivs):", "/proc/self/status"});
  EXPECT_EQ(hardened.out, "CapBnd:\t00000000a00425fb\nNoNewPrivs:\t0\n");

  // With a terminal from the container's own devpts, owned by root inside.
  TtyExecResult tty = ExecWithTty(id, {"sh", "-c", "tty; stat -c '%u' $(tty)"});
  EXPECT_EQ(tty.exit_code, 0) << tty.output;
  EXPECT_NE(tty.output.find("/dev/pts/"), std::string::npos) << tty.output;
  EXPECT_NE(tty.output.find("\n0\r\n"), std::string::npos) << tty.output;
}

TEST_P(UserNamespaceTest, CommitShiftsOwnersBack) {
  CommandResult made = agent_.Cli(
      {"run", "--userns", "--name", "changes", "busybox", "sh", "-c",
       "echo hi > /root/committed && mkdir /newdir && chown 5:6 /newdir && rm /bin/ls && "
       "echo edited >> /etc/passwd"});
  ASSERT_EQ(made.exit_code, 0) << made.err;
  CommandResult committed = agent_.Cli({"commit", "changes", "shifted:1"});
  ASSERT_EQ(committed.exit_code, 0) << committed.err;
  // Without a user namespace the image's owners show as they are in the layer.
  CommandResult owners = agent_.Cli(
      {"run", "--rm", "shifted:1", "sh", "-c",
       "stat -c '%u:%g %n' /root/committed /newdir /root /etc/passwd; ls /bin/ls 2>&1 | wc -l; "
       "tail -n1 /etc/passwd"});
  EXPECT_EQ(owners.exit_code, 0) << owners.err;
  EXPECT_EQ(owners.out,
            "0:0 /root/committed\n5:6 /newdir\n0:0 /root\n0:0 /etc/passwd\n1\nedited\n");
  CommandResult again = agent_.Cli({"run", "--rm", "--userns", "shifted:1", "stat", "-c", "%u:%g",
                                    "/root/committed", "/newdir"});
  EXPECT_EQ(again.out, "0:0\n5:6\n") << again.err;
}

TEST_P(UserNamespaceTest, VolumesAndBindsAreIdmappedTheSameForEveryContainer) {
  // A volume made by the agent (host root) belongs to root inside; what is written keeps the
  // ids it has inside, on disk too, and reads the same from a container without --userns.
  CommandResult writer = RunRm(
      {"--userns", "-v", "shared:/data"},
      {"sh", "-c", "stat -c '%u:%g' /data && echo hi > /data/f && chown 7:8 /data/f && "
                   "stat -c '%u:%g' /data/f"});
  ASSERT_EQ(writer.exit_code, 0) << writer.err;
  EXPECT_EQ(writer.out, "0:0\n7:8\n");
  std::string data_dir = agent_.root_dir() + "/volumes/shared/_data";
  struct stat on_disk {};
  ASSERT_EQ(::stat((data_dir + "/f").c_str(), &on_disk), 0) << data_dir;
  EXPECT_EQ(on_disk.st_uid, 7u) << "not shifted into the container's block";
  EXPECT_EQ(on_disk.st_gid, 8u);
  EXPECT_EQ(RunRm({"-v", "shared:/data"}, {"stat", "-c", "%u:%g", "/data/f"}).out, "7:8\n");
  // Another container, with another block of host ids (the first is held), sees the same.
  RunDetached({"--userns"}, {"sleep", "1000"});
  CommandResult second =
      RunRm({"--userns", "-v", "shared:/data:ro"},
            {"sh", "-c", "id -u; stat -c '%u:%g' /data/f; cat /data/f; cat /proc/self/uid_map"});
  EXPECT_EQ(second.exit_code, 0) << second.err;
  EXPECT_EQ(second.out.substr(0, 9), "0\n7:8\nhi\n") << second.err;
  EXPECT_NE(Words(second.out).find("0 " + std::to_string(kRangeFirst + kBlock) + " "),
            std::string::npos)
      << second.out;

  // A host directory owned by host root, bound: root inside owns and writes it.
  const std::string host_dir = agent_.work_dir() + "/bound";
  ASSERT_EQ(::mkdir(host_dir.c_str(), 0755), 0);
  CommandResult bound = RunRm({"--userns", "-v", host_dir + ":/b"},
                              {"sh", "-c", "stat -c '%u' /b && touch /b/made"});
  EXPECT_EQ(bound.exit_code, 0) << bound.err;
  EXPECT_EQ(bound.out, "0\n");
  ASSERT_EQ(::stat((host_dir + "/made").c_str(), &on_disk), 0);
  EXPECT_EQ(on_disk.st_uid, 0u) << "host root's, as root inside made it";
}

TEST_P(UserNamespaceTest, BlocksAreCheckedAndSurviveAnAgentRestart) {
  auto create = [&](uint32_t host_uid, uint32_t host_gid, uint32_t size, v1::Container* created) {
    v1::ContainerSpec spec;
    spec.set_image("busybox");
    spec.add_command("sleep");
    spec.add_command("1000");
    spec.mutable_userns()->set_host_uid(host_uid);
    spec.mutable_userns()->set_host_gid(host_gid);
    spec.mutable_userns()->set_size(size);
    return Create(spec, created);
  };
  v1::Container first, pinned, small;
  ASSERT_TRUE(create(0, 0, 0, &first).ok());
  EXPECT_EQ(first.spec().userns().host_uid(), kRangeFirst);
  ASSERT_TRUE(create(kRangeFirst + 2 * kBlock, kRangeFirst + 2 * kBlock, 0, &pinned).ok());
  EXPECT_EQ(
      create(kRangeFirst + 2 * kBlock + 5, kRangeFirst + 3 * kBlock, 10, nullptr).error_code(),
      grpc::StatusCode::ALREADY_EXISTS);
  EXPECT_EQ(create(kRangeFirst - 1, kRangeFirst - 1, 0, nullptr).error_code(),
            grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_EQ(create(kRangeFirst + 4 * kBlock, 0, 0, nullptr).error_code(),
            grpc::StatusCode::INVALID_ARGUMENT);
  ASSERT_TRUE(create(0, 0, 1000, &small).ok());
  EXPECT_EQ(small.spec().userns().host_uid(), kRangeFirst + kBlock) << "the lowest free block";
  EXPECT_EQ(small.spec().userns().size(), 1000u);

  ASSERT_EQ(agent_.Cli({"start", first.id()}).exit_code, 0);
  pid_t payload = Inspect(first.id()).pid();
  agent_.Stop(/*kill9=*/true);
  RestartAgent();
  ASSERT_FALSE(HasFatalFailure());
  EXPECT_EQ(Inspect(first.id()).pid(), payload);
  CommandResult exec = agent_.Cli({"exec", first.id(), "id", "-u"});
  EXPECT_EQ(exec.out, "0\n") << exec.err;
  v1::Container after_restart;
  ASSERT_TRUE(create(0, 0, 0, &after_restart).ok());
  EXPECT_EQ(after_restart.spec().userns().host_uid(), kRangeFirst + 3 * kBlock)
      << "the blocks held before the restart stay held";
  v1::Container exhausted;
  grpc::Status none_left = create(0, 0, 0, &exhausted);
  EXPECT_EQ(none_left.error_code(), grpc::StatusCode::RESOURCE_EXHAUSTED)
      << none_left.error_message();
  EXPECT_NE(none_left.error_message().find("--userns-range"), std::string::npos);

  // An agent without a range refuses user namespaces, naming the flag.
  agent_.RemoveAllContainers();
  agent_.Stop();
  agent_args_ = {"--default-backend", GetParam()};
  RestartAgent();
  ASSERT_FALSE(HasFatalFailure());
  grpc::Status no_range = create(0, 0, 0, nullptr);
  EXPECT_EQ(no_range.error_code(), grpc::StatusCode::FAILED_PRECONDITION);
  EXPECT_NE(no_range.error_message().find("--userns-range"), std::string::npos)
      << no_range.error_message();
}

// The payload's init, root of the user namespace, writes them (chroot); boxcar-lxc-shim writes
// sysctls only in namespaces of its own, which a user-namespaced payload does not share.
TEST_P(UserNamespaceTest, SysctlsAreSetInsideOrRefusedNamingTheBackend) {
  const std::vector<std::string> flags = {"--userns", "--sysctl", "kernel.shmmax=123456789",
                                          "--sysctl", "net.ipv4.ip_unprivileged_port_start=81"};
  if (!Has("sysctls-in-userns")) {
    std::vector<std::string> args = {"create"};
    args.insert(args.end(), flags.begin(), flags.end());
    args.insert(args.end(), {"busybox", "true"});
    CommandResult refused = agent_.Cli(args);
    EXPECT_NE(refused.exit_code, 0);
    EXPECT_NE(refused.err.find("spec.sysctls: backend '" + GetParam() + "'"), std::string::npos)
        << refused.err;
    EXPECT_EQ(agent_.Cli({"ps", "-a", "-q"}).out, "") << "nothing was created";
    return;
  }
  CommandResult set = RunRm(flags, {"sh", "-c",
                                    "cat /proc/sys/kernel/shmmax "
                                    "/proc/sys/net/ipv4/ip_unprivileged_port_start"});
  EXPECT_EQ(set.out, "123456789\n81\n") << set.err;
}

INSTANTIATE_TEST_SUITE_P(Backends, UserNamespaceTest, ::testing::Values("chroot", "lxc", "libvirt"),
                         [](const auto& info) { return info.param; });

}  // namespace
}  // namespace boxcar::testing
