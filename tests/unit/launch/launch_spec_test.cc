#include "launch/launch_spec.h"

#include <gtest/gtest.h>
#include <sys/resource.h>

namespace boxcar {
namespace {

TEST(LaunchSpecTest, RoundTripsThroughJson) {
  LaunchSpec spec;
  spec.container_id = "abc";
  spec.rootfs_dir = "/r";
  spec.argv = {"sh", "-c", "echo \"quoted\" \\ and ünïcode"};
  spec.env = {"A=1", "B=two words"};
  spec.working_dir = "/w";
  spec.hostname = "h";
  spec.user = "1:2";
  spec.cgroup_procs_files = {"/a/cgroup.procs", "/b/cgroup.procs"};
  spec.rlimits = {{"nofile", 1024, 4096}};
  spec.stdout_path = "/o";
  spec.stderr_path = "/e";
  spec.exit_file = "/x";
  auto parsed = LaunchSpecFromJson(LaunchSpecToJson(spec));
  ASSERT_TRUE(parsed.ok()) << parsed.status().message();
  EXPECT_EQ(parsed->argv, spec.argv);
  EXPECT_EQ(parsed->env, spec.env);
  EXPECT_EQ(parsed->cgroup_procs_files, spec.cgroup_procs_files);
  ASSERT_EQ(parsed->rlimits.size(), 1u);
  EXPECT_EQ(parsed->rlimits[0].hard, 4096u);
  EXPECT_EQ(parsed->exit_file, "/x");
}

TEST(LaunchSpecTest, UserNamespaceRoundTripsAndIsOffWhenAbsent) {
  LaunchSpec spec;
  spec.rootfs_dir = "/r";
  spec.argv = {"sh"};
  spec.exit_file = "/x";
  auto without = LaunchSpecFromJson(LaunchSpecToJson(spec));
  ASSERT_TRUE(without.ok()) << without.status().message();
  EXPECT_FALSE(without->userns.enabled());
  spec.userns = {100000, 200000, 65536};
  auto with = LaunchSpecFromJson(LaunchSpecToJson(spec));
  ASSERT_TRUE(with.ok()) << with.status().message();
  EXPECT_EQ(with->userns.host_uid, 100000u);
  EXPECT_EQ(with->userns.host_gid, 200000u);
  EXPECT_EQ(with->userns.size, 65536u);
  EXPECT_EQ(with->userns.UidMapLine(), "0 100000 65536\n");
  EXPECT_EQ(with->userns.GidMapLine(), "0 200000 65536\n");
  auto malformed = LaunchSpecFromJson(
      "{\"rootfs_dir\":\"/r\",\"argv\":[\"sh\"],\"exit_file\":\"/x\",\"userns\":{\"size\":-1}}");
  EXPECT_EQ(malformed.status().code(), StatusCode::kInvalidArgument);
}

TEST(LaunchSpecTest, RejectsMalformedInput) {
  EXPECT_FALSE(LaunchSpecFromJson("{").ok());
  EXPECT_FALSE(LaunchSpecFromJson("{\"rootfs_dir\":\"/r\"}").ok())
      << "argv and exit_file are required";
  EXPECT_FALSE(
      LaunchSpecFromJson("{\"rootfs_dir\":\"/r\",\"argv\":[1],\"exit_file\":\"/x\"}").ok());
}

TEST(LaunchSpecTest, TerminalSettingsRoundTripAndNeedTheAttachSocket) {
  LaunchSpec spec;
  spec.rootfs_dir = "/r";
  spec.argv = {"sh"};
  spec.exit_file = "/x";
  spec.tty = true;
  spec.stdin_open = true;
  spec.attach_socket_path = "/state/attach.sock";
  spec.terminal_init_path = "/usr/local/bin/boxcar-shim";
  auto parsed = LaunchSpecFromJson(LaunchSpecToJson(spec));
  ASSERT_TRUE(parsed.ok()) << parsed.status().message();
  EXPECT_TRUE(parsed->tty);
  EXPECT_TRUE(parsed->stdin_open);
  EXPECT_EQ(parsed->attach_socket_path, "/state/attach.sock");
  EXPECT_EQ(parsed->terminal_init_path, "/usr/local/bin/boxcar-shim");
  spec.attach_socket_path.clear();
  auto refused = LaunchSpecFromJson(LaunchSpecToJson(spec));
  EXPECT_EQ(refused.status().code(), StatusCode::kInvalidArgument);
  spec.tty = spec.stdin_open = false;
  auto plain = LaunchSpecFromJson(LaunchSpecToJson(spec));
  ASSERT_TRUE(plain.ok());
  EXPECT_FALSE(plain->tty);
}

TEST(LaunchSpecTest, CapabilitiesRoundTripAndAreTheDefaultWhenAbsent) {
  LaunchSpec spec;
  spec.rootfs_dir = "/r";
  spec.argv = {"sh"};
  spec.exit_file = "/x";
  EXPECT_EQ(LaunchSpecToJson(spec).find("kept_capabilities"), std::string::npos);
  EXPECT_EQ(LaunchSpecFromJson(LaunchSpecToJson(spec))->kept_capabilities,
            kDefaultKeptCapabilities);
  for (uint64_t kept : {uint64_t{0}, uint64_t{1}, ~uint64_t{0} >> 23}) {
    spec.kept_capabilities = kept;
    auto parsed = LaunchSpecFromJson(LaunchSpecToJson(spec));
    ASSERT_TRUE(parsed.ok()) << parsed.status().message();
    EXPECT_EQ(parsed->kept_capabilities, kept);
  }
}

TEST(LaunchSpecTest, ConfinementAndPrivilegedRoundTripAndAreAbsentByDefault) {
  LaunchSpec spec;
  spec.rootfs_dir = "/r";
  spec.argv = {"sh"};
  spec.exit_file = "/x";
  const std::string plain = LaunchSpecToJson(spec);
  for (const char* key : {"no_new_privileges", "seccomp", "privileged"})
    EXPECT_EQ(plain.find(key), std::string::npos) << key;
  spec.confinement = {true, true, R"({"defaultAction": "SCMP_ACT_ALLOW"})"};
  spec.privileged = true;
  auto parsed = LaunchSpecFromJson(LaunchSpecToJson(spec));
  ASSERT_TRUE(parsed.ok()) << parsed.status().message();
  EXPECT_EQ(parsed->confinement, spec.confinement);
  EXPECT_TRUE(parsed->privileged);
  EXPECT_FALSE(LaunchSpecFromJson(R"({"rootfs_dir":"/r","argv":["sh"],"exit_file":"/x",)"
                                  R"("no_new_privileges":"yes"})")
                   .ok());
}

TEST(LaunchSpecTest, ExtraGroupsRoundTripAndAreAbsentByDefault) {
  LaunchSpec spec;
  spec.rootfs_dir = "/r";
  spec.argv = {"sh"};
  spec.exit_file = "/x";
  EXPECT_EQ(LaunchSpecToJson(spec).find("group_add"), std::string::npos);
  spec.group_add = {"audio", "1234"};
  auto parsed = LaunchSpecFromJson(LaunchSpecToJson(spec));
  ASSERT_TRUE(parsed.ok()) << parsed.status().message();
  EXPECT_EQ(parsed->group_add, spec.group_add);
}

TEST(LaunchSpecTest, DevicesRoundTripAndAreNoneWhenAbsent) {
  LaunchSpec spec;
  spec.rootfs_dir = "/r";
  spec.argv = {"sh"};
  spec.exit_file = "/x";
  EXPECT_EQ(LaunchSpecToJson(spec).find("devices"), std::string::npos);
  spec.devices = {{"/dev/loop3", "/dev/xvdc", 'b', 7, 3, 0660, 0, 6},
                  {"/dev/net/tun", "/dev/net/tun", 'c', 10, 200, 0666, 0, 0}};
  auto parsed = LaunchSpecFromJson(LaunchSpecToJson(spec));
  ASSERT_TRUE(parsed.ok()) << parsed.status().message();
  ASSERT_EQ(parsed->devices.size(), 2u);
  const LaunchDevice& loop = parsed->devices[0];
  EXPECT_EQ(loop.host_path, "/dev/loop3");
  EXPECT_EQ(loop.target, "/dev/xvdc");
  EXPECT_EQ(loop.type, 'b');
  EXPECT_EQ(loop.major, 7u);
  EXPECT_EQ(loop.minor, 3u);
  EXPECT_EQ(loop.mode, 0660u);
  EXPECT_EQ(loop.gid, 6u);
  EXPECT_EQ(parsed->devices[1].type, 'c');
  auto bad_type = LaunchSpecFromJson(
      R"({"rootfs_dir":"/r","argv":["sh"],"exit_file":"/x","devices":[{"host_path":"/dev/x",)"
      R"("target":"/dev/x","type":"p",)"
      R"("major":1,"minor":1,"mode":0,"uid":0,"gid":0}]})");
  ASSERT_FALSE(bad_type.ok());
  EXPECT_NE(bad_type.status().message().find("devices[0].type"), std::string::npos)
      << bad_type.status().message();
}

TEST(LaunchSpecTest, SysctlsAndShmSizeRoundTripAndAreAbsentByDefault) {
  LaunchSpec spec;
  spec.rootfs_dir = "/r";
  spec.argv = {"sh"};
  spec.exit_file = "/x";
  const std::string plain = LaunchSpecToJson(spec);
  EXPECT_EQ(plain.find("sysctls"), std::string::npos) << plain;
  EXPECT_EQ(plain.find("shm_size_bytes"), std::string::npos) << plain;
  spec.sysctls = {"kernel.sem=250 32000 32 128", "net/ipv4/ip_forward=1"};
  spec.shm_size_bytes = 128ull << 20;
  auto parsed = LaunchSpecFromJson(LaunchSpecToJson(spec));
  ASSERT_TRUE(parsed.ok()) << parsed.status().message();
  EXPECT_EQ(parsed->sysctls, spec.sysctls);
  EXPECT_EQ(parsed->shm_size_bytes, 128ull << 20);
}

TEST(LaunchSpecTest, OomScoreAdjRoundTripsNegativeAndIsAbsentByDefault) {
  LaunchSpec spec;
  spec.rootfs_dir = "/r";
  spec.argv = {"sh"};
  spec.exit_file = "/x";
  EXPECT_EQ(LaunchSpecToJson(spec).find("oom_score_adj"), std::string::npos);
  auto plain = LaunchSpecFromJson(LaunchSpecToJson(spec));
  ASSERT_TRUE(plain.ok());
  EXPECT_FALSE(plain->oom_score_adj.has_value()) << "unset: the shim's own value stays";
  spec.oom_score_adj = -500;
  auto parsed = LaunchSpecFromJson(LaunchSpecToJson(spec));
  ASSERT_TRUE(parsed.ok()) << parsed.status().message();
  ASSERT_TRUE(parsed->oom_score_adj.has_value());
  EXPECT_EQ(*parsed->oom_score_adj, -500);
  EXPECT_FALSE(LaunchSpecFromJson(
                   R"({"rootfs_dir":"/r","argv":["sh"],"exit_file":"/x","oom_score_adj":"x"})")
                   .ok());
}

TEST(ExitRecordTest, RoundTripsAndRejectsGarbage) {
  ExitRecord record{137, 9, 123456789};
  auto parsed = ExitRecordFromJson(ExitRecordToJson(record));
  ASSERT_TRUE(parsed.ok());
  EXPECT_EQ(parsed->exit_code, 137);
  EXPECT_EQ(parsed->exit_signal, 9);
  EXPECT_EQ(parsed->finished_unix_ns, 123456789);
  EXPECT_EQ(ExitRecordFromJson("{\"exit_code\":\"x\"}").status().code(), StatusCode::kDataLoss);
}

TEST(RlimitNamesTest, KnownAndUnknown) {
  EXPECT_EQ(RlimitResourceByName("nofile"), RLIMIT_NOFILE);
  EXPECT_EQ(RlimitResourceByName("nproc"), RLIMIT_NPROC);
  EXPECT_EQ(RlimitResourceByName("bogus"), -1);
}

}  // namespace
}  // namespace boxcar
