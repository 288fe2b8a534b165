// A process's environment as requests and image configs give it: "KEY=value" entries.
// Checked wherever it comes in (create, exec, commit, import), so that a bad entry is refused
// naming its field and index.
#pragma once

#include <google/protobuf/repeated_ptr_field.h>

#include <string>

#include "common/status.h"

namespace boxcar {

// INVALID_ARGUMENT "FIELD[i]: 'ENTRY' is not KEY=value" for an entry without '=' or with an
// empty key.
Status CheckEnvEntries(const google::protobuf::RepeatedPtrField<std::string>& env,
                       const std::string& field);

}  // namespace boxcar
