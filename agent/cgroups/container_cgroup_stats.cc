// ContainerCgroup::ReadStats: usage counters from the v1 controllers' files or cgroup2's.
#include <sstream>

#include "cgroups/cgroup_files.h"
#include "cgroups/container_cgroup.h"
#include "common/atomic_file.h"

namespace boxcar {

namespace {

// Sums the Read and Write lines of blkio.throttle.io_service_bytes(_recursive) ("8:0 Read N").
void AddV1BlockIo(const std::string& path, CgroupStats* stats) {
  StatusOr<std::string> text = ReadFileToString(path);
  if (!text.ok()) return;
  std::istringstream lines(*text);
  for (std::string line; std::getline(lines, line);) {
    std::istringstream fields(line);
    std::string device, op;
    uint64_t value = 0;
    if (!(fields >> device >> op >> value)) continue;
    if (op == "Read") stats->block_read_bytes += value;
    if (op == "Write") stats->block_write_bytes += value;
  }
}

// Sums rbytes= and wbytes= of io.stat ("8:0 rbytes=N wbytes=N rios=N ...").
void AddV2BlockIo(const std::string& path, CgroupStats* stats) {
  StatusOr<std::string> text = ReadFileToString(path);
  if (!text.ok()) return;
  std::istringstream words(*text);
  for (std::string word; words >> word;) {
    if (word.rfind("rbytes=", 0) == 0) stats->block_read_bytes += std::stoull(word.substr(7));
    if (word.rfind("wbytes=", 0) == 0) stats->block_write_bytes += std::stoull(word.substr(7));
  }
}

}  // namespace

StatusOr<CgroupStats> ContainerCgroup::ReadStats() const {
  if (directories_.empty()) return FailedPrecondition("stats: the cgroup handle is empty");
  CgroupStats stats;
  const bool v2 = mode_ == CgroupMode::kV2;
  if (v2) {
    const std::string& dir = unified_directory_;
    stats.cpu_usage_ns = ReadCgroupKeyedValue(dir + "/cpu.stat", "usage_usec") * 1000;
    uint64_t current = ReadCgroupLimit((dir + "/memory.current"));
    uint64_t inactive = ReadCgroupKeyedValue(dir + "/memory.stat", "inactive_file");
    stats.memory_usage_bytes = current > inactive ? current - inactive : 0;
    stats.memory_limit_bytes = ReadCgroupLimit((dir + "/memory.max"));
    stats.pids_current = ReadCgroupLimit((dir + "/pids.current"));
    stats.pids_limit = ReadCgroupLimit((dir + "/pids.max"));
    AddV2BlockIo(dir + "/io.stat", &stats);
    return stats;
  }
  auto dir_of = [&](const char* controller) {
    auto it = v1_directories_.find(controller);
    return it == v1_directories_.end() ? std::string() : it->second;
  };
  if (std::string cpuacct = dir_of("cpuacct"); !cpuacct.empty()) {
    stats.cpu_usage_ns = ReadCgroupLimit((cpuacct + "/cpuacct.usage"));
  }
  if (std::string memory = dir_of("memory"); !memory.empty()) {
    uint64_t usage = ReadCgroupLimit((memory + "/memory.usage_in_bytes"));
    uint64_t inactive = ReadCgroupKeyedValue(memory + "/memory.stat", "total_inactive_file");
    stats.memory_usage_bytes = usage > inactive ? usage - inactive : 0;
    stats.memory_limit_bytes = ReadCgroupLimit((memory + "/memory.limit_in_bytes"));
  }
  if (std::string pids = dir_of("pids"); !pids.empty()) {
    stats.pids_current = ReadCgroupLimit((pids + "/pids.current"));
    stats.pids_limit = ReadCgroupLimit((pids + "/pids.max"));
  }
  if (std::string blkio = dir_of("blkio"); !blkio.empty()) {
    std::string recursive = blkio + "/blkio.throttle.io_service_bytes_recursive";
    AddV1BlockIo(CgroupFileExists(recursive) ? recursive : blkio + "/blkio.throttle.io_service_bytes",
                 &stats);
  }
  return stats;
}

}  // namespace boxcar
