// What a build knows about the stage it is in: the last image it stored, the config as the
// steps since have changed it, and the variables of its ARGs.
#pragma once

#include <string>
#include <vector>

#include "build/build_image_config.h"
#include "build/shell_words.h"

namespace boxcar {

struct BuildStage {
  std::string name;      // AS name, lower case; "" when none
  int index = 0;
  // The last image stored for this stage ("" before any, e.g. FROM scratch): the parent of
  // the next layer step, and the key of its cache entries.
  std::string parent_id;
  std::vector<std::string> layer_digests;  // parent_id's layers, lowest first
  BuildImageConfig config;                 // parent_id's config + the metadata steps since
  // The metadata steps since parent_id, as they go into the next cache key.
  std::string pending_key;
  BuildVariables args;  // ARGs declared in this stage, with their values
  bool cmd_set = false;  // CMD given in this stage (ENTRYPOINT then keeps it)

  // What $NAME expands to: the stage's ARGs, overridden by its ENV.
  BuildVariables Variables() const {
    BuildVariables variables = args;
    for (const auto& entry : config.GetStringArray("Env")) {
      size_t equals = entry.find('=');
      variables[entry.substr(0, equals)] =
          equals == std::string::npos ? "" : entry.substr(equals + 1);
    }
    return variables;
  }
};

}  // namespace boxcar
