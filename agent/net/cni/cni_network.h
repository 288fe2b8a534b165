// The conflist loop of the CNI spec, run by the agent itself (Debian packages no libcni):
// ADD through the plugins in order, each given the previous one's result; CHECK and DEL with
// the cached final ADD result, DEL in reverse order. With the known faults of the 1.1.1
// plugins handled here: a failed ADD is always followed by a DEL (retried once: its first try
// can fail on a chain the failed ADD never made), portmap is skipped on CHECK (it looks for
// its IPv4 chain in ip6tables), and DEL passes the runtime values (portmap's DEL needs the
// mappings again).
#pragma once

#include <string>

#include "common/status.h"
#include "net/cni/cni_conflist.h"
#include "net/cni/cni_plugin_exec.h"
#include "net/cni/cni_result_cache.h"

namespace boxcar {

class CniNetwork {
 public:
  CniNetwork(const CniPluginExec* exec, CniConflist conflist)
      : exec_(exec), conflist_(std::move(conflist)) {}

  // The final result. On failure everything the ADDs made is DELed before returning.
  StatusOr<std::string> Add(const CniAttachment& attachment) const;
  Status Check(const CniAttachment& attachment) const;
  // Every plugin gets its DEL even when an earlier one failed; each failure is retried once.
  Status Del(const CniAttachment& attachment) const;

  const CniConflist& conflist() const { return conflist_; }

 private:
  CniInvocation Invocation(const char* command, const CniAttachment& attachment) const;

  const CniPluginExec* exec_;
  CniConflist conflist_;
};

}  // namespace boxcar
