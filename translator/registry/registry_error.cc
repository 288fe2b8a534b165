#include "registry/registry_error.h"

#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

namespace boxcar::registry {

int RegistryError::HttpStatus() const {
  switch (code) {
    case ErrorCode::kBlobUnknown:
    case ErrorCode::kBlobUploadUnknown:
    case ErrorCode::kManifestUnknown:
    case ErrorCode::kNameUnknown:
      return 404;
    case ErrorCode::kBlobUploadInvalid:
    case ErrorCode::kDigestInvalid:
    case ErrorCode::kManifestBlobUnknown:
    case ErrorCode::kManifestInvalid:
    case ErrorCode::kNameInvalid:
    case ErrorCode::kSizeInvalid:
      return 400;
    case ErrorCode::kUnauthorized:
      return 401;
    case ErrorCode::kDenied:
      return 403;
    case ErrorCode::kUnsupported:
      return 405;
    case ErrorCode::kRangeInvalid:
      return 416;
    case ErrorCode::kTooLarge:
      return 413;
    case ErrorCode::kUnavailable:
      return 503;
    case ErrorCode::kUnknown:
      break;
  }
  return 500;
}

const char* RegistryError::CodeName() const {
  switch (code) {
    case ErrorCode::kBlobUnknown:
      return "BLOB_UNKNOWN";
    case ErrorCode::kBlobUploadInvalid:
      return "BLOB_UPLOAD_INVALID";
    case ErrorCode::kBlobUploadUnknown:
      return "BLOB_UPLOAD_UNKNOWN";
    case ErrorCode::kDigestInvalid:
      return "DIGEST_INVALID";
    case ErrorCode::kManifestBlobUnknown:
      return "MANIFEST_BLOB_UNKNOWN";
    case ErrorCode::kManifestInvalid:
      return "MANIFEST_INVALID";
    case ErrorCode::kManifestUnknown:
      return "MANIFEST_UNKNOWN";
    case ErrorCode::kNameInvalid:
      return "NAME_INVALID";
    case ErrorCode::kNameUnknown:
      return "NAME_UNKNOWN";
    case ErrorCode::kSizeInvalid:
      return "SIZE_INVALID";
    case ErrorCode::kUnauthorized:
      return "UNAUTHORIZED";
    case ErrorCode::kDenied:
      return "DENIED";
    case ErrorCode::kUnsupported:
      return "UNSUPPORTED";
    case ErrorCode::kRangeInvalid:
      return "RANGE_INVALID";
    case ErrorCode::kTooLarge:
      return "SIZE_INVALID";
    case ErrorCode::kUnavailable:
      return "UNAVAILABLE";
    case ErrorCode::kUnknown:
      break;
  }
  return "UNKNOWN";
}

std::string RegistryError::Body() const {
  rapidjson::StringBuffer buffer;
  rapidjson::Writer<rapidjson::StringBuffer> w(buffer);
  w.StartObject();
  w.Key("errors");
  w.StartArray();
  w.StartObject();
  w.Key("code");
  w.String(CodeName());
  w.Key("message");
  w.String(message.c_str(), static_cast<rapidjson::SizeType>(message.size()));
  w.Key("detail");
  w.StartObject();
  w.EndObject();
  w.EndObject();
  w.EndArray();
  w.EndObject();
  return std::string(buffer.GetString(), buffer.GetSize()) + "\n";
}

RegistryError ErrorFromStatus(const Status& status, ErrorCode not_found, ErrorCode invalid) {
  RegistryError error;
  error.message = status.message();
  switch (status.code()) {
    case StatusCode::kUnauthenticated:
      error.code = ErrorCode::kUnauthorized;
      break;
    case StatusCode::kPermissionDenied:
      error.code = ErrorCode::kDenied;
      break;
    case StatusCode::kNotFound:
      error.code = not_found;
      break;
    case StatusCode::kInvalidArgument:
      error.code = invalid;
      break;
    case StatusCode::kResourceExhausted:
      error.code = ErrorCode::kTooLarge;
      break;
    case StatusCode::kUnavailable:
    case StatusCode::kDeadlineExceeded:
      error.code = ErrorCode::kUnavailable;
      break;
    default:
      error.code = ErrorCode::kUnknown;
      break;
  }
  return error;
}

}  // namespace boxcar::registry
