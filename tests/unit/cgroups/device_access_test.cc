// Device access of a cgroup: the rules' v1 text, the BPF program's shape, and both enforced on
// real cgroups (a child opens what the rules allow and gets EPERM for the rest): the v1
// devices controller through ContainerCgroup, and the cgroup2 program attached to a cgroup of
// this host's cgroup2 mount (also on hybrid hosts, where the v1 controller leaves it free).
#include <linux/bpf.h>
#include <sys/sysmacros.h>

#include "cgroups/device_program.h"
#include "cgroups/device_rules.h"
#include "container_cgroup_fixture.h"

namespace boxcar {
namespace {

using R = DeviceRule;

TEST(DeviceRulesTest, V1LinesAreTheControllersSyntax) {
  EXPECT_EQ(V1DeviceRuleLine(R{'c', R::kAny, R::kAny, "m"}), "c *:* m");
  EXPECT_EQ(V1DeviceRuleLine(R{'b', 7, 3, "rw"}), "b 7:3 rw");
  EXPECT_EQ(V1DeviceRuleLine(R{'c', 136, R::kAny, "rwm"}), "c 136:* rwm");
  std::vector<std::string> defaults;
  for (const DeviceRule& rule : DefaultDeviceRules()) defaults.push_back(V1DeviceRuleLine(rule));
  EXPECT_EQ(defaults,
            (std::vector<std::string>{"c *:* m", "b *:* m", "c 1:3 rwm", "c 1:5 rwm", "c 1:7 rwm",
                                      "c 1:8 rwm", "c 1:9 rwm", "c 5:0 rwm", "c 5:1 rwm",
                                      "c 5:2 rwm", "c 136:* rwm", "c 10:200 rwm", "c 10:229 rwm"}));
}

TEST(DeviceRulesTest, AccessIsSomeOfRwmEachOnce) {
  for (const char* good : {"r", "w", "m", "rw", "mr", "rwm", "wmr"}) {
    EXPECT_TRUE(IsDeviceAccess(good)) << good;
  }
  for (const char* bad : {"", "rr", "rwx", "rwmr", "R", " r"}) {
    EXPECT_FALSE(IsDeviceAccess(bad)) << bad;
  }
}

TEST(DeviceProgramTest, OneBlockPerRuleJumpingToTheNext) {
  // Prologue 6; "c *:* m": type, access (3), return (2) = 6; "b 7:3 rwm": type, major, minor,
  // return = 5; deny at the end 2.
  std::vector<bpf_insn> program =
      DeviceProgramInstructions({R{'c', R::kAny, R::kAny, "m"}, R{'b', 7, 3, "rwm"}});
  ASSERT_EQ(program.size(), 6u + 6u + 5u + 2u);
  // Every jump of the first block lands on the second block's first instruction.
  for (size_t i = 6; i < 12; ++i) {
    if (BPF_CLASS(program[i].code) == BPF_JMP && BPF_OP(program[i].code) == BPF_JNE) {
      EXPECT_EQ(i + 1 + program[i].off, 12u) << i;
    }
  }
  EXPECT_EQ(program[12].imm, BPF_DEVCG_DEV_BLOCK);
  EXPECT_EQ(program[13].imm, 7);
  EXPECT_EQ(program[14].imm, 3);
  EXPECT_EQ(program.back().code, BPF_JMP | BPF_EXIT);
  EXPECT_EQ(program[program.size() - 2].imm, 0) << "what no rule allows is denied";
}

// Allows null fully, full for reading and mknod of anything; zero and block nodes not.
const std::vector<DeviceRule> kTestRules = {R{'c', R::kAny, R::kAny, "m"},
                                            R{'b', R::kAny, R::kAny, "m"}, R{'c', 1, 3, "rwm"},
                                            R{'c', 1, 7, "r"}};

// 0 when every open gives what the rules say, else the number of the first that did not.
int CheckAccessAsTestRulesSay(const std::string& scratch_dir) {
  auto opens = [](const std::string& path, int flags) {
    int fd = ::open(path.c_str(), flags | O_CLOEXEC);
    if (fd >= 0) ::close(fd);
    return fd >= 0 ? 0 : errno;
  };
  if (opens("/dev/null", O_RDWR) != 0) return 1;
  if (opens("/dev/full", O_RDONLY) != 0) return 2;
  if (opens("/dev/full", O_WRONLY) != EPERM) return 3;
  if (opens("/dev/zero", O_RDONLY) != EPERM) return 4;
  const std::string block = scratch_dir + "/loop0";
  if (::mknod(block.c_str(), S_IFBLK | 0600, makedev(7, 0)) != 0) return 5;
  if (opens(block, O_RDONLY) != EPERM) return 6;
  return 0;
}

class DeviceAccessTest : public ContainerCgroupTest {
 protected:
  void SetUp() override {
    ContainerCgroupTest::SetUp();
    if (IsSkipped()) return;
    char scratch[] = "/tmp/boxcar-device-access-XXXXXX";
    ASSERT_NE(::mkdtemp(scratch), nullptr);
    scratch_dir_ = scratch;
  }
  void TearDown() override {
    if (!scratch_dir_.empty()) {
      ::unlink((scratch_dir_ + "/loop0").c_str());
      ::rmdir(scratch_dir_.c_str());
    }
    ContainerCgroupTest::TearDown();
  }
  std::string scratch_dir_;
};

TEST_F(DeviceAccessTest, V1DevicesControllerAllowsOnlyTheRules) {
  if (layout_.v1_mounts.count("devices") == 0) GTEST_SKIP() << "no v1 devices hierarchy";
  CgroupLimits limits;
  limits.device_rules = kTestRules;
  auto cgroup = ContainerCgroup::Create(V1View(), parent_, "c1", limits);
  ASSERT_TRUE(cgroup.ok()) << cgroup.status().message();
  const std::string devices = Dir(layout_.v1_mounts.at("devices"), "c1");
  EXPECT_EQ(ReadTrimmed(devices + "/devices.list"), "c *:* m\nb *:* m\nc 1:3 rwm\nc 1:7 r");
  const std::string scratch = scratch_dir_;
  pid_t child =
      ForkInCgroup(cgroup->ProcsFiles(), [scratch] { return CheckAccessAsTestRulesSay(scratch); });
  ASSERT_GT(child, 0);
  std::optional<int> status = WaitForExit(child, milliseconds(5000));
  ASSERT_TRUE(status && WIFEXITED(*status)) << DescribeWaitStatus(status);
  EXPECT_EQ(WEXITSTATUS(*status), 0) << "check number that failed";
}

TEST_F(DeviceAccessTest, Cgroup2ProgramAllowsOnlyTheRules) {
  if (layout_.unified_mount.empty()) GTEST_SKIP() << "no cgroup2 mount";
  const std::string dir = layout_.unified_mount + "/" + parent_;
  ASSERT_EQ(::mkdir(dir.c_str(), 0755), 0);
  Status attached = AttachDeviceProgram(dir, kTestRules);
  ASSERT_TRUE(attached.ok()) << attached.message();
  const std::string scratch = scratch_dir_;
  pid_t child = ForkInCgroup({dir + "/cgroup.procs"},
                             [scratch] { return CheckAccessAsTestRulesSay(scratch); });
  ASSERT_GT(child, 0);
  std::optional<int> status = WaitForExit(child, milliseconds(5000));
  ASSERT_TRUE(status && WIFEXITED(*status)) << DescribeWaitStatus(status);
  EXPECT_EQ(WEXITSTATUS(*status), 0) << "check number that failed";
}

}  // namespace
}  // namespace boxcar
