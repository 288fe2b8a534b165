// Runs one CNI plugin binary: the CNI_* environment, a PATH that holds iptables (plugins exec
// iptables/ip6tables from it), the config on stdin; its result on stdout, or its error object
// {"code", "msg", "details"} turned into a status that names plugin, command and message.
#pragma once

#include <string>
#include <vector>

#include "common/status.h"

namespace boxcar {

// The PATH plugins run with (they locate iptables through it).
inline constexpr const char* kCniPluginPath = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";

struct CniInvocation {
  std::string command;  // ADD, CHECK or DEL
  std::string container_id;
  std::string netns;   // path of the pinned network namespace
  std::string ifname;  // inside the container
  std::string args;    // CNI_ARGS, "K=V;K=V"
};

class CniPluginExec {
 public:
  explicit CniPluginExec(std::vector<std::string> cni_path) : cni_path_(std::move(cni_path)) {}

  // The plugin's stdout (ADD: its result). Errors: the CNI code mapped to a status code
  // (7 invalid config -> INVALID_ARGUMENT, an IPAM range without a free address ->
  // RESOURCE_EXHAUSTED, 11 try again -> UNAVAILABLE, the rest INTERNAL).
  StatusOr<std::string> Run(const std::string& type, const CniInvocation& invocation,
                            const std::string& stdin_json) const;

  const std::vector<std::string>& cni_path() const { return cni_path_; }

 private:
  std::vector<std::string> cni_path_;
};

}  // namespace boxcar
