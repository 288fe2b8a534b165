// Backends are created by name from factories, as Envoy registers extensions: the agent's
// config and `--backend NAME` pick one; `boxcar info` lists them all.
#pragma once

#include <functional>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "backends/backend.h"

namespace boxcar {

using BackendFactory = std::function<StatusOr<std::unique_ptr<Backend>>(const BackendConfig&)>;

class BackendRegistry {
 public:
  void Register(const std::string& name, BackendFactory factory);
  std::vector<std::string> Names() const;
  // kNotFound naming the backend and listing the known ones when `name` is unknown.
  StatusOr<std::unique_ptr<Backend>> Create(const std::string& name,
                                            const BackendConfig& config) const;

 private:
  std::map<std::string, BackendFactory> factories_;
};

// Registers every backend compiled into this build.
void RegisterBuiltinBackends(BackendRegistry& registry);

}  // namespace boxcar
