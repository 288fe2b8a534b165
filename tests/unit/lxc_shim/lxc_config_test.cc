#include "lxc_shim/lxc_config.h"

#include <gtest/gtest.h>
#include <linux/capability.h>
#include <sys/resource.h>

#include <algorithm>

#include "shim/hardening.h"

namespace boxcar {
namespace {

class LxcConfigTest : public ::testing::Test {
 protected:
  LxcConfigTest() {
    spec_.container_id = "0123456789abcdef";
    spec_.rootfs_dir = "/var/lib/boxcar/snapshots/0123.rootfs";
    spec_.argv = {"sh"};
    spec_.hostname = "boxy";
    settings_.rootfs_mount = "/usr/lib/lxc/rootfs";
    settings_.log_file = "/var/lib/boxcar/containers/0123/shim.log";
    settings_.seccomp_profile = "/proc/42/fd/7";
    settings_.user.uid = 1000;
    settings_.user.gid = 100;
    settings_.user.home = "/home/app";
    settings_.working_dir = "/work";
    settings_.oom_score_adj = 200;
  }

  std::vector<std::string> Values(const std::string& key) {
    std::vector<std::string> values;
    for (const auto& [item_key, value] : LxcConfigItems(spec_, settings_)) {
      if (item_key == key) values.push_back(value);
    }
    return values;
  }
  std::string Value(const std::string& key) {
    auto values = Values(key);
    EXPECT_EQ(values.size(), 1u) << key;
    return values.empty() ? "" : values.front();
  }

