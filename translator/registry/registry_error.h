// The distribution spec's error answer: one code (BLOB_UNKNOWN, DENIED, ...), its HTTP status,
// and the JSON body {"errors":[{"code","message","detail"}]}. Every refusal of the registry is
// built here, so the codes and statuses stay in one table.
#pragma once

#include <string>

#include "common/status.h"

namespace boxcar::registry {

enum class ErrorCode {
  kBlobUnknown,          // 404
  kBlobUploadInvalid,    // 400
  kBlobUploadUnknown,    // 404
  kDigestInvalid,        // 400
  kManifestBlobUnknown,  // 400
  kManifestInvalid,      // 400
  kManifestUnknown,      // 404
  kNameInvalid,          // 400
  kNameUnknown,          // 404
  kSizeInvalid,          // 400
  kUnauthorized,         // 401
  kDenied,               // 403
  kUnsupported,          // 405
  kRangeInvalid,         // 416
  kTooLarge,             // 413 (SIZE_INVALID code, Payload Too Large status)
  kUnavailable,          // 503
  kUnknown,              // 500
};

struct RegistryError {
  ErrorCode code = ErrorCode::kUnknown;
  std::string message;
  int HttpStatus() const;
  const char* CodeName() const;
  // {"errors":[{"code":"BLOB_UNKNOWN","message":"...","detail":{}}]}
  std::string Body() const;
};

// A storage or auth status as the registry answers it: kUnauthenticated -> UNAUTHORIZED,
// kPermissionDenied -> DENIED, kNotFound -> `not_found`, kInvalidArgument -> `invalid`,
// kResourceExhausted -> 413, kUnavailable/kDeadlineExceeded -> 503, else UNKNOWN (500).
RegistryError ErrorFromStatus(const Status& status, ErrorCode not_found,
                              ErrorCode invalid = ErrorCode::kUnknown);

}  // namespace boxcar::registry
