#include "launch/exec_spec.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include "launch/line_buffer.h"
#include "cgroups/process_cgroups.h"

namespace boxcar {
namespace {

ExecSpec FullSpec() {
  ExecSpec spec;
  spec.container_id = "abc";
  spec.init_pid = 4242;
  spec.init_start_ticks = 987654321012ULL;
  spec.argv = {"sh", "-c", "echo \"quoted\" \\ and ünïcode\nsecond line"};
  spec.env = {"A=1", "B=two words"};
  spec.working_dir = "/w";
  spec.user = "1:2";
  spec.tty = true;
  spec.tty_rows = 40;
  spec.tty_cols = 132;
  spec.cgroup_procs_files = {"/a/cgroup.procs", "/b/cgroup.procs"};
  spec.rlimits = {{"nofile", 1024, 4096}};
  spec.kept_capabilities = 1;
  return spec;
}

TEST(ExecSpecTest, RoundTripsThroughOneLineOfJson) {
  ExecSpec spec = FullSpec();
  std::string json = ExecSpecToJson(spec);
  EXPECT_EQ(json.find('\n'), std::string::npos) << "the spec travels as one line";
  auto parsed = ExecSpecFromJson(json);
  ASSERT_TRUE(parsed.ok()) << parsed.status().message();
  EXPECT_EQ(parsed->container_id, "abc");
  EXPECT_EQ(parsed->init_pid, 4242);
  EXPECT_EQ(parsed->init_start_ticks, 987654321012ULL);
  EXPECT_EQ(parsed->argv, spec.argv);
  EXPECT_EQ(parsed->env, spec.env);
  EXPECT_EQ(parsed->working_dir, "/w");
  EXPECT_EQ(parsed->user, "1:2");
  EXPECT_TRUE(parsed->tty);
  EXPECT_EQ(parsed->tty_rows, 40);
  EXPECT_EQ(parsed->tty_cols, 132);
  EXPECT_EQ(parsed->cgroup_procs_files, spec.cgroup_procs_files);
  ASSERT_EQ(parsed->rlimits.size(), 1u);
  EXPECT_EQ(parsed->rlimits[0].name, "nofile");
  EXPECT_EQ(parsed->rlimits[0].soft, 1024u);
  EXPECT_EQ(parsed->rlimits[0].hard, 4096u);
  EXPECT_EQ(parsed->kept_capabilities, 1u);
}

TEST(ExecSpecTest, ConfinementRoundTrips) {
  ExecSpec spec;
  spec.init_pid = 7;
  spec.init_start_ticks = 9;
  spec.argv = {"true"};
  spec.confinement.no_new_privileges = true;
  spec.confinement.seccomp_profile_json = R"({"defaultAction": "SCMP_ACT_LOG"})";
  auto parsed = ExecSpecFromJson(ExecSpecToJson(spec));
  ASSERT_TRUE(parsed.ok()) << parsed.status().message();
  EXPECT_EQ(parsed->confinement, spec.confinement);
  spec.confinement = {false, true, ""};
  EXPECT_EQ(ExecSpecFromJson(ExecSpecToJson(spec))->confinement, spec.confinement);
}

TEST(ExecSpecTest, OptionalFieldsDefault) {
  auto parsed = ExecSpecFromJson(R"({"init_pid":7,"init_start_ticks":9,"argv":["true"]})");
  ASSERT_TRUE(parsed.ok()) << parsed.status().message();
  EXPECT_FALSE(parsed->tty);
  EXPECT_EQ(parsed->tty_rows, 0);
  EXPECT_TRUE(parsed->working_dir.empty());
  EXPECT_TRUE(parsed->cgroup_procs_files.empty());
  EXPECT_EQ(parsed->kept_capabilities, kDefaultKeptCapabilities);
  EXPECT_EQ(parsed->confinement, ProcessConfinement{});
}

TEST(ExecSpecTest, RejectsWhatTheShimCannotUse) {
  const char* kBad[] = {
      "{",
      "[]",
      R"({"init_start_ticks":9,"argv":["true"]})",                // no pid
      R"({"init_pid":7,"argv":["true"]})",                        // no start time
      R"({"init_pid":7,"init_start_ticks":9})",                   // no command
      R"({"init_pid":7,"init_start_ticks":9,"argv":[""]})",       // empty command
      R"({"init_pid":-7,"init_start_ticks":9,"argv":["true"]})",  // negative pid
      R"({"init_pid":7,"init_start_ticks":9,"argv":["true"],"working_dir":"rel"})",
      R"({"init_pid":7,"init_start_ticks":9,"argv":["true"],"tty":"yes"})",
      R"({"init_pid":7,"init_start_ticks":9,"argv":["true"],"tty_rows":70000})",
      R"({"init_pid":7,"init_start_ticks":9,"argv":[1]})",
      R"({"init_pid":7,"init_start_ticks":9,"argv":["true"],"rlimits":[{"name":"nofile"}]})",
  };
  for (const char* json : kBad) {
    auto parsed = ExecSpecFromJson(json);
    EXPECT_FALSE(parsed.ok()) << json;
    if (!parsed.ok()) {
      EXPECT_EQ(parsed.status().code(), StatusCode::kInvalidArgument) << json;
      EXPECT_EQ(parsed.status().message().rfind("exec spec: ", 0), 0u) << parsed.status().message();
    }
  }
}

TEST(LineBufferTest, KeepsWhatFollowsALine) {
  int fds[2];
  ASSERT_EQ(::pipe(fds), 0);
  std::string replies = "ok 42\nexit 3\npartial";
  ASSERT_EQ(::write(fds[1], replies.data(), replies.size()), static_cast<ssize_t>(replies.size()));
  ::close(fds[1]);
  LineBuffer lines;
  EXPECT_EQ(lines.ReadLine(fds[0]), "ok 42");
  EXPECT_EQ(lines.PopLine(), "exit 3") << "both replies arrived in one read";
  EXPECT_EQ(lines.ReadLine(fds[0]), std::nullopt) << "a line without its newline is not a line";
  ::close(fds[0]);
}

// The shim launcher's reading: lines keep their '\n', and at EOF the rest comes whole.
TEST(LineBufferTest, TakeLineOrRestKeepsTheNewlineAndGivesTheRest) {
  int fds[2];
  ASSERT_EQ(::pipe(fds), 0);
  std::string replies = "ready 1\nok 7 8\nerror cut";
  ASSERT_EQ(::write(fds[1], replies.data(), replies.size()), static_cast<ssize_t>(replies.size()));
  ::close(fds[1]);
  LineBuffer lines;
  EXPECT_FALSE(lines.HasLine());
  while (lines.ReadFrom(fds[0]) > 0) {
  }
  EXPECT_TRUE(lines.HasLine());
  EXPECT_EQ(lines.TakeLineOrRest(), "ready 1\n");
  EXPECT_EQ(lines.TakeLineOrRest(), "ok 7 8\n");
  EXPECT_FALSE(lines.HasLine());
  EXPECT_EQ(lines.TakeLineOrRest(), "error cut");
  EXPECT_EQ(lines.TakeLineOrRest(), "");
  ::close(fds[0]);
}

constexpr char kHybridMountInfo[] =
    "31 23 0:28 / /sys/fs/cgroup rw,relatime - tmpfs tmpfs rw,mode=755\n"
    "32 31 0:29 / /sys/fs/cgroup/cpu,cpuacct rw,relatime - cgroup cgroup rw,cpu,cpuacct\n"
    "35 31 0:32 / /sys/fs/cgroup/memory rw,relatime shared:9 - cgroup cgroup rw,memory\n"
    "36 31 0:33 / /sys/fs/cgroup/pids rw,relatime - cgroup cgroup rw,xattr,pids\n"
    "40 31 0:37 / /sys/fs/cgroup/systemd rw,relatime - cgroup cgroup "
    "rw,xattr,release_agent=/x,name=systemd\n"
    "41 31 0:38 / /sys/fs/cgroup/unified rw,relatime - cgroup2 cgroup2 rw\n"
    "50 31 0:39 /sub /mnt/pids-part rw,relatime - cgroup cgroup rw,pids\n";

TEST(ProcessCgroupsTest, JoinsEveryHierarchyWhereTheTargetIsElsewhere) {
  std::string target =
      "5:cpuacct,cpu:/boxcar/c1\n"  // order differs from the mount options
      "4:memory:/boxcar/c1\n"
      "3:pids:/boxcar/c1\n"
      "2:name=systemd:/user.slice\n"
      "1:blkio:/boxcar/c1\n"  // not mounted here: left out
      "0::/boxcar/c1\n";
  std::string own =
      "5:cpu,cpuacct:/\n"
      "4:memory:/agent\n"
      "3:pids:/\n"
      "2:name=systemd:/user.slice\n"  // the same cgroup: nothing to join
      "0::/\n";
  EXPECT_EQ(CgroupProcsFilesToJoin(target, own, kHybridMountInfo),
            (std::vector<std::string>{"/sys/fs/cgroup/unified/boxcar/c1/cgroup.procs",
                                      "/sys/fs/cgroup/cpu,cpuacct/boxcar/c1/cgroup.procs",
                                      "/sys/fs/cgroup/memory/boxcar/c1/cgroup.procs",
                                      "/sys/fs/cgroup/pids/boxcar/c1/cgroup.procs"}));
}

TEST(ProcessCgroupsTest, RootCgroupAndPartialMounts) {
  std::string mountinfo = "50 31 0:39 /sub /mnt/pids-part rw - cgroup cgroup rw,pids\n";
  EXPECT_EQ(CgroupProcsFilesToJoin("3:pids:/sub/c1\n", "3:pids:/other\n", mountinfo),
            std::vector<std::string>{"/mnt/pids-part/c1/cgroup.procs"});
  EXPECT_EQ(CgroupProcsFilesToJoin("3:pids:/sub\n", "3:pids:/other\n", mountinfo),
            std::vector<std::string>{"/mnt/pids-part/cgroup.procs"});
  EXPECT_TRUE(CgroupProcsFilesToJoin("3:pids:/elsewhere\n", "", mountinfo).empty())
      << "a cgroup outside the mounted part cannot be reached";
}

TEST(ProcessCgroupsTest, ReadsTheLiveProcessFiles) {
  auto files = CgroupProcsFilesToJoin(::getpid());
  ASSERT_TRUE(files.ok()) << files.status().message();
  EXPECT_TRUE(files->empty()) << "a process is in its own cgroups already";
}

}  // namespace
}  // namespace boxcar
