#include "backends/libvirt/libvirt_domains.h"

#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <fstream>

#include "common/directory_tree.h"
#include "../../temp_dir.h"

namespace boxcar {
namespace {

class LibvirtDomainsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_NO_FATAL_FAILURE(MakeTempDir("/tmp/libvirt-domains-test-XXXXXX", &state_dir_));
    ASSERT_NO_FATAL_FAILURE(MakeTempDir("/tmp/libvirt-cgroups-test-XXXXXX", &cgroup_root_));
  }
  void TearDown() override {
    ASSERT_TRUE(RemoveTree(state_dir_).ok());
    ASSERT_TRUE(RemoveTree(cgroup_root_).ok());
  }

  // libvirt's cgroup of a domain under `hierarchy` ("" for a v2 root), as directories.
  std::string MakeCgroup(const std::string& hierarchy, const std::string& cgroup) {
    const std::string path =
        cgroup_root_ + (hierarchy.empty() ? "" : "/" + hierarchy) + "/machine/" + cgroup;
    EXPECT_TRUE(MakeDirectories(path).ok()) << path;
    return path;
  }
  static bool Exists(const std::string& path) { return ::access(path.c_str(), F_OK) == 0; }

  // What libvirt 9.0 leaves of an ended domain (and, with `running`, has while it runs).
  void LeaveFilesOf(const std::string& name, bool running = false) {
    for (const char* dir : {".dev", ".devpts", ".fuse"}) {
      ASSERT_EQ(::mkdir((state_dir_ + "/" + name + dir).c_str(), 0755), 0);
    }
    std::ofstream(state_dir_ + "/" + name + ".dev/null") << "";
    std::ofstream(state_dir_ + "/" + name + ".sock") << "";
    if (running) std::ofstream(state_dir_ + "/" + name + ".pid") << "42\n";
  }
  std::string Files() {
    std::string all;
    for (const auto& name : ListDirectoryNames(state_dir_)) all += name + " ";
    return all;
  }

  std::string state_dir_;
  std::string cgroup_root_;
};

TEST_F(LibvirtDomainsTest, TheEndOfTheCurrentRunIsReportedAndItsFilesGo) {
  LibvirtDomains domains(state_dir_, cgroup_root_);
  domains.Creating("boxcar-aaa", "aaa-id");
  domains.Created("boxcar-aaa", "uuid-1");
  LeaveFilesOf("boxcar-aaa");
  LeaveFilesOf("boxcar-bbb");  // another agent's: never touched
  EXPECT_EQ(domains.Running().at("boxcar-aaa"), "uuid-1");
  EXPECT_EQ(domains.Ended("boxcar-aaa", "uuid-1"), std::optional<std::string>("aaa-id"));
  EXPECT_EQ(Files(), "boxcar-bbb.dev boxcar-bbb.devpts boxcar-bbb.fuse boxcar-bbb.sock ");
  EXPECT_EQ(domains.Ended("boxcar-aaa", "uuid-1"), std::nullopt) << "reported once";
  EXPECT_EQ(domains.Ended("boxcar-bbb", "uuid-9"), std::nullopt) << "not ours";
  EXPECT_TRUE(domains.Running().empty());
}

TEST_F(LibvirtDomainsTest, ALateEndOfAnEarlierDomainOfTheSameNameChangesNothing) {
  LibvirtDomains domains(state_dir_, cgroup_root_);
  domains.Creating("boxcar-aaa", "aaa-id");
  LeaveFilesOf("boxcar-aaa", /*running=*/true);
  EXPECT_EQ(domains.Ended("boxcar-aaa", "uuid-old"), std::nullopt) << "still being created";
  domains.Created("boxcar-aaa", "uuid-new");
  EXPECT_EQ(domains.Ended("boxcar-aaa", "uuid-old"), std::nullopt);
  EXPECT_NE(Files().find("boxcar-aaa.sock"), std::string::npos);
  EXPECT_EQ(domains.Running().size(), 1u);
}

TEST_F(LibvirtDomainsTest, AnEarlierRunsDomainEndingIsNoExitOfTheCurrentOne) {
  LibvirtDomains domains(state_dir_, cgroup_root_);
  domains.Creating("boxcar-aaa", "aaa-id");
  domains.Created("boxcar-aaa", "uuid-1");
  domains.Creating("boxcar-aaa-1", "aaa-id");  // a restart while the first still goes away
  domains.Created("boxcar-aaa-1", "uuid-2");
  LeaveFilesOf("boxcar-aaa");
  EXPECT_EQ(domains.Ended("boxcar-aaa", "uuid-1"), std::nullopt);
  EXPECT_EQ(Files(), "") << "its files go all the same";
  EXPECT_EQ(domains.Ended("boxcar-aaa-1", "uuid-2"), std::optional<std::string>("aaa-id"));
}

