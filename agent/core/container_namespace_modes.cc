#include "core/container_namespace_modes.h"

#include "core/container_sysctls.h"

namespace boxcar {

namespace {

bool IsContainerMode(const std::string& mode) { return mode.rfind(kContainerModePrefix, 0) == 0; }

Status CheckContainerMode(const std::string& mode, const std::string& field) {
  if (IsContainerMode(mode) && ContainerOfMode(mode).empty()) {
    return InvalidArgument(field + ": '" + mode + "' names no container (container:NAME or ID)");
  }
  return OkStatus();
}

// The network fields a container on another's network namespace cannot have (Docker's
// "conflicting options" of the container network mode): that namespace is set up already.
Status RefuseNetworkFields(const v1::ContainerSpec& spec) {
  const v1::NetworkSpec& network = spec.network();
  const std::string why = ": cannot apply with spec.network.mode '" + network.mode() +
                          "' (the other container's network is used as it is)";
  if (network.ports_size() > 0) return InvalidArgument("spec.network.ports" + why);
  if (network.publish_all()) return InvalidArgument("spec.network.publish_all" + why);
  if (!network.ip().empty()) return InvalidArgument("spec.network.ip" + why);
  if (!network.mac().empty()) return InvalidArgument("spec.network.mac" + why);
  if (network.dns_size() > 0) return InvalidArgument("spec.network.dns" + why);
  if (network.dns_search_size() > 0) return InvalidArgument("spec.network.dns_search" + why);
  if (network.dns_options_size() > 0) return InvalidArgument("spec.network.dns_options" + why);
  if (network.extra_hosts_size() > 0) return InvalidArgument("spec.network.extra_hosts" + why);
  if (network.aliases_size() > 0) return InvalidArgument("spec.network.aliases" + why);
  if (network.has_vif()) return InvalidArgument("spec.network.vif" + why);
  if (!spec.hostname().empty()) {
    return InvalidArgument("spec.hostname" + why + "; the hostname is that container's");
  }
  return OkStatus();
}

}  // namespace

std::string ContainerOfMode(const std::string& mode) {
  if (!IsContainerMode(mode)) return "";
  return mode.substr(std::string(kContainerModePrefix).size());
}

std::vector<SharedNamespaceField> ContainerModesOf(const v1::ContainerSpec& spec) {
  std::vector<SharedNamespaceField> modes;
  if (IsContainerMode(spec.network().mode()))
    modes.push_back({"net", "spec.network.mode", spec.network().mode()});
  if (IsContainerMode(spec.pid_mode())) modes.push_back({"pid", "spec.pid_mode", spec.pid_mode()});
  if (IsContainerMode(spec.ipc_mode())) modes.push_back({"ipc", "spec.ipc_mode", spec.ipc_mode()});
  return modes;
}

std::string FirstSharingField(const v1::ContainerSpec& spec) {
  if (IsContainerMode(spec.network().mode())) return "spec.network.mode";
  if (!spec.pid_mode().empty()) return "spec.pid_mode";
  if (spec.ipc_mode() == "host" || IsContainerMode(spec.ipc_mode())) return "spec.ipc_mode";
  if (!spec.uts_mode().empty()) return "spec.uts_mode";
  return "";
}

Status ValidateNamespaceModes(const v1::ContainerSpec& spec) {
  const std::string& pid = spec.pid_mode();
  if (!pid.empty() && pid != "host" && !IsContainerMode(pid)) {
    return InvalidArgument("spec.pid_mode: '" + pid + "' is not host or container:NAME");
  }
  const std::string& ipc = spec.ipc_mode();
  if (!ipc.empty() && ipc != "private" && ipc != "shareable" && ipc != "host" &&
      !IsContainerMode(ipc)) {
    return InvalidArgument("spec.ipc_mode: '" + ipc +
                           "' is not private, shareable, host or container:NAME");
  }
  if (!spec.uts_mode().empty() && spec.uts_mode() != "host") {
    return InvalidArgument("spec.uts_mode: '" + spec.uts_mode() + "' is not host");
  }
  RETURN_IF_ERROR(CheckContainerMode(spec.network().mode(), "spec.network.mode"));
  RETURN_IF_ERROR(CheckContainerMode(pid, "spec.pid_mode"));
  RETURN_IF_ERROR(CheckContainerMode(ipc, "spec.ipc_mode"));
  const bool shared_network = IsContainerMode(spec.network().mode());
  if (shared_network) RETURN_IF_ERROR(RefuseNetworkFields(spec));
  if (spec.uts_mode() == "host" && !spec.hostname().empty()) {
    return InvalidArgument(
        "spec.hostname: cannot apply with spec.uts_mode 'host' (the host's hostname is used)");
  }
  if (spec.has_userns() && !ContainerModesOf(spec).empty()) {
    return InvalidArgument("spec.userns: cannot be combined with " +
                           std::string(ContainerModesOf(spec).front().field) + " '" +
                           ContainerModesOf(spec).front().mode +
                           "': the shared namespace belongs to the host's user namespace, "
                           "where this container's root has no rights");
  }
  if (spec.has_userns() && (pid == "host" || ipc == "host" || !spec.uts_mode().empty())) {
    return InvalidArgument(std::string(pid == "host"   ? "spec.pid_mode"
                                       : ipc == "host" ? "spec.ipc_mode"
                                                       : "spec.uts_mode") +
                           ": the host's namespaces cannot be combined with spec.userns");
  }
  return RefuseSysctlsOfSharedNamespaces(spec, shared_network,
                                         ipc == "host" || IsContainerMode(ipc));
}

}  // namespace boxcar
