#include "backends/libvirt/libvirt_owned_domains.h"

#include <cstdlib>

#include "backends/libvirt/libvirt_domain_xml.h"

namespace boxcar {

StatusOr<std::vector<LibvirtOwnedDomain>> ListOwnedDomains(
    virConnectPtr connection, const std::string& agent_root,
    const std::function<bool(const std::string& name)>& wanted_name) {
  virDomainPtr* domains = nullptr;
  const int count = virConnectListAllDomains(connection, &domains, 0);  // active and inactive
  if (count < 0) return Internal("libvirt backend: list domains: " + LastLibvirtError());
  std::vector<LibvirtDomainHandle> listed;
  for (int i = 0; i < count; ++i) listed.emplace_back(domains[i]);
  free(domains);
  std::vector<LibvirtOwnedDomain> owned;
  for (auto& domain : listed) {
    const char* name = virDomainGetName(domain.get());
    if (name == nullptr || std::string(name).rfind("boxcar-", 0) != 0) continue;
    if (wanted_name && !wanted_name(name)) continue;
    char* xml = virDomainGetXMLDesc(domain.get(), 0);
    if (xml == nullptr) continue;  // gone meanwhile
    auto owner = ParseLibvirtDomainOwner(xml);
    free(xml);
    // Not Boxcar's, or another agent's.
    if (!owner.ok() || owner->agent_root != agent_root) continue;
    LibvirtOwnedDomain found;
    char uuid[VIR_UUID_STRING_BUFLEN] = {};
    if (virDomainGetUUIDString(domain.get(), uuid) != 0) uuid[0] = '\0';
    found.name = name;
    found.uuid = uuid;
    found.container_id = owner->container_id;
    found.active = virDomainIsActive(domain.get()) == 1;
    found.domain = std::move(domain);
    owned.push_back(std::move(found));
  }
  return owned;
}

Status DropOwnedDomain(virConnectPtr connection, const LibvirtOwnedDomain& owned) {
  virDomainPtr domain = owned.domain.get();
  std::string reason;
  if (virDomainIsActive(domain) == 1) {
    if (virDomainDestroy(domain) != 0) reason = LastLibvirtError();
  } else if (virDomainIsPersistent(domain) == 1) {
    if (virDomainUndefine(domain) != 0) reason = LastLibvirtError();
  } else {
    virDomainDestroy(domain);  // fails, and drops it
  }
  LibvirtDomainHandle again(virDomainLookupByUUIDString(connection, owned.uuid.c_str()));
  if (!again) return OkStatus();
  // A domain that ended meanwhile (destroy failed) or became persistent: once more.
  if (virDomainIsActive(again.get()) == 1) {
    virDomainDestroy(again.get());
  } else if (virDomainIsPersistent(again.get()) == 1) {
    virDomainUndefine(again.get());
  } else {
    virDomainDestroy(again.get());
  }
  LibvirtDomainHandle last(virDomainLookupByUUIDString(connection, owned.uuid.c_str()));
  if (!last) return OkStatus();
  return Internal("libvirt backend: domain " + owned.name + " is still listed after its removal" +
                  (reason.empty() ? "" : ": " + reason));
}

}  // namespace boxcar
