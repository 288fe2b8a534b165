// One cloud of the caller's clouds.yaml, found and merged as openstacksdk does: the first of
// $OS_CLIENT_CONFIG_FILE, ./clouds.yaml, $XDG_CONFIG_HOME/openstack/clouds.yaml (else
// ~/.config/openstack/), /etc/openstack/clouds.yaml (each also .yml and .json), and
// secure.yaml (found the same way, $OS_SECURE_FILE first) merged over it. The CLI reads these
// files as the caller; the agent only ever sees the OpenStackAuth made from them.
#pragma once

#include <functional>
#include <map>
#include <string>
#include <vector>

#include "common/status.h"

namespace boxcar::cli {

// Reads an environment variable; null when unset.
using EnvReader = std::function<const char*(const char*)>;

struct CloudSettings {
  std::string name;
  std::string clouds_file;  // where the cloud was read; "" when only secure.yaml has it
  std::string secure_file;  // "" when there is none
  // The cloud's scalars by their path: "auth_type", "auth.password", "region_name", ...
  // secure.yaml's over clouds.yaml's. Secrets among them: never printed.
  std::map<std::string, std::string> values;

  // The value at `key`, "" when absent.
  std::string Get(const std::string& key) const;
  // "cloud 'NAME' (FILE)", for messages.
  std::string Describe() const;
};

// The files looked at for `stem` ("clouds" or "secure"), in order: the file named by
// `override_variable` when set, then each search directory's stem.yaml, .yml and .json.
std::vector<std::string> CloudsFileCandidates(const std::string& stem,
                                              const char* override_variable,
                                              const EnvReader& getenv);

// The cloud `name`. A file that does not parse is kInvalidArgument naming it with the line and
// column; a cloud in no file is kNotFound naming the files and the clouds they have.
StatusOr<CloudSettings> LoadCloud(const std::string& name, const EnvReader& getenv);

}  // namespace boxcar::cli
