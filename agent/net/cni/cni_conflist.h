// A CNI network configuration list (a .conflist, CNI spec 1.0): parsed and checked once when
// the network is created (errors name the field, e.g. network.cni_conflist.plugins[1].type),
// and the stdin each plugin of the list gets: its own object with the list's cniVersion and
// name, the previous result, and runtimeConfig holding only the capabilities it asks for.
#pragma once

#include <set>
#include <string>
#include <vector>

#include "common/status.h"

namespace boxcar {

struct CniPlugin {
  std::string type;
  std::string config_json;             // the plugin's object as written in the list
  std::set<std::string> capabilities;  // keys of "capabilities" that are true
  std::string ipam_type;               // "ipam"."type", empty when none
};

struct CniConflist {
  std::string cni_version;
  std::string name;
  bool disable_check = false;
  std::vector<CniPlugin> plugins;

  bool HasCapability(const std::string& key) const;
  bool HasPlugin(const std::string& type) const;
};

StatusOr<CniConflist> ParseCniConflist(const std::string& text, const std::string& field);

// The path of plugin `type` in the first directory of `cni_path` that holds it.
StatusOr<std::string> FindCniPlugin(const std::string& type,
                                    const std::vector<std::string>& cni_path);
// Every plugin's and IPAM plugin's binary is there: a missing one is named before anything
// runs (field.plugins[i].type / field.plugins[i].ipam.type).
Status CheckCniPluginsPresent(const CniConflist& conflist,
                              const std::vector<std::string>& cni_path, const std::string& field);

// stdin of plugin `index`. `prev_result_json` empty: no prevResult. `runtime_config_json`: an
// object of every runtime value ({"portMappings": [...], "mac": ..., "ips": [...]}); the
// plugin sees only the keys it lists under capabilities.
std::string CniPluginInput(const CniConflist& conflist, size_t index,
                           const std::string& prev_result_json,
                           const std::string& runtime_config_json);

}  // namespace boxcar
