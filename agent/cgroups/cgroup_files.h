// Reading and writing cgroup interface files: one write(2) per value, and the small text
// formats the kernel uses (words, "key value" lines, pid lists, "max" or huge numbers).
#pragma once

#include <sys/types.h>

#include <cstdint>
#include <set>
#include <string>
#include <vector>

#include "common/status.h"

namespace boxcar {

// Each cgroup file takes one write(2): no temp files, no truncation.
Status WriteCgroupFile(const std::string& path, const std::string& value);
// Whitespace-separated words (cgroup.controllers, cgroup.subtree_control); empty if unreadable.
std::set<std::string> ReadCgroupWords(const std::string& path);
// "key value" lines, as in memory.events and memory.oom_control; 0 when absent.
uint64_t ReadCgroupKeyedValue(const std::string& path, const std::string& key);
// The pids of a cgroup.procs file; empty if unreadable.
std::vector<pid_t> ReadCgroupPids(const std::string& procs_file);
// A limit or counter file: a v1 limit file holds a huge number for "unlimited", v2 files hold
// "max"; both read as 0, as does an unreadable file.
uint64_t ReadCgroupLimit(const std::string& path);
// The file's text without its trailing newline and blanks; empty if unreadable.
std::string ReadCgroupValue(const std::string& path);
bool CgroupFileExists(const std::string& path);
// rmdir of directories a failed call made, newest first (nothing has joined them yet).
void RemoveCreatedDirectories(const std::vector<std::string>& created);

}  // namespace boxcar
