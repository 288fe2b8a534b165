// What the agent keeps of each container on a CNI network, one JSON file per container under
// <root>/cni/results (written atomically): the conflist and runtime values as used at ADD, the
// pinned network namespace, and the final ADD result for CHECK and DEL. The file is written
// before the first ADD (no result yet), so an agent killed in the middle of an ADD finds it at
// start-up and DELs what the plugins may have made.
#pragma once

#include <string>
#include <vector>

#include "common/status.h"

namespace boxcar {

struct CniAttachment {
  std::string container_id;
  std::string network;              // Boxcar's network name
  std::string netns_path;           // the pin (cni_netns_pin.h)
  std::string ifname = "eth0";
  std::string conflist_json;        // as at ADD, whatever the network record says later
  std::string runtime_config_json;  // {"portMappings": [...], "mac": ..., "ips": [...]}
  std::string result_json;          // the final ADD result; empty until the ADD finished
};

class CniResultCache {
 public:
  explicit CniResultCache(std::string dir) : dir_(std::move(dir)) {}

  Status Save(const CniAttachment& attachment);
  // Every entry; unreadable files are logged and skipped.
  StatusOr<std::vector<CniAttachment>> LoadAll();
  // Absent is fine.
  Status Remove(const std::string& container_id);
  const std::string& dir() const { return dir_; }

 private:
  std::string PathOf(const std::string& container_id) const;
  std::string dir_;
};

}  // namespace boxcar
