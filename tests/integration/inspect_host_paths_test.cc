// `boxcar inspect`'s host paths on every backend, as Docker's ContainerInspect has them:
// ResolvConfPath, HostnamePath and HostsPath are the files bind-mounted over the container's
// /etc (read on the host, they hold what the container reads), LogPath holds its output,
// GraphDriver.Data the overlay mount of its rootfs (checked against the kernel's mount table),
// SizeRw/SizeRootFs only with --size, and "" before the first start.
#include <gtest/gtest.h>

#include <fstream>
#include <sstream>
#include <string>

#include "agent_fixture.h"
#include "common/atomic_file.h"

namespace boxcar::testing {
namespace {

class InspectHostPathsTest : public ::testing::TestWithParam<std::string>, public AgentFixture {
 protected:
  void SetUp() override { StartBackendAgent(GetParam()); }
  void TearDown() override { StopBackendAgentAndCheckLeftovers(); }

  std::string Format(const std::string& format_template, const std::string& name,
                     const std::vector<std::string>& flags = {}) {
    std::vector<std::string> args{"inspect", "-f", format_template};
    args.insert(args.end(), flags.begin(), flags.end());
    args.push_back(name);
    CommandResult formatted = agent_.Cli(args);
    EXPECT_EQ(formatted.exit_code, 0) << format_template << ": " << formatted.err;
    if (!formatted.out.empty() && formatted.out.back() == '\n') formatted.out.pop_back();
    return formatted.out;
  }

  static std::string HostFile(const std::string& path) {
    auto content = ReadFileToString(path);
    return content.ok() ? *content : "<" + std::string(content.status().message()) + ">";
  }

  std::string Inside(const std::string& name, const std::string& path) {
    CommandResult cat = agent_.Cli({"exec", name, "cat", path});
    return cat.exit_code == 0 ? cat.out : "<exit " + std::to_string(cat.exit_code) + ">";
  }

  // The overlay mount on `mount_point`: its options as the kernel shows them, "" if none.
  static std::string OverlayOptions(const std::string& mount_point) {
    std::ifstream mounts("/proc/self/mounts");
    std::string device, where, type, options;
    std::string line;
    while (std::getline(mounts, line)) {
      std::istringstream fields(line);
      fields >> device >> where >> type >> options;
      if (where == mount_point && type == "overlay") return options;
    }
    return "";
  }
};

TEST_P(InspectHostPathsTest, PathsAreTheFilesTheContainerUses) {
  CommandResult created = agent_.Cli({"create", "--name", "fresh", "busybox", "true"});
  ASSERT_EQ(created.exit_code, 0) << created.err;
  // As Docker's: the files exist from the first start on.
  EXPECT_EQ(
      Format("[{{.ResolvConfPath}}][{{.HostnamePath}}][{{.HostsPath}}][{{.LogPath}}]", "fresh"),
      "[][][][]");
  EXPECT_EQ(Format("{{.GraphDriver.Name}} {{.Driver}}", "fresh"), "overlay2 overlay2");

  const std::string id = RunDetached(
      {"--name", "paths", "--hostname", "pathhost", "--add-host", "db.example:10.9.8.7"},
      {"sh", "-c", "echo marker-output-1; sleep 300"});
  ASSERT_FALSE(id.empty());
  const std::string resolv = Format("{{.ResolvConfPath}}", "paths");
  const std::string hostname = Format("{{.HostnamePath}}", "paths");
  const std::string hosts = Format("{{.HostsPath}}", "paths");
  const std::string log = Format("{{.LogPath}}", "paths");
  for (const std::string& path : {resolv, hostname, hosts, log}) {
    EXPECT_EQ(path.rfind(agent_.root_dir() + "/containers/" + id + "/", 0), 0u) << path;
  }
  EXPECT_EQ(HostFile(hostname), Inside("paths", "/etc/hostname"));
  EXPECT_NE(HostFile(hostname).find("pathhost"), std::string::npos);
  EXPECT_EQ(HostFile(hosts), Inside("paths", "/etc/hosts"));
  EXPECT_NE(HostFile(hosts).find("10.9.8.7"), std::string::npos) << HostFile(hosts);
  EXPECT_EQ(HostFile(resolv), Inside("paths", "/etc/resolv.conf"));
  std::string output;
  for (int i = 0; i < 100 && output.find("marker-output-1") == std::string::npos; ++i) {
    usleep(50 * 1000);
    output = HostFile(log);
  }
  EXPECT_NE(output.find("marker-output-1"), std::string::npos) << log << ": " << output;

  // GraphDriver.Data against the overlay mount of its rootfs.
  const std::string merged = Format("{{.GraphDriver.Data.MergedDir}}", "paths");
  const std::string options = OverlayOptions(merged);
  ASSERT_FALSE(options.empty()) << "no overlay mounted on '" << merged << "'";
  const std::string lower = Format("{{.GraphDriver.Data.LowerDir}}", "paths");
  const std::string upper = Format("{{.GraphDriver.Data.UpperDir}}", "paths");
  const std::string work = Format("{{.GraphDriver.Data.WorkDir}}", "paths");
  if (options.find("lowerdir=") != std::string::npos) {  // not with fd-passed (idmapped) lowers
    EXPECT_NE(options.find("lowerdir=" + lower + ","), std::string::npos)
        << options << "\nLowerDir " << lower;
  }
  EXPECT_NE(options.find("upperdir=" + upper), std::string::npos) << options;
  EXPECT_NE(options.find("workdir=" + work), std::string::npos) << options;
  ASSERT_EQ(agent_.Cli({"exec", "paths", "sh", "-c", "echo changed > /changed-file"}).exit_code, 0);
  EXPECT_EQ(HostFile(upper + "/changed-file"), "changed\n");
  EXPECT_EQ(Format("{{.State.Pid}}", "paths"), std::to_string(Inspect(id).pid()));

  // Sizes only when asked, as Docker's: its writable layer, and that with its image.
  ASSERT_EQ(agent_.Cli({"exec", "paths", "dd", "if=/dev/zero", "of=/big", "bs=1024", "count=2048"})
                .exit_code,
            0);
  CommandResult plain = agent_.Cli({"inspect", "paths"});
  EXPECT_EQ(plain.out.find("\"SizeRw\""), std::string::npos);
  EXPECT_EQ(plain.out.find("\"SizeRootFs\""), std::string::npos);
  const std::string sizes = Format("{{.SizeRw}} {{.SizeRootFs}}", "paths", {"--size"});
  const long long size_rw = std::stoll(sizes.substr(0, sizes.find(' ')));
  const long long size_root_fs = std::stoll(sizes.substr(sizes.find(' ') + 1));
  EXPECT_GE(size_rw, 2048 * 1024) << sizes;
  EXPECT_LT(size_rw, 2048 * 1024 + 64 * 1024) << sizes;
  EXPECT_GT(size_root_fs, size_rw) << sizes;
  EXPECT_EQ(Format("{{.SizeRw}}", "paths", {"-s"}), std::to_string(size_rw));

  ASSERT_EQ(agent_.Cli({"rm", "-f", "paths", "fresh"}).exit_code, 0);
}

INSTANTIATE_TEST_SUITE_P(Backends, InspectHostPathsTest,
                         ::testing::Values("chroot", "lxc", "libvirt"),
                         [](const auto& info) { return info.param; });

}  // namespace
}  // namespace boxcar::testing
