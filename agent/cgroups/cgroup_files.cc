#include "cgroups/cgroup_files.h"

#include <fcntl.h>
#include <unistd.h>

#include <cstdlib>
#include <sstream>

#include "common/atomic_file.h"
#include "common/unique_fd.h"

namespace boxcar {

namespace {

std::string Trim(std::string text) {
  while (!text.empty() && (text.back() == '\n' || text.back() == ' ')) text.pop_back();
  return text;
}

}  // namespace

bool CgroupFileExists(const std::string& path) { return ::access(path.c_str(), F_OK) == 0; }

Status WriteCgroupFile(const std::string& path, const std::string& value) {
  UniqueFd fd(::open(path.c_str(), O_WRONLY | O_CLOEXEC));
  if (!fd) return ErrnoStatus("open '" + path + "'");
  ssize_t written = ::write(fd.get(), value.data(), value.size());
  if (written != static_cast<ssize_t>(value.size())) {
    return ErrnoStatus("write '" + value + "' to '" + path + "'", written < 0 ? errno : EIO);
  }
  return OkStatus();
}

std::set<std::string> ReadCgroupWords(const std::string& path) {
  std::set<std::string> words;
  StatusOr<std::string> text = ReadFileToString(path);
  if (!text.ok()) return words;
  std::istringstream stream(*text);
  for (std::string word; stream >> word;) words.insert(word);
  return words;
}

uint64_t ReadCgroupKeyedValue(const std::string& path, const std::string& key) {
  StatusOr<std::string> text = ReadFileToString(path);
  if (!text.ok()) return 0;
  std::istringstream lines(*text);
  for (std::string line; std::getline(lines, line);) {
    std::istringstream fields(line);
    std::string name;
    uint64_t value = 0;
    if (fields >> name >> value && name == key) return value;
  }
  return 0;
}

std::vector<pid_t> ReadCgroupPids(const std::string& procs_file) {
  std::vector<pid_t> pids;
  StatusOr<std::string> text = ReadFileToString(procs_file);
  if (!text.ok()) return pids;
  std::istringstream stream(*text);
  for (pid_t pid; stream >> pid;) pids.push_back(pid);
  return pids;
}

std::string ReadCgroupValue(const std::string& path) {
  StatusOr<std::string> text = ReadFileToString(path);
  return text.ok() ? Trim(*text) : std::string();
}

uint64_t ReadCgroupLimit(const std::string& path) {
  std::string value = ReadCgroupValue(path);
  if (value.empty() || value == "max") return 0;
  uint64_t parsed = std::strtoull(value.c_str(), nullptr, 10);
  return parsed >= (1ull << 62) ? 0 : parsed;
}

void RemoveCreatedDirectories(const std::vector<std::string>& created) {
  for (auto dir = created.rbegin(); dir != created.rend(); ++dir) ::rmdir(dir->c_str());
}

}  // namespace boxcar
