#include "backends/libvirt/libvirt_domains.h"

#include <spdlog/spdlog.h>
#include <unistd.h>

#include <algorithm>

#include "common/directory_tree.h"

namespace boxcar {

namespace {

// The domain a file of libvirt's state directory belongs to ("<name>.<what>"; domain names
// Boxcar makes have no dot).
std::string DomainOfFile(const std::string& file) { return file.substr(0, file.find('.')); }

// `name` is `base` or `base`-N.
bool IsRunOf(const std::string& name, const std::string& base) {
  if (name == base) return true;
  if (name.size() <= base.size() + 1 || name.compare(0, base.size() + 1, base + "-") != 0) {
    return false;
  }
  return std::all_of(name.begin() + static_cast<long>(base.size()) + 1, name.end(),
                     [](char c) { return c >= '0' && c <= '9'; });
}

}  // namespace

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

void LibvirtDomains::RemoveLeftovers(const std::string& name) {
  if (state_dir_.empty()) return;
  const std::string prefix = name + ".";
  if (::access((state_dir_ + "/" + prefix + "pid").c_str(), F_OK) == 0) return;
  for (const auto& file : ListDirectoryNames(state_dir_)) {
    if (file.compare(0, prefix.size(), prefix) != 0) continue;
    const std::string path = state_dir_ + "/" + file;
    Status removed = RemoveTree(path);
    if (!removed.ok()) spdlog::warn("libvirt: remove '{}': {}", path, removed.message());
  }
}

}  // namespace boxcar
