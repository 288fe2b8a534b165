// Conformance, device access on every backend (conformance_test.cc says how the suite works):
// the container's device cgroup allows Docker's default nodes only, so root with --cap-add
// MKNOD may make a host disk's node but not open it; --device HOST[:CONTAINER[:PERMS]] puts
// the host's node into the container and allows exactly PERMS on it; bad mappings are refused
// naming spec.devices[i], creating nothing.
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include <cstdio>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "agent_fixture.h"
#include "conformance_fixture.h"

namespace boxcar::testing {
namespace {

// `command`'s stdout, run by the host's shell.
std::string HostOutput(const std::string& command) {
  std::string out;
  FILE* pipe = ::popen(command.c_str(), "r");
  if (pipe == nullptr) return out;
  char buffer[256];
  while (size_t n = std::fread(buffer, 1, sizeof buffer, pipe)) out.append(buffer, n);
  ::pclose(pipe);
  return out;
}

// A loop device over a 64 KiB file that starts with "boxcar-loop", detached at the end.
class LoopDevice {
 public:
  LoopDevice() {
    char dir_template[] = "/tmp/boxcar-devices-XXXXXX";
    dir_ = ::mkdtemp(dir_template);
    backing_file_ = dir_ + "/backing";
    {
      std::ofstream backing(backing_file_);
      backing << "boxcar-loop";
      backing << std::string(65536 - 11, '\0');
    }
    std::string attached = HostOutput("losetup -f --show " + backing_file_);
    path_ = attached.substr(0, attached.find('\n'));
  }
  ~LoopDevice() {
    if (!path_.empty()) HostOutput("losetup -d " + path_);
    ::unlink(backing_file_.c_str());
    ::rmdir(dir_.c_str());
  }
  const std::string& path() const { return path_; }
  std::string MajorMinor() const {
    struct stat info;
    if (::stat(path_.c_str(), &info) != 0) return "";
    return std::to_string(major(info.st_rdev)) + " " + std::to_string(minor(info.st_rdev));
  }
  std::string Contents() const {
    std::ifstream backing(backing_file_);
    std::string text(11, '\0');
    backing.read(text.data(), 11);
    return text;
  }

