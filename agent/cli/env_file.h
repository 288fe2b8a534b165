// `--env-file FILE`, as Docker reads it: one KEY=value a line, taken verbatim (no quotes
// removed, no variables expanded); blank lines and lines starting with '#' skipped; a KEY alone
// takes the caller's value when it has one, else is left out.
#pragma once

#include <string>
#include <vector>

#include "common/status.h"

namespace boxcar::cli {

// The entries of `path`; an unreadable file or a name with white space is INVALID_ARGUMENT
// naming the file and the line.
StatusOr<std::vector<std::string>> ReadEnvFile(const std::string& path);

}  // namespace boxcar::cli
