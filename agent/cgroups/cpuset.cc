#include "cgroups/cpuset.h"

#include <sys/stat.h>

#include <cerrno>
#include <cstdlib>

#include "cgroups/cgroup_files.h"

namespace boxcar {

namespace {

// Larger than any kernel's NR_CPUS: a typo such as "0-99999999" is refused, not expanded.
constexpr unsigned kMaxCpusetMember = 1u << 16;

bool ParseMember(const std::string& text, unsigned* value) {
  if (text.empty() || text.size() > 6 || text.find_first_not_of("0123456789") != std::string::npos)
    return false;
  *value = static_cast<unsigned>(std::strtoul(text.c_str(), nullptr, 10));
  return *value < kMaxCpusetMember;
}

Status CheckAgainstOnline(const std::string& list, const std::string& field,
                          const std::string& online_file, const char* what, bool node_file) {
  if (list.empty()) return OkStatus();
  ASSIGN_OR_RETURN(std::set<unsigned> wanted, ParseCpusetList(list, field));
  std::string online = ReadCgroupValue(online_file);
  if (online.empty() && !node_file) {
    return FailedPrecondition(field + ": cannot read the host's online " + what + "s from '" +
                              online_file + "'");
  }
  if (online.empty()) online = "0";  // no NUMA node file: one node
  ASSIGN_OR_RETURN(std::set<unsigned> available, ParseCpusetList(online, online_file));
  for (unsigned member : wanted) {
    if (available.count(member) == 0) {
      return InvalidArgument(field + ": " + what + " " + std::to_string(member) + " of '" + list +
                             "' is not online on this host (online: " + online + ")");
    }
  }
  return OkStatus();
}

}  // namespace

StatusOr<std::set<unsigned>> ParseCpusetList(const std::string& list, const std::string& field) {
  auto malformed = [&] {
    return InvalidArgument(field + ": '" + list +
                           "' is not a list of numbers and ranges such as 0-2,5");
  };
  std::set<unsigned> members;
  if (list.empty()) return malformed();
  size_t begin = 0;
  for (;;) {
    const size_t comma = list.find(',', begin);
    const std::string part = list.substr(begin, comma == std::string::npos ? comma : comma - begin);
    const size_t dash = part.find('-');
    unsigned first = 0, last = 0;
    if (!ParseMember(part.substr(0, dash), &first)) return malformed();
    last = first;
    if (dash != std::string::npos && (!ParseMember(part.substr(dash + 1), &last) || last < first))
      return malformed();
    for (unsigned member = first; member <= last; ++member) members.insert(member);
    if (comma == std::string::npos) return members;
    begin = comma + 1;
  }
}

Status CheckCpusetCpus(const std::string& list, const std::string& field,
                       const std::string& online_file) {
  return CheckAgainstOnline(list, field, online_file, "CPU", /*node_file=*/false);
}

Status CheckCpusetMems(const std::string& list, const std::string& field,
                       const std::string& online_file) {
  return CheckAgainstOnline(list, field, online_file, "memory node", /*node_file=*/true);
}

Status InheritV1CpusetSets(const std::string& mount, const std::string& dir) {
  if (dir.compare(0, mount.size(), mount) != 0) {
    return InvalidArgument("cpuset cgroup '" + dir + "' is not below '" + mount + "'");
  }
  std::string parent = mount;
  size_t begin = mount.size() + 1;
  while (begin <= dir.size()) {
    const size_t slash = dir.find('/', begin);
    const std::string level = dir.substr(0, slash);
    for (const char* file : {"/cpuset.cpus", "/cpuset.mems"}) {
      if (!ReadCgroupValue(level + file).empty()) continue;
      const std::string inherited = ReadCgroupValue(parent + file);
      RETURN_IF_ERROR(
          WriteCgroupFile(level + file, inherited)
              .Annotate("give cgroup '" + level + "' the " + (file + 1) + " of '" + parent + "'"));
    }
    if (slash == std::string::npos) break;
    parent = level;
    begin = slash + 1;
  }
  return OkStatus();
}

Status WriteCpusetSets(const std::string& dir, const std::string& cpus, const std::string& mems) {
  if (!cpus.empty())
    RETURN_IF_ERROR(WriteCgroupFile(dir + "/cpuset.cpus", cpus).Annotate("limits.cpuset_cpus"));
  if (!mems.empty())
    RETURN_IF_ERROR(WriteCgroupFile(dir + "/cpuset.mems", mems).Annotate("limits.cpuset_mems"));
  return OkStatus();
}

Status MakeV1CpusetDirectory(const std::string& mount, const std::string& dir,
                             std::vector<std::string>* created) {
  for (size_t slash = mount.size(); slash != std::string::npos;) {
    slash = dir.find('/', slash + 1);
    const std::string level = dir.substr(0, slash);
    if (::mkdir(level.c_str(), 0755) == 0) {
      created->push_back(level);
    } else if (errno != EEXIST || level == dir) {
      return ErrnoStatus("mkdir '" + level + "'");
    }
  }
  return InheritV1CpusetSets(mount, dir);
}

}  // namespace boxcar
