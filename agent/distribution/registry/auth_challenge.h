// The WWW-Authenticate challenge of a registry's 401 answer (RFC 7235): the scheme ("Basic",
// "Bearer") and its parameters (Bearer: realm, service, scope, error).
#pragma once

#include <map>
#include <string>
#include <string_view>

#include "common/status.h"

namespace boxcar {

struct AuthChallenge {
  std::string scheme;                         // lower-cased: "basic", "bearer"
  std::map<std::string, std::string> params;  // names lower-cased, values unquoted
  std::string Param(const std::string& name) const {
    auto found = params.find(name);
    return found == params.end() ? "" : found->second;
  }
};

// Parses one challenge: `Bearer realm="https://auth/token",service="registry",scope="a:b:c"`.
// Quoted values may hold commas and escaped characters. kInvalidArgument naming the header
// for anything else.
StatusOr<AuthChallenge> ParseAuthChallenge(std::string_view header);

}  // namespace boxcar
