// The domains of one agent that libvirtd lists, in every state: running, or shut off (a
// libvirtd restarted after a domain's init ended keeps the transient domain that way), found
// by the agent root in Boxcar's <metadata>; and their removal, whatever the state.
#pragma once

#include <functional>
#include <string>
#include <vector>

#include "backends/libvirt/libvirt_handles.h"
#include "common/status.h"

namespace boxcar {

struct LibvirtOwnedDomain {
  LibvirtDomainHandle domain;
  std::string name;
  std::string uuid;
  std::string container_id;
  bool active = false;
};

// The domains named boxcar-* (and accepted by `wanted_name`, when given) whose metadata names
// `agent_root`.
StatusOr<std::vector<LibvirtOwnedDomain>> ListOwnedDomains(
    virConnectPtr connection, const std::string& agent_root,
    const std::function<bool(const std::string& name)>& wanted_name = nullptr);

// Makes libvirt forget `owned`: a running domain is destroyed (~1.8 s here), a persistent one
// undefined, and a transient one kept shut off dropped (a destroy fails, "domain is not
// running", but libvirt drops the transient domain at the end of that job). OK once libvirt
// no longer lists it.
Status DropOwnedDomain(virConnectPtr connection, const LibvirtOwnedDomain& owned);

}  // namespace boxcar
