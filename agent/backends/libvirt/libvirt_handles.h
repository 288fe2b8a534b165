// RAII owners of libvirt's reference-counted objects, and the text of its last error.
#pragma once

#include <libvirt/libvirt.h>
#include <libvirt/virterror.h>

#include <memory>
#include <string>

namespace boxcar {

struct LibvirtConnectionCloser {
  void operator()(virConnectPtr connection) const { virConnectClose(connection); }
};
// One reference to a connection; copies of the agent's connection take their own
// (virConnectRef) so a reconnect never closes a connection a call is still using.
using LibvirtConnectionRef = std::shared_ptr<virConnect>;

struct LibvirtDomainFreer {
  void operator()(virDomainPtr domain) const { virDomainFree(domain); }
};
using LibvirtDomainHandle = std::unique_ptr<virDomain, LibvirtDomainFreer>;

// libvirt's message for the last failed call of this thread, or `fallback`.
inline std::string LastLibvirtError(const std::string& fallback = "unknown libvirt error") {
  virErrorPtr error = virGetLastError();
  return error != nullptr && error->message != nullptr ? std::string(error->message) : fallback;
}

}  // namespace boxcar
