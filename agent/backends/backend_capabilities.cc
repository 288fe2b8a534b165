#include "backends/backend.h"

#include <utility>

namespace boxcar {

std::vector<std::string> BackendCapabilities::Names() const {
  std::vector<std::string> names;
  if (limits) names.push_back("limits");
  if (pause) names.push_back("pause");
  if (exec) names.push_back("exec");
  if (networking) names.push_back("networking");
  if (checkpoint) names.push_back("checkpoint");
  if (survives_agent_restart) names.push_back("survives-agent-restart");
  if (prewarm) names.push_back("prewarm");
  if (userns) names.push_back("userns");
  if (terminal) names.push_back("terminal");
  if (seccomp_profile) names.push_back("seccomp-profile");
  if (seccomp_every_action) names.push_back("seccomp-every-action");
  if (sysctls_in_userns) names.push_back("sysctls-in-userns");
  if (namespace_sharing) names.push_back("namespace-sharing");
  return names;
}

namespace {

// The flag of `capability` and what a backend without it cannot do.
std::pair<bool, const char*> Lookup(const BackendCapabilities& capabilities,
                                    Capability capability) {
  switch (capability) {
    case Capability::kLimits:
      return {capabilities.limits, "does not support resource limits"};
    case Capability::kPause:
      return {capabilities.pause, "cannot pause containers"};
    case Capability::kExec:
      return {capabilities.exec, "cannot run processes in containers"};
    case Capability::kNetworking:
      return {capabilities.networking, "cannot attach networks to containers"};
    case Capability::kCheckpoint:
      return {capabilities.checkpoint, "cannot checkpoint containers"};
    case Capability::kUserns:
      return {capabilities.userns, "does not support user namespaces"};
    case Capability::kTerminal:
      return {capabilities.terminal, "cannot give containers a terminal or an open stdin"};
    case Capability::kSeccompProfile:
      return {capabilities.seccomp_profile,
              "takes no seccomp profile (seccomp=unconfined or the default filter only)"};
    case Capability::kSysctlsInUserns:
      return {capabilities.sysctls_in_userns,
              "sets no sysctls in a container with a user namespace"};
    case Capability::kNamespaceSharing:
      return {capabilities.namespace_sharing,
              "cannot share namespaces with another container or the host"};
  }
  return {false, "lacks an unknown capability"};
}

// For a container's spec (a field "spec.*", where another backend can still be chosen): the
// configured backends that have `capability`, as a hint; "" when none or for other calls.
std::string AlternativesFor(const BackendMap& backends, Capability capability,
                            const std::string& field) {
  if (field.rfind("spec.", 0) != 0) return "";
  std::string names;
  for (const auto& [name, backend] : backends) {
    if (!Lookup(backend->capabilities(), capability).first) continue;
    names += (names.empty() ? "" : ", ") + name;
  }
  if (names.empty()) return "";
  return "; use a backend that does (--backend): " + names;
}

}  // namespace

StatusOr<Backend*> RequireCapability(const BackendMap& backends, const std::string& name,
                                     std::optional<Capability> capability,
                                     const std::string& field) {
  auto it = backends.find(name);
  if (it == backends.end()) {
    return FailedPrecondition(field + ": backend '" + name +
                              "' is not configured in this agent; restart boxcard with it");
  }
  if (capability) {
    auto [has, lacking] = Lookup(it->second->capabilities(), *capability);
    if (!has) {
      return Unimplemented(field + ": backend '" + name + "' " + lacking +
                           AlternativesFor(backends, *capability, field));
    }
  }
  return it->second.get();
}

}  // namespace boxcar
