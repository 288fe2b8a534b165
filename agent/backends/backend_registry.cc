#include "backends/backend_registry.h"

#include "backends/chroot/chroot_backend.h"
#include "backends/libvirt/libvirt_backend.h"
#include "backends/lxc/lxc_backend.h"

namespace boxcar {

void BackendRegistry::Register(const std::string& name, BackendFactory factory) {
  factories_[name] = std::move(factory);
}

std::vector<std::string> BackendRegistry::Names() const {
  std::vector<std::string> names;
  for (const auto& [name, factory] : factories_) names.push_back(name);
  return names;
}

StatusOr<std::unique_ptr<Backend>> BackendRegistry::Create(const std::string& name,
                                                           const BackendConfig& config) const {
  auto it = factories_.find(name);
  if (it == factories_.end()) {
    std::string known;
    for (const auto& [known_name, factory] : factories_)
      known += (known.empty() ? "" : ", ") + known_name;
    return NotFound("backend: unknown backend '" + name + "' (known: " + known + ")");
  }
  return it->second(config);
}

void RegisterBuiltinBackends(BackendRegistry& registry) {
  registry.Register(ChrootBackend::kName, &ChrootBackend::Create);
  registry.Register(LxcBackend::kName, &LxcBackend::Create);
  registry.Register(LibvirtBackend::kName, &LibvirtBackend::Create);
}

}  // namespace boxcar
