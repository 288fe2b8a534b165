// `boxcar top`: the processes of a running container. They are found through its PID 1's
// cgroups (whoever made them: the chroot shim, liblxc, ...) and kept when they share its PID
// namespace, which leaves out a shim or helper that sits in the same cgroup.
#include <dirent.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cstdlib>
#include <memory>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "cgroups/process_cgroups.h"
#include "common/atomic_file.h"
#include "core/container_service.h"
#include "core/container_states.h"

namespace boxcar {

namespace {

// The pids in `dir`'s cgroup.procs and in those of the cgroups below it.
void CollectCgroupPids(const std::string& dir, std::set<pid_t>* pids) {
  if (auto procs = ReadFileToString(dir + "/cgroup.procs"); procs.ok()) {
    std::istringstream lines(*procs);
    for (pid_t pid; lines >> pid;) pids->insert(pid);
  }
  std::unique_ptr<DIR, int (*)(DIR*)> listing(::opendir(dir.c_str()), ::closedir);
  if (!listing) return;
  while (struct dirent* child = ::readdir(listing.get())) {
    std::string name = child->d_name;
    if (child->d_type == DT_DIR && name != "." && name != "..") CollectCgroupPids(dir + "/" + name, pids);
  }
}

ino_t PidNamespaceOf(pid_t pid) {
  struct stat st;
  return ::stat(("/proc/" + std::to_string(pid) + "/ns/pid").c_str(), &st) == 0 ? st.st_ino : 0;
}

std::string TtyName(unsigned long tty_nr) {
  const unsigned major = (tty_nr >> 8) & 0xfff;
  const unsigned minor = (tty_nr & 0xff) | ((tty_nr >> 12) & 0xfff00);
  if (tty_nr == 0) return "?";
  if (major >= 136 && major <= 143) return "pts/" + std::to_string(minor + (major - 136) * 256);
  if (major == 4) return "tty" + std::to_string(minor);
  return std::to_string(major) + ":" + std::to_string(minor);
}

int64_t BootTimeUnixSeconds() {
  auto stat = ReadFileToString("/proc/stat");
  if (!stat.ok()) return 0;
  size_t at = stat->find("\nbtime ");
  return at == std::string::npos ? 0 : std::atoll(stat->c_str() + at + 7);
}

// One process from /proc; false when it is gone.
bool ReadProcess(pid_t pid, int64_t boot_unix_seconds, v1::ContainerProcess* process) {
  const std::string dir = "/proc/" + std::to_string(pid);
  auto stat = ReadFileToString(dir + "/stat");
  auto status = ReadFileToString(dir + "/status");
  if (!stat.ok() || !status.ok()) return false;
  // "pid (comm) state ppid ...": comm may hold spaces and parentheses; the last ')' ends it.
  size_t open = stat->find('('), close = stat->rfind(')');
  if (open == std::string::npos || close == std::string::npos) return false;
  const std::string comm = stat->substr(open + 1, close - open - 1);
  std::istringstream fields(stat->substr(close + 2));
  std::vector<std::string> field;  // field[0] is stat's field 3 (state)
  for (std::string value; fields >> value;) field.push_back(value);
  if (field.size() < 22) return false;
  const long ticks = ::sysconf(_SC_CLK_TCK);
  process->set_pid(pid);
  process->set_ppid(std::stoi(field[1]));
  process->set_tty(TtyName(std::stoul(field[4])));
  const uint64_t cpu_ticks = std::stoull(field[11]) + std::stoull(field[12]);
  process->set_cpu_time_ns(cpu_ticks * 1000000000ull / static_cast<uint64_t>(ticks));
  const uint64_t start_ticks = std::stoull(field[19]);
  process->set_start_unix_ns(boot_unix_seconds * 1000000000ll +
                             static_cast<int64_t>(start_ticks * 1000000000ull /
                                                  static_cast<uint64_t>(ticks)));
  process->set_rss_bytes(std::stoull(field[21]) * static_cast<uint64_t>(::sysconf(_SC_PAGESIZE)));
  if (size_t uid = status->find("\nUid:"); uid != std::string::npos)
    process->set_uid(static_cast<uint32_t>(std::strtoul(status->c_str() + uid + 5, nullptr, 10)));
  auto cmdline = ReadFileToString(dir + "/cmdline");
  std::string command = cmdline.ok() ? *cmdline : "";
  while (!command.empty() && command.back() == '\0') command.pop_back();
  std::replace(command.begin(), command.end(), '\0', ' ');
  process->set_command(command.empty() ? "[" + comm + "]" : command);
  return true;
}

}  // namespace

StatusOr<v1::TopResponse> ContainerService::Top(const std::string& container) {
  ASSIGN_OR_RETURN(EntryPtr entry, Lookup(container));
  pid_t init_pid = 0;
  std::string name;
  {
    std::lock_guard<std::mutex> lock(entry->mutex);
    name = entry->record.name();
    if (!IsLive(entry->record.state())) {
      return NotRunning(name);
    }
    init_pid = static_cast<pid_t>(entry->record.pid());
  }
  const ino_t pid_namespace = PidNamespaceOf(init_pid);
  ASSIGN_OR_RETURN(std::vector<std::string> procs_files, CgroupProcsFilesToJoin(init_pid));
  std::set<pid_t> pids = {init_pid};
  // Every hierarchy holds every process of the container: one suffices (the first; cgroup2
  // and the v1 controllers alike).
  if (!procs_files.empty()) {
    std::string dir = procs_files.front();
    CollectCgroupPids(dir.substr(0, dir.rfind('/')), &pids);
  }
  v1::TopResponse response;
  const int64_t boot = BootTimeUnixSeconds();
  for (pid_t pid : pids) {
    if (pid_namespace == 0 || PidNamespaceOf(pid) != pid_namespace) continue;
    v1::ContainerProcess process;
    if (ReadProcess(pid, boot, &process)) *response.add_processes() = std::move(process);
  }
  if (response.processes_size() == 0) {
    return FailedPrecondition("container: " + name + " has no process left");
  }
  return response;
}

}  // namespace boxcar