  LaunchSpec spec_;
  LxcContainerSettings settings_;
};

TEST_F(LxcConfigTest, RootfsIsTheSnapshotAndNeverManagedByLxc) {
  EXPECT_EQ(Value("lxc.rootfs.path"), "dir:" + spec_.rootfs_dir);
  EXPECT_EQ(Value("lxc.rootfs.managed"), "0");
  EXPECT_EQ(Value("lxc.rootfs.mount"), settings_.rootfs_mount);
  EXPECT_EQ(Value("lxc.uts.name"), "boxy");
  EXPECT_EQ(Value("lxc.net.0.type"), "empty");
  EXPECT_EQ(Value("lxc.net.0.flags"), "up");
  EXPECT_EQ(Value("lxc.console.path"), "none");
  EXPECT_EQ(Value("lxc.log.file"), settings_.log_file);
}

TEST_F(LxcConfigTest, ShmSizeIsTheSpecsOr64MiB) {
  auto shm_entry = [&] {
    for (const auto& entry : Values("lxc.mount.entry")) {
      if (entry.rfind("shm dev/shm ", 0) == 0) return entry;
    }
    return std::string();
  };
  EXPECT_NE(shm_entry().find(",size=65536k,"), std::string::npos) << shm_entry();
  spec_.shm_size_bytes = 128ull << 20;
  EXPECT_NE(shm_entry().find(",size=134217728,"), std::string::npos) << shm_entry();
}

// The shim wrote the sysctls into an IPC namespace of its own, which LXC must keep.
TEST_F(LxcConfigTest, TheShimsIpcNamespaceIsKeptOnlyWhenItWroteSysctls) {
  EXPECT_TRUE(Values("lxc.namespace.keep").empty());
  EXPECT_TRUE(Values("lxc.sysctl").empty());
  settings_.keep_ipc_namespace = true;
  settings_.share_network_namespace = true;
  // LXC makes every namespace a keep list leaves out: the list names all we inherit.
  EXPECT_EQ(Value("lxc.namespace.keep"), "user net ipc");
}

TEST_F(LxcConfigTest, SharedNamespacesAreLxcsShareItemsByPid) {
  EXPECT_TRUE(Values("lxc.namespace.share.pid").empty()) << "none by default";
  spec_.joined_namespaces = {{"net", 42, 7}, {"pid", 42, 7}, {"ipc", 0, 0}, {"uts", 0, 0}};
  settings_.host_namespaces_pid = 99;
  EXPECT_EQ(Value("lxc.namespace.share.pid"), "42");
  EXPECT_EQ(Value("lxc.namespace.share.ipc"), "99") << "the host's: the shim's own";
  EXPECT_EQ(Value("lxc.namespace.share.uts"), "99");
  EXPECT_TRUE(Values("lxc.namespace.share.net").empty()) << "the shim enters it itself";
  EXPECT_TRUE(Values("lxc.uts.name").empty()) << "a shared UTS namespace keeps its hostname";
}

TEST_F(LxcConfigTest, UserNamespaceMapsRootAndUsesTheReachableRootfs) {
  EXPECT_TRUE(Values("lxc.idmap").empty()) << "no user namespace unless asked for";
  spec_.userns = {100000, 200000, 65536};
  settings_.rootfs_dir = "/run/boxcar-lxc/rootfs";
  EXPECT_EQ(Values("lxc.idmap"),
            (std::vector<std::string>{"u 0 100000 65536", "g 0 200000 65536"}));
  EXPECT_EQ(Value("lxc.rootfs.path"), "dir:/run/boxcar-lxc/rootfs");
  EXPECT_EQ(Value("lxc.init.uid"), "1000") << "ids inside the namespace";
}

TEST_F(LxcConfigTest, LimitsStayWithTheAgent) {
  for (const auto& [key, value] : LxcConfigItems(spec_, settings_)) {
    EXPECT_NE(key.rfind("lxc.cgroup", 0), 0u) << key << " = " << value;
  }
}

TEST_F(LxcConfigTest, HardeningMatchesTheChrootShim) {
  std::string kept = Value("lxc.cap.keep");
  uint64_t mask = 0;
  for (const auto& capability : KeptCapabilities()) {
    EXPECT_NE(kept.find(capability.name), std::string::npos) << capability.name;
    mask |= uint64_t{1} << capability.number;
  }
  EXPECT_EQ(mask, 0xa00425fbu);
  EXPECT_EQ(mask, DefaultCapabilityMask());
  EXPECT_EQ(std::count(kept.begin(), kept.end(), ' ') + 1,
            static_cast<long>(KeptCapabilities().size()));
  // Docker's default: no no_new_privs (liblxc loads the filter while still root).
  EXPECT_EQ(Value("lxc.no_new_privs"), "0");
  EXPECT_EQ(Value("lxc.seccomp.profile"), settings_.seccomp_profile);
  EXPECT_EQ(Value("lxc.mount.auto"), "proc:mixed sys:ro");
  EXPECT_EQ(Value("lxc.autodev"), "1");
  auto entries = Values("lxc.mount.entry");
  for (const char* path : ReadOnlyPaths()) {
    std::string entry =
        settings_.rootfs_mount + path + " " + (path + 1) + " none bind,ro,optional 0 0";
    EXPECT_NE(std::find(entries.begin(), entries.end(), entry), entries.end()) << entry;
  }
  EXPECT_NE(std::find_if(entries.begin(), entries.end(),
                         [](const std::string& e) { return e.rfind("shm dev/shm tmpfs", 0) == 0; }),
            entries.end());
}

TEST_F(LxcConfigTest, SecurityOptionsSetNoNewPrivsAndLeaveTheFilterOut) {
  spec_.confinement.no_new_privileges = true;
  EXPECT_EQ(Value("lxc.no_new_privs"), "1");
  settings_.seccomp_profile.clear();  // the shim makes none for seccomp_unconfined
  EXPECT_TRUE(Values("lxc.seccomp.profile").empty());
}

TEST_F(LxcConfigTest, PrivilegedUnmasksProcAndSysAndBindsTheHostsDevices) {
  spec_.privileged = true;
  EXPECT_EQ(Value("lxc.mount.auto"), "proc:rw sys:rw");
  auto entries = Values("lxc.mount.entry");
  for (const auto& entry : entries) {
    EXPECT_EQ(entry.find("proc/sys"), std::string::npos) << entry;
    EXPECT_EQ(entry.find("proc/kcore"), std::string::npos) << entry;
  }
  // Every host device but those LXC makes itself (null, zero, ...) and ptmx.
  size_t devices = 0;
  for (const auto& entry : entries) {
    if (entry.rfind("/dev/", 0) != 0) continue;
    ++devices;
    EXPECT_NE(entry.find(" none bind,create=file,optional 0 0"), std::string::npos) << entry;
    EXPECT_EQ(entry.rfind("/dev/null ", 0), std::string::npos) << entry;
    EXPECT_EQ(entry.rfind("/dev/ptmx ", 0), std::string::npos) << entry;
  }
  EXPECT_GT(devices, 0u);
}

TEST_F(LxcConfigTest, MountSourcesEscapeWhiteSpace) {
  settings_.rootfs_mount = "/lib/lxc root";
  auto entries = Values("lxc.mount.entry");
  EXPECT_NE(std::find(entries.begin(), entries.end(),
                      "/lib/lxc\\040root/proc/sys proc/sys none bind,ro,optional 0 0"),
            entries.end());
}

TEST_F(LxcConfigTest, DevicesAreBoundFromTheHostAtTheirTargets) {
  spec_.devices = {{"/dev/loop3", "/dev/xvdc", 'b', 7, 3, 0660, 0, 6},
                   {"/dev/my disk", "/dev/my disk", 'b', 8, 0, 0600, 0, 0}};
  auto entries = Values("lxc.mount.entry");
  EXPECT_NE(
      std::find(entries.begin(), entries.end(), "/dev/loop3 dev/xvdc none bind,create=file 0 0"),
      entries.end());
  EXPECT_NE(std::find(entries.begin(), entries.end(),
                      "/dev/my\\040disk dev/my\\040disk none bind,create=file 0 0"),
            entries.end());
}

TEST_F(LxcConfigTest, UserWorkingDirEnvironmentAndRlimits) {
  settings_.user.supplementary_gids = {10, 20};
  spec_.env = {"GREETING=hi there", "PATH=/bin"};
  spec_.rlimits = {{"nofile", 100, 200}, {"core", 0, RLIM_INFINITY}};
  EXPECT_EQ(Value("lxc.init.uid"), "1000");
  EXPECT_EQ(Value("lxc.init.gid"), "100");
  EXPECT_EQ(Value("lxc.init.groups"), "10,20");
  EXPECT_EQ(Value("lxc.init.cwd"), "/work");
  EXPECT_EQ(Values("lxc.environment"),
            (std::vector<std::string>{"GREETING=hi there", "PATH=/bin", "HOME=/home/app",
                                      "HOSTNAME=boxy"}));
  EXPECT_EQ(Value("lxc.prlimit.nofile"), "100:200");
  EXPECT_EQ(Value("lxc.prlimit.core"), "0:unlimited");
  EXPECT_EQ(Value("lxc.proc.oom_score_adj"), "200");
}

TEST_F(LxcConfigTest, NoSupplementaryGroupsAndDefaultPath) {
  EXPECT_TRUE(Values("lxc.init.groups").empty());
  auto env = PayloadEnvironment(spec_, settings_.user);
  EXPECT_EQ(PayloadSearchPath(env), "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin");
  spec_.env = {"HOME=/elsewhere", "HOSTNAME=other"};
  EXPECT_EQ(PayloadEnvironment(spec_, settings_.user),
            (std::vector<std::string>{
                "HOME=/elsewhere", "HOSTNAME=other",
                "PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"}));
}

TEST_F(LxcConfigTest, TheContainersCapabilitiesAreKept) {
  spec_.kept_capabilities = (uint64_t{1} << CAP_CHOWN) | (uint64_t{1} << CAP_SYS_ADMIN);
  EXPECT_EQ(Value("lxc.cap.keep"), "chown 21") << "names where the policy has them, else numbers";
  spec_.kept_capabilities = 0;
  EXPECT_EQ(Value("lxc.cap.keep"), "none");
}

}  // namespace
}  // namespace boxcar
