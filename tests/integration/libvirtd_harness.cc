#include "libvirtd_harness.h"

#include <dirent.h>
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstdio>
#include <fstream>
#include <thread>

#include "common/directory_tree.h"

namespace boxcar::testing {

namespace {

constexpr const char* kLxcDriver =
    "/usr/lib/x86_64-linux-gnu/libvirt/connection-driver/libvirt_driver_lxc.so";
constexpr const char* kCgroupRoot = "/sys/fs/cgroup";

bool Exists(const std::string& path) { return ::access(path.c_str(), F_OK) == 0; }

std::string Output(const std::string& command) {
  std::string output;
  if (FILE* pipe = ::popen(command.c_str(), "r")) {
    char buffer[4096];
    size_t n;
    while ((n = std::fread(buffer, 1, sizeof buffer, pipe)) > 0) output.append(buffer, n);
    ::pclose(pipe);
  }
  return output;
}

std::vector<std::string> Names(const std::string& dir) {
  std::vector<std::string> names;
  if (DIR* d = ::opendir(dir.c_str())) {
    while (auto* entry = ::readdir(d)) {
      std::string name = entry->d_name;
      if (name != "." && name != "..") names.push_back(name);
    }
    ::closedir(d);
  }
  return names;
}

// libvirt's partition cgroup, in every v1 hierarchy.
std::vector<std::string> MachineCgroups() {
  std::vector<std::string> found;
  for (const auto& hierarchy : Names(kCgroupRoot)) {
    std::string machine = std::string(kCgroupRoot) + "/" + hierarchy + "/machine";
    if (Exists(machine)) found.push_back(machine);
  }
  return found;
}

std::string UriOf(const std::string& work_dir) {
  return "lxc:///system?socket=" + work_dir + "/libvirt-sock";
}

// Ends the boxcar domains a test left behind, with libvirtd's controllers.
void DestroyBoxcarDomains(const std::string& uri) {
  std::string listing = Output("virsh -q -c '" + uri + "' list --name 2>/dev/null");
  size_t start = 0;
  while (start < listing.size()) {
    size_t end = listing.find('\n', start);
    if (end == std::string::npos) end = listing.size();
    std::string name = listing.substr(start, end - start);
    if (name.rfind("boxcar-", 0) == 0) {
      Output("virsh -q -c '" + uri + "' destroy " + name + " >/dev/null 2>&1");
    }
    start = end + 1;
  }
}

// SIGTERM, then SIGKILL after 20 s.
void EndProcess(pid_t pid, bool kill9) {
  ::kill(pid, kill9 ? SIGKILL : SIGTERM);
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(20);
  while (::kill(pid, 0) == 0 && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  if (::kill(pid, 0) == 0) ::kill(pid, SIGKILL);
}

// libvirt removes a domain's machine cgroup when its controller ends cleanly; a libvirtd
// killed by a test leaves the (empty) lxc-PID-boxcar-ID.libvirt-lxc groups behind. The
// partition itself goes when the harness made it.
void RemoveMachineCgroups(bool partition_too) {
  for (const auto& machine : MachineCgroups()) {
    for (const auto& name : Names(machine)) {
      if (name.find("-boxcar-") != std::string::npos && name.size() > 12 &&
          name.compare(name.size() - 12, 12, ".libvirt-lxc") == 0) {
        ::rmdir((machine + "/" + name).c_str());
      }
    }
    if (partition_too) ::rmdir(machine.c_str());
  }
}

// A test process that crashed or was killed never ran its harness's destructor: its libvirtd
// (a daemon) lives on with the domains it ran, and its work directory stays. The next
// harness ends that libvirtd (the one whose pid file its directory holds, when that process
// is still the libvirtd of that directory), removes the machine cgroups it made, and unmounts
// and removes the directories whose owner (owner.pid, the test process) is gone.
void RemoveDeadHarnessesLeftovers() {
  for (const auto& name : Names("/tmp")) {
    if (name.rfind("boxcar-libvirtd-", 0) != 0) continue;
    const std::string dir = "/tmp/" + name;
    std::ifstream owner_file(dir + "/owner.pid");
    pid_t owner = 0;
    if (owner_file >> owner && owner > 0 && (::kill(owner, 0) == 0 || errno != ESRCH)) continue;
    std::ifstream pid_file(dir + "/libvirtd.pid");
    pid_t libvirtd = 0;
    if (pid_file >> libvirtd && libvirtd > 0) {
      std::ifstream cmdline_file("/proc/" + std::to_string(libvirtd) + "/cmdline");
      std::string cmdline((std::istreambuf_iterator<char>(cmdline_file)),
                          std::istreambuf_iterator<char>());
      if (cmdline.find(dir + "/libvirtd.conf") != std::string::npos) {
        DestroyBoxcarDomains(UriOf(dir));
        EndProcess(libvirtd, /*kill9=*/false);
      }
    }
    RemoveMachineCgroups(/*partition_too=*/Exists(dir + "/made-machine-cgroups"));
    ::umount2((dir + "/shared").c_str(), MNT_DETACH);
    (void)RemoveTree(dir);
  }
}

}  // namespace

LibvirtdHarness& LibvirtdHarness::Shared() {
  static LibvirtdHarness harness;
  return harness;
}

LibvirtdHarness::LibvirtdHarness() {
  run_libvirt_existed_ = Exists("/run/libvirt");
  log_libvirt_existed_ = Exists("/var/log/libvirt");
  RemoveDeadHarnessesLeftovers();
  machine_cgroup_existed_ = !MachineCgroups().empty();
  char dir_template[] = "/tmp/boxcar-libvirtd-XXXXXX";
  work_dir_ = ::mkdtemp(dir_template);
  std::ofstream(work_dir_ + "/owner.pid") << ::getpid() << "\n";
  if (!machine_cgroup_existed_) std::ofstream(work_dir_ + "/made-machine-cgroups");
  ::mkdir((work_dir_ + "/drivers").c_str(), 0755);
  const std::string shared = shared_dir();
  ::mkdir(shared.c_str(), 0755);
  EXPECT_EQ(::mount(shared.c_str(), shared.c_str(), nullptr, MS_BIND, nullptr), 0);
  EXPECT_EQ(::mount(nullptr, shared.c_str(), nullptr, MS_SHARED, nullptr), 0);
  EXPECT_EQ(::symlink(kLxcDriver, (work_dir_ + "/drivers/libvirt_driver_lxc.so").c_str()), 0);
  std::ofstream config(work_dir_ + "/libvirtd.conf");
  config << "log_level = 3\n"
         << "log_outputs = \"3:file:" << work_dir_ << "/libvirtd.log\"\n"
         << "auth_unix_rw = \"none\"\n"
         << "auth_unix_ro = \"none\"\n"
         << "unix_sock_dir = \"" << work_dir_ << "\"\n";
  config.close();
  Start();
}

void LibvirtdHarness::Start() {
  const std::string command =
      "unshare -m --propagation slave sh -c 'umount /sys/fs/cgroup/unified 2>/dev/null; "
      "LIBVIRT_DRIVER_DIR=" +
      work_dir_ + "/drivers exec libvirtd -d -f " + work_dir_ + "/libvirtd.conf -p " + work_dir_ +
      "/libvirtd.pid' >>" + work_dir_ + "/start.log 2>&1";
  ::unlink((work_dir_ + "/libvirtd.pid").c_str());
  int status = std::system(command.c_str());
  ASSERT_EQ(status, 0) << "libvirtd did not start; see " << work_dir_ << "/start.log";
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(20);
  while (std::chrono::steady_clock::now() < deadline) {
    std::ifstream pid_file(work_dir_ + "/libvirtd.pid");
    int pid = 0;
    if (pid_file >> pid && pid > 0 && Exists(work_dir_ + "/libvirt-sock") &&
        Output("virsh -q -c '" + uri() + "' version 2>&1").find("libvirt") != std::string::npos) {
      pid_ = pid;
      return;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  FAIL() << "libvirtd did not answer at " << uri() << "; see " << work_dir_ << "/libvirtd.log";
}

void LibvirtdHarness::Stop(bool kill9) {
  if (pid_ <= 0) return;
  EndProcess(pid_, kill9);
  pid_ = 0;
}

std::string LibvirtdHarness::BoxcarDomains() const {
  std::string listing = Output("virsh -q -c '" + uri() + "' list --all --name 2>&1");
  std::string domains;
  size_t start = 0;
  while (start < listing.size()) {
    size_t end = listing.find('\n', start);
    if (end == std::string::npos) end = listing.size();
    std::string name = listing.substr(start, end - start);
    if (name.rfind("boxcar-", 0) == 0) domains += name + "\n";
    start = end + 1;
  }
  return domains;
}

std::string LibvirtdHarness::RunStateOf(const std::string& prefix) {
  std::string found;
  for (const auto& name : Names("/run/libvirt/lxc")) {
    if (name.rfind(prefix, 0) == 0) found += name + "\n";
  }
  return found;
}

std::string LibvirtdHarness::RunStateLeftAfter(const std::string& prefix,
                                               std::chrono::milliseconds timeout) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  std::string left = RunStateOf(prefix);
  while (!left.empty() && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
    left = RunStateOf(prefix);
  }
  return left;
}

void LibvirtdHarness::RemoveDomainLeftovers() {
  for (const auto& name : Names("/run/libvirt/lxc")) {
    if (name.rfind("boxcar-", 0) == 0) (void)RemoveTree("/run/libvirt/lxc/" + name);
  }
  for (const auto& name : Names("/var/log/libvirt/lxc")) {
    if (name.rfind("boxcar-", 0) == 0) ::unlink(("/var/log/libvirt/lxc/" + name).c_str());
  }
}

LibvirtdHarness::~LibvirtdHarness() {
  DestroyBoxcarDomains(uri());
  Stop();
  RemoveDomainLeftovers();
  if (!run_libvirt_existed_) (void)RemoveTree("/run/libvirt");
  if (!log_libvirt_existed_) (void)RemoveTree("/var/log/libvirt");
  RemoveMachineCgroups(/*partition_too=*/!machine_cgroup_existed_);
  ::umount2(shared_dir().c_str(), MNT_DETACH);
  (void)RemoveTree(work_dir_);
}

}  // namespace boxcar::testing