TEST_F(LibvirtDomainsTest, ReleaseRemovesTheFilesOfTheContainersEndedDomainsOnly) {
  LibvirtDomains domains(state_dir_, cgroup_root_);
  LeaveFilesOf("boxcar-aaa");                    // ended while the agent was away
  LeaveFilesOf("boxcar-aaa-2");                  // an earlier run's, likewise
  LeaveFilesOf("boxcar-aaa-3", /*running=*/true);  // libvirt still has it
  LeaveFilesOf("boxcar-aaab");                   // another container's
  LeaveFilesOf("boxcar-aaa-x");                  // no run of it either
  domains.Found("boxcar-aaa-4", "uuid-4", "aaa-id");
  LeaveFilesOf("boxcar-aaa-4");  // running, as the registry knows
  domains.Release("aaa-id", "boxcar-aaa");
  const std::string files = Files();
  EXPECT_EQ(files.find("boxcar-aaa."), std::string::npos) << files;
  EXPECT_EQ(files.find("boxcar-aaa-2."), std::string::npos) << files;
  EXPECT_NE(files.find("boxcar-aaa-3.sock"), std::string::npos) << files;
  EXPECT_NE(files.find("boxcar-aaa-4.sock"), std::string::npos) << files;
  EXPECT_NE(files.find("boxcar-aaab.sock"), std::string::npos) << files;
  EXPECT_NE(files.find("boxcar-aaa-x.sock"), std::string::npos) << files;
  EXPECT_EQ(domains.Ended("boxcar-aaa-4", "uuid-4"), std::nullopt)
      << "a removed container's run is reported no more";
  EXPECT_EQ(Files().find("boxcar-aaa-4."), std::string::npos) << "but its files go";
}

// A transient domain kept shut off by a libvirtd restarted after its init ended, once libvirt
// dropped it: its files (a stale pid file too) and its empty machine cgroups go.
TEST_F(LibvirtDomainsTest, ADroppedDomainLeavesNoFilesAndNoMachineCgroups) {
  LibvirtDomains domains(state_dir_, cgroup_root_);
  LeaveFilesOf("boxcar-aaa", /*running=*/true);
  LeaveFilesOf("boxcar-aaa-1");
  const std::string v1 = MakeCgroup("memory", "lxc-4544-boxcar-aaa.libvirt-lxc");
  const std::string nested = MakeCgroup("cpu,cpuacct", "lxc-4544-boxcar-aaa.libvirt-lxc/inner");
  const std::string v2 = MakeCgroup("", "lxc-77-boxcar-aaa.libvirt-lxc");
  const std::string later_run = MakeCgroup("memory", "lxc-4600-boxcar-aaa-1.libvirt-lxc");
  const std::string other = MakeCgroup("memory", "lxc-12-boxcar-aaab.libvirt-lxc");
  const std::string busy = MakeCgroup("pids", "lxc-4544-boxcar-aaa.libvirt-lxc");
  std::ofstream(busy + "/tasks") << "1\n";  // as a cgroup with a process refuses rmdir
  domains.Dropped("boxcar-aaa");
  EXPECT_EQ(Files().find("boxcar-aaa."), std::string::npos) << Files();
  EXPECT_NE(Files().find("boxcar-aaa-1.sock"), std::string::npos) << Files();
  EXPECT_FALSE(Exists(v1));
  EXPECT_FALSE(Exists(nested));
  EXPECT_FALSE(Exists(v2));
  EXPECT_TRUE(Exists(busy));
  EXPECT_TRUE(Exists(later_run));
  EXPECT_TRUE(Exists(other));
  EXPECT_TRUE(Exists(cgroup_root_ + "/memory/machine")) << "libvirt's partition stays";

  domains.Creating("boxcar-aaa-1", "aaa-id");
  domains.Dropped("boxcar-aaa-1");
  EXPECT_NE(Files().find("boxcar-aaa-1.sock"), std::string::npos) << "a name running again";
  EXPECT_TRUE(Exists(later_run));
}

TEST_F(LibvirtDomainsTest, NothingIsRemovedWhenLibvirtdIsElsewhere) {
  LibvirtDomains domains("");
  domains.Creating("boxcar-aaa", "aaa-id");
  domains.Created("boxcar-aaa", "uuid-1");
  LeaveFilesOf("boxcar-aaa");
  EXPECT_EQ(domains.Ended("boxcar-aaa", "uuid-1"), std::optional<std::string>("aaa-id"));
  domains.Release("aaa-id", "boxcar-aaa");
  EXPECT_NE(Files(), "");
}

}  // namespace
}  // namespace boxcar
