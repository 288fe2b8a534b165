// The ARGs a build knows without a declaration, and what a --build-arg that nothing used
// tells the caller.
#pragma once

#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

namespace boxcar {

// Docker's predefined proxy ARGs: a --build-arg of one reaches RUN undeclared, and stays out
// of the cache key and the history.
const std::vector<std::string>& PredefinedProxyArgs();

// Docker's warning for --build-arg names that no ARG of the stages built declared (and that
// are no predefined ARG): "One or more build-args [A B] were not consumed"; none when all were.
std::optional<std::string> UnconsumedBuildArgsWarning(
    const std::map<std::string, std::string>& build_args, const std::set<std::string>& declared);

}  // namespace boxcar
