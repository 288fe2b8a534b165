#include "backends/libvirt/libvirt_domains.h"

#include <spdlog/spdlog.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>

#include "common/directory_tree.h"

namespace boxcar {

namespace {

// The domain a file of libvirt's state directory belongs to ("<name>.<what>"; domain names
// Boxcar makes have no dot).
std::string DomainOfFile(const std::string& file) { return file.substr(0, file.find('.')); }

// libvirt's cgroup of the domain `name` whose controller had `pid`: "lxc-<pid>-<name>.libvirt-lxc".
bool IsMachineCgroupOf(const std::string& cgroup, const std::string& name) {
  const std::string suffix = "-" + name + ".libvirt-lxc";
  if (cgroup.size() <= 4 + suffix.size() || cgroup.compare(0, 4, "lxc-") != 0 ||
      cgroup.compare(cgroup.size() - suffix.size(), suffix.size(), suffix) != 0) {
    return false;
  }
  return std::all_of(cgroup.begin() + 4, cgroup.end() - static_cast<long>(suffix.size()),
                     [](char c) { return c >= '0' && c <= '9'; });
}

// rmdir of a cgroup and its children, deepest first; a cgroup with processes stays (EBUSY).
bool RemoveEmptyCgroup(const std::string& path) {
  for (const auto& entry : ListDirectoryNames(path)) {
    struct stat st {};
    const std::string child = path + "/" + entry;
    if (::lstat(child.c_str(), &st) == 0 && S_ISDIR(st.st_mode)) RemoveEmptyCgroup(child);
  }
  return ::rmdir(path.c_str()) == 0 || errno == ENOENT;
}

}  // namespace

bool LibvirtDomains::IsRunOf(const std::string& name, const std::string& base) {
  if (name == base) return true;
  if (name.size() <= base.size() + 1 || name.compare(0, base.size() + 1, base + "-") != 0) {
    return false;
  }
  return std::all_of(name.begin() + static_cast<long>(base.size()) + 1, name.end(),
                     [](char c) { return c >= '0' && c <= '9'; });
}

void LibvirtDomains::Creating(const std::string& name, const std::string& container_id) {
  std::lock_guard<std::mutex> lock(mutex_);
  running_[name] = Domain{container_id, ""};
  current_[container_id] = name;
}

void LibvirtDomains::Created(const std::string& name, const std::string& uuid) {
  std::lock_guard<std::mutex> lock(mutex_);
  if (auto it = running_.find(name); it != running_.end()) it->second.uuid = uuid;
}

void LibvirtDomains::Found(const std::string& name, const std::string& uuid,
                           const std::string& container_id) {
  std::lock_guard<std::mutex> lock(mutex_);
  running_[name] = Domain{container_id, uuid};
  current_[container_id] = name;
}

std::optional<std::string> LibvirtDomains::Ended(const std::string& name,
                                                 const std::string& uuid) {
  std::lock_guard<std::mutex> lock(mutex_);
  auto it = running_.find(name);
  if (it == running_.end() || it->second.uuid != uuid) return std::nullopt;
  const std::string container_id = it->second.container_id;
  running_.erase(it);
  RemoveLeftovers(name);
  auto current = current_.find(container_id);
  if (current == current_.end() || current->second != name) return std::nullopt;
  current_.erase(current);
  return container_id;
}

void LibvirtDomains::Dropped(const std::string& name) {
  std::lock_guard<std::mutex> lock(mutex_);
  if (!running_.count(name)) RemoveLeftovers(name, /*even_with_pid_file=*/true);
}

void LibvirtDomains::Release(const std::string& container_id, const std::string& domain_base) {
  std::lock_guard<std::mutex> lock(mutex_);
  current_.erase(container_id);
  if (state_dir_.empty()) return;
  std::string last;
  for (const auto& file : ListDirectoryNames(state_dir_)) {
    const std::string name = DomainOfFile(file);
    if (name == last || !IsRunOf(name, domain_base) || running_.count(name)) continue;
    last = name;
    RemoveLeftovers(name);
  }
}

std::optional<std::pair<std::string, std::string>> LibvirtDomains::CurrentOf(
    const std::string& container_id) const {
  std::lock_guard<std::mutex> lock(mutex_);
  auto current = current_.find(container_id);
  if (current == current_.end()) return std::nullopt;
  auto domain = running_.find(current->second);
  if (domain == running_.end()) return std::nullopt;
  return std::make_pair(domain->first, domain->second.uuid);
}

std::map<std::string, std::string> LibvirtDomains::Running() const {
  std::lock_guard<std::mutex> lock(mutex_);
  std::map<std::string, std::string> running;
  for (const auto& [name, domain] : running_) running[name] = domain.uuid;
  return running;
}

void LibvirtDomains::RemoveLeftovers(const std::string& name, bool even_with_pid_file) {
  if (state_dir_.empty()) return;
  const std::string prefix = name + ".";
  if (!even_with_pid_file && ::access((state_dir_ + "/" + prefix + "pid").c_str(), F_OK) == 0) {
    return;
  }
  for (const auto& file : ListDirectoryNames(state_dir_)) {
    if (file.compare(0, prefix.size(), prefix) != 0) continue;
    const std::string path = state_dir_ + "/" + file;
    Status removed = RemoveTree(path);
    if (!removed.ok()) spdlog::warn("libvirt: remove '{}': {}", path, removed.message());
  }
  RemoveEmptyMachineCgroups(name);
}

void LibvirtDomains::RemoveEmptyMachineCgroups(const std::string& name) {
  // NOTE: libvirtd removes a domain's cgroups when it sees the domain end; not for a domain
  // whose init ended while libvirtd was away (it then never learns of the controller). The
  // "machine" partition is libvirt's default, in every v1 hierarchy or in the v2 root.
  std::vector<std::string> partitions = {cgroup_root_ + "/machine"};
  for (const auto& hierarchy : ListDirectoryNames(cgroup_root_)) {
    partitions.push_back(cgroup_root_ + "/" + hierarchy + "/machine");
  }
  for (const auto& partition : partitions) {
    for (const auto& cgroup : ListDirectoryNames(partition)) {
      if (!IsMachineCgroupOf(cgroup, name)) continue;
      const std::string path = partition + "/" + cgroup;
      if (!RemoveEmptyCgroup(path)) {
        spdlog::debug("libvirt: cgroup '{}' of domain {} stays: {}", path, name,
                      std::strerror(errno));
      }
    }
  }
}

}  // namespace boxcar