 private:
  std::string dir_;
  std::string backing_file_;
  std::string path_;
};

class ConformanceDevicesTest : public ConformanceTest {};

// NOTE: a loop device stands for the host's disk: this machine's own sandbox refuses even host
// root the open of its disk (/dev/vda), so reading that would prove nothing.
TEST_P(ConformanceDevicesTest, AHostDiskNodeMadeWithMknodCannotBeOpened) {
  LoopDevice disk;
  ASSERT_FALSE(disk.path().empty());
  // mknod is allowed for every device ("m"), as Docker's; reading or writing is not.
  const std::string make = "mknod /dev/hostdisk b " + disk.MajorMinor() + " && echo made && ";
  CommandResult read =
      RunRm({"--cap-add", "MKNOD"}, {"sh", "-c", make + "dd if=/dev/hostdisk bs=11 count=1 2>&1"});
  EXPECT_EQ(read.out.substr(0, 5), "made\n") << read.err;
  EXPECT_EQ(read.out.find("boxcar-loop"), std::string::npos) << read.out;
  EXPECT_NE(read.out.find("Operation not permitted"), std::string::npos) << read.out;
  CommandResult write = RunRm(
      {"--cap-add", "MKNOD"},
      {"sh", "-c",
       make + "(printf X | dd of=/dev/hostdisk conv=notrunc,fsync) 2>/dev/null || echo refused"});
  EXPECT_EQ(write.out, "made\nrefused\n") << write.err;
  EXPECT_EQ(disk.Contents(), "boxcar-loop");
}

TEST_P(ConformanceDevicesTest, TheDefaultNodesStayUsable) {
  CommandResult used = RunRm(
      {}, {"sh", "-c",
           "echo x > /dev/null && head -c 3 /dev/zero | wc -c && head -c 5 /dev/urandom | wc -c "
           "&& head -c 2 /dev/random | wc -c && (echo x > /dev/full) 2>&1 | grep -c 'No space'"});
  EXPECT_EQ(used.out, "3\n5\n2\n1\n") << used.err;
  // A terminal: /dev/ptmx and the container's /dev/pts.
  CommandResult tty = RunRm({"-t"}, {"sh", "-c", "tty && echo ok > /dev/tty"});
  EXPECT_NE(tty.out.find("/dev/pts/"), std::string::npos) << tty.out << tty.err;
  EXPECT_NE(tty.out.find("ok"), std::string::npos) << tty.out << tty.err;
}

// --privileged: the host's nodes are in its /dev and its device cgroup allows every one.
TEST_P(ConformanceDevicesTest, APrivilegedContainerOpensTheHostsDevices) {
  LoopDevice loop;
  ASSERT_FALSE(loop.path().empty());
  CommandResult read =
      RunRm({"--privileged"}, {"sh", "-c", "dd if=" + loop.path() + " bs=11 count=1 2>/dev/null"});
  EXPECT_EQ(read.out, "boxcar-loop") << read.err;
}

TEST_P(ConformanceDevicesTest, AMappedDeviceIsUsableAndOnlyThere) {
  LoopDevice loop;
  ASSERT_FALSE(loop.path().empty());
  const std::string read_script = "dd if=/dev/xvdc bs=11 count=1 2>/dev/null";
  CommandResult read = RunRm({"--device", loop.path() + ":/dev/xvdc"},
                             {"sh", "-c", "ls -l /dev/xvdc | cut -c1 && " + read_script});
  EXPECT_EQ(read.out, "b\nboxcar-loop") << read.err;
  // Written through the container, seen on the host.
  CommandResult written = RunRm(
      {"--device", loop.path() + ":/dev/xvdc:rw"},
      {"sh", "-c", "printf BOXCAR | dd of=/dev/xvdc conv=notrunc,fsync 2>/dev/null && echo ok"});
  EXPECT_EQ(written.out, "ok\n") << written.err;
  EXPECT_EQ(loop.Contents(), "BOXCAR-loop");
  // The same path in the container when only the host path is given.
  CommandResult same_path =
      RunRm({"--device", loop.path()}, {"sh", "-c", "dd if=" + loop.path() + " bs=6 count=1"});
  EXPECT_EQ(same_path.out, "BOXCAR") << same_path.err;

  // Without --device the node is not there (and made with mknod it cannot be opened, above).
  CommandResult absent = RunRm({}, {"sh", "-c", "test -e " + loop.path() + " || echo absent"});
  EXPECT_EQ(absent.out, "absent\n") << absent.err;
}

TEST_P(ConformanceDevicesTest, ReadOnlyPermissionRefusesWrites) {
  LoopDevice loop;
  ASSERT_FALSE(loop.path().empty());
  CommandResult result = RunRm({"--device", loop.path() + ":/dev/ro:r"},
                               {"sh", "-c",
                                "dd if=/dev/ro bs=6 count=1 2>/dev/null && echo && "
                                "printf X | dd of=/dev/ro conv=notrunc 2>&1; echo done"});
  EXPECT_NE(result.out.find("boxcar\n"), std::string::npos) << result.out << result.err;
  EXPECT_NE(result.out.find("Operation not permitted"), std::string::npos) << result.out;
  EXPECT_EQ(loop.Contents(), "boxcar-loop");
  // The device stays allowed for execs too, with the same permission.
  std::string id = RunDetached({"--device", loop.path() + ":/dev/ro:r"}, {"sleep", "30"});
  CommandResult exec = agent_.Cli({"exec", id, "dd", "if=/dev/ro", "bs=6", "count=1"});
  EXPECT_EQ(exec.out, "boxcar") << exec.err;
  v1::Container inspected = Inspect(id);
  ASSERT_EQ(inspected.spec().devices_size(), 1);
  EXPECT_EQ(inspected.spec().devices(0).host_path(), loop.path());
  EXPECT_EQ(inspected.spec().devices(0).container_path(), "/dev/ro");
  EXPECT_EQ(inspected.spec().devices(0).permissions(), "r");
  CommandResult shown = agent_.Cli({"inspect", id});
  EXPECT_NE(shown.out.find("\"/dev/ro\""), std::string::npos) << shown.out;
  agent_.Cli({"rm", "-f", id});
}

TEST_P(ConformanceDevicesTest, BadMappingsAreRefusedNamingTheField) {
  struct Case {
    std::string flag;
    std::string message;
  } cases[] = {
      {"/dev/no-such-device", "spec.devices[1]"},
      {"/etc/passwd", "spec.devices[1]"},
      {"/dev/null:relative/path", "spec.devices[1]"},
      {"/dev/null:/dev/n:rwx", "spec.devices[1]"},
  };
  for (const Case& bad : cases) {
    CommandResult refused =
        agent_.Cli({"create", "--device", "/dev/zero", "--device", bad.flag, "busybox", "true"});
    EXPECT_NE(refused.exit_code, 0) << bad.flag;
    EXPECT_NE(refused.err.find(bad.message), std::string::npos) << bad.flag << ": " << refused.err;
  }
  EXPECT_EQ(agent_.Cli({"ps", "-a", "-q"}).out, "") << "nothing was created";
}

// Every backend this build has (libvirt against a private libvirtd, libvirtd_harness.h).
INSTANTIATE_TEST_SUITE_P(Backends, ConformanceDevicesTest,
                         ::testing::Values("chroot", "lxc", "libvirt"),
                         [](const auto& info) { return info.param; });

}  // namespace
}  // namespace boxcar::testing
