// How an HTTPS exchange trusts its peer: the system's CAs plus an optional CA file, and what to
// tell the user when the peer's certificate is not trusted.
#pragma once

#include <string>

namespace boxcar {

struct TlsOptions {
  std::string ca_file;  // PEM; trusted besides the system's CAs
  // Added to the message of a failed certificate check: how the caller's user gives the CA
  // (the caller knows its flags and files; the HTTP client does not).
  std::string untrusted_hint;
};

}  // namespace boxcar
