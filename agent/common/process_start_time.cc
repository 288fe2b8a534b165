#include "common/process_start_time.h"

#include <sstream>
#include <string>

#include "common/atomic_file.h"

namespace boxcar {

StatusOr<uint64_t> ReadProcessStartTicks(pid_t pid) {
  ASSIGN_OR_RETURN(std::string stat, ReadFileToString("/proc/" + std::to_string(pid) + "/stat"));
  // The command name (field 2) may hold spaces and parentheses: parse after the last ')'.
  auto close_paren = stat.rfind(')');
  if (close_paren == std::string::npos)
    return DataLoss("malformed /proc/" + std::to_string(pid) + "/stat");
  std::istringstream fields(stat.substr(close_paren + 2));
  std::string field;
  // Fields after the name start at 3 (state); start time is field 22.
  for (int index = 3; index < 22; ++index) fields >> field;
  uint64_t start_ticks = 0;
  if (!(fields >> start_ticks)) return DataLoss("malformed /proc/" + std::to_string(pid) + "/stat");
  return start_ticks;
}

bool ProcessIsRunning(pid_t pid, uint64_t start_ticks) {
  if (pid <= 0) return false;
  auto stat = ReadFileToString("/proc/" + std::to_string(pid) + "/stat");
  if (!stat.ok()) return false;
  auto close_paren = stat->rfind(')');
  if (close_paren == std::string::npos || close_paren + 2 >= stat->size()) return false;
  const char state = (*stat)[close_paren + 2];
  if (state == 'Z' || state == 'X') return false;
  auto ticks = ReadProcessStartTicks(pid);
  return ticks.ok() && *ticks == start_ticks;
}

}  // namespace boxcar
