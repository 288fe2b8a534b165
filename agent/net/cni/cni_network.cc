#include "net/cni/cni_network.h"

#include <spdlog/spdlog.h>

#include "common/crash_points.h"

namespace boxcar {

CniInvocation CniNetwork::Invocation(const char* command, const CniAttachment& attachment) const {
  return {command, attachment.container_id, attachment.netns_path, attachment.ifname,
          "IgnoreUnknown=1"};
}

StatusOr<std::string> CniNetwork::Add(const CniAttachment& attachment) const {
  const CniInvocation invocation = Invocation("ADD", attachment);
  std::string result;
  for (size_t i = 0; i < conflist_.plugins.size(); ++i) {
    const std::string input =
        CniPluginInput(conflist_, i, result, attachment.runtime_config_json);
    auto added = exec_->Run(conflist_.plugins[i].type, invocation, input);
    if (!added.ok()) {
      // NOTE: a failed ADD leaves what it made (bridge 1.1.1: the veth, and a retry then says
      // "container veth name provided (eth0) already exists"): DEL the whole list.
      CniAttachment partial = attachment;
      partial.result_json = result;
      if (Status deleted = Del(partial); !deleted.ok()) {
        spdlog::warn("container {}: DEL after a failed ADD: {}", attachment.container_id.substr(0, 12),
                     deleted.message());
      }
      return added.status().Annotate("network " + attachment.network);
    }
    result = std::move(*added);
    if (i == 0) CrashPoint("cni.after_first_add");
  }
  return result;
}

Status CniNetwork::Check(const CniAttachment& attachment) const {
  if (conflist_.disable_check) return OkStatus();
  const CniInvocation invocation = Invocation("CHECK", attachment);
  for (size_t i = 0; i < conflist_.plugins.size(); ++i) {
    // NOTE: portmap 1.1.1 CHECK fails on an IPv4-only container ("could not check ipv6
    // dnat"): it looks for the IPv4 chain in ip6tables (fixed upstream in 1.3.0).
    if (conflist_.plugins[i].type == "portmap") continue;
    const std::string input = CniPluginInput(conflist_, i, attachment.result_json,
                                             attachment.runtime_config_json);
    RETURN_IF_ERROR(exec_->Run(conflist_.plugins[i].type, invocation, input)
                        .status()
                        .Annotate("network " + attachment.network));
  }
  return OkStatus();
}

Status CniNetwork::Del(const CniAttachment& attachment) const {
  const CniInvocation invocation = Invocation("DEL", attachment);
  Status first_failure;
  for (size_t i = conflist_.plugins.size(); i-- > 0;) {
    const std::string input = CniPluginInput(conflist_, i, attachment.result_json,
                                             attachment.runtime_config_json);
    auto deleted = exec_->Run(conflist_.plugins[i].type, invocation, input);
    // NOTE: a DEL after a failed ADD can fail once ("Chain 'CNI-..' does not exist") and
    // succeed when tried again.
    if (!deleted.ok()) deleted = exec_->Run(conflist_.plugins[i].type, invocation, input);
    if (!deleted.ok() && first_failure.ok()) {
      first_failure = deleted.status().Annotate("network " + attachment.network);
    }
  }
  return first_failure;
}

}  // namespace boxcar
