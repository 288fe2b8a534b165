// The two encodings HTTP clients put into requests: percent-encoding of a query value or a
// path segment, and base64 of Basic credentials.
#pragma once

#include <string>

namespace boxcar {

// Percent-encodes everything but RFC 3986's unreserved characters (A-Z a-z 0-9 - _ . ~).
std::string UrlEncode(const std::string& text);
// base64 (the standard alphabet, padded) of `text`.
std::string Base64(const std::string& text);

}  // namespace boxcar
