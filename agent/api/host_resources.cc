#include "api/host_resources.h"

#include <sys/statvfs.h>
#include <sys/utsname.h>
#include <unistd.h>

#include <sstream>

#include "common/atomic_file.h"

namespace boxcar {

void ParseMeminfo(const std::string& meminfo, v1::HostResources* host) {
  std::istringstream lines(meminfo);
  for (std::string line; std::getline(lines, line);) {
    std::istringstream fields(line);
    std::string key;
    uint64_t kibibytes = 0;
    if (!(fields >> key >> kibibytes)) continue;
    if (key == "MemTotal:") host->set_memory_total_bytes(kibibytes * 1024);
    if (key == "MemAvailable:") host->set_memory_available_bytes(kibibytes * 1024);
  }
}

std::string ParseCpuModel(const std::string& cpuinfo) {
  std::istringstream lines(cpuinfo);
  for (std::string line; std::getline(lines, line);) {
    if (line.rfind("model name", 0) != 0) continue;
    auto colon = line.find(':');
    if (colon == std::string::npos) continue;
    auto start = line.find_first_not_of(" \t", colon + 1);
    return start == std::string::npos ? "" : line.substr(start);
  }
  return "";
}

void ParseUptime(const std::string& uptime, v1::HostResources* host) {
  std::istringstream fields(uptime);
  double seconds = 0;
  if (fields >> seconds) host->set_uptime_seconds(seconds);
}

void ParseLoadAverage(const std::string& loadavg, v1::HostResources* host) {
  std::istringstream fields(loadavg);
  double one = 0, five = 0, fifteen = 0;
  if (!(fields >> one >> five >> fifteen)) return;
  host->set_load_average_1m(one);
  host->set_load_average_5m(five);
  host->set_load_average_15m(fifteen);
}

StatusOr<v1::HostResources> ReadHostResources(const std::string& root_dir) {
  v1::HostResources host;
  struct utsname names {};
  if (::uname(&names) != 0) return ErrnoStatus("uname");
  host.set_hostname(names.nodename);
  host.set_kernel_release(names.release);
  host.set_architecture(names.machine);
  long cpus = ::sysconf(_SC_NPROCESSORS_ONLN);
  host.set_cpus(cpus > 0 ? static_cast<uint32_t>(cpus) : 0);
  if (auto cpuinfo = ReadFileToString("/proc/cpuinfo"); cpuinfo.ok())
    host.set_cpu_model(ParseCpuModel(*cpuinfo));
  if (auto meminfo = ReadFileToString("/proc/meminfo"); meminfo.ok()) ParseMeminfo(*meminfo, &host);
  if (auto uptime = ReadFileToString("/proc/uptime"); uptime.ok()) ParseUptime(*uptime, &host);
  if (auto loadavg = ReadFileToString("/proc/loadavg"); loadavg.ok())
    ParseLoadAverage(*loadavg, &host);
  struct statvfs disk {};
  if (::statvfs(root_dir.c_str(), &disk) != 0) return ErrnoStatus("statvfs '" + root_dir + "'");
  host.set_disk_total_bytes(static_cast<uint64_t>(disk.f_blocks) * disk.f_frsize);
  host.set_disk_available_bytes(static_cast<uint64_t>(disk.f_bavail) * disk.f_frsize);
  return host;
}

}  // namespace boxcar
