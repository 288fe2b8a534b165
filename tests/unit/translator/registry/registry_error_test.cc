#include "registry/registry_error.h"

#include <gtest/gtest.h>

namespace boxcar::registry {
namespace {

TEST(RegistryError, SpecCodesAndStatuses) {
  EXPECT_EQ((RegistryError{ErrorCode::kBlobUnknown, "x"}).HttpStatus(), 404);
  EXPECT_EQ((RegistryError{ErrorCode::kDigestInvalid, "x"}).HttpStatus(), 400);
  EXPECT_EQ((RegistryError{ErrorCode::kUnauthorized, "x"}).HttpStatus(), 401);
  EXPECT_EQ((RegistryError{ErrorCode::kDenied, "x"}).HttpStatus(), 403);
  EXPECT_EQ((RegistryError{ErrorCode::kUnsupported, "x"}).HttpStatus(), 405);
  EXPECT_EQ((RegistryError{ErrorCode::kRangeInvalid, "x"}).HttpStatus(), 416);
  EXPECT_EQ(std::string((RegistryError{ErrorCode::kManifestBlobUnknown, ""}).CodeName()),
            "MANIFEST_BLOB_UNKNOWN");
}

TEST(RegistryError, BodyIsTheSpecJsonWithTheMessageEscaped) {
  RegistryError error{ErrorCode::kNameInvalid, "bad \"name\""};
  EXPECT_EQ(error.Body(),
            "{\"errors\":[{\"code\":\"NAME_INVALID\",\"message\":\"bad \\\"name\\\"\","
            "\"detail\":{}}]}\n");
}

TEST(RegistryError, FromStatus) {
  EXPECT_EQ(
      ErrorFromStatus(Status(StatusCode::kUnauthenticated, "t"), ErrorCode::kBlobUnknown).code,
      ErrorCode::kUnauthorized);
  EXPECT_EQ(
      ErrorFromStatus(Status(StatusCode::kPermissionDenied, "t"), ErrorCode::kBlobUnknown).code,
      ErrorCode::kDenied);
  EXPECT_EQ(ErrorFromStatus(NotFound("t"), ErrorCode::kManifestUnknown).code,
            ErrorCode::kManifestUnknown);
  EXPECT_EQ(ErrorFromStatus(Unavailable("t"), ErrorCode::kBlobUnknown).HttpStatus(), 503);
  EXPECT_EQ(ErrorFromStatus(Internal("t"), ErrorCode::kBlobUnknown).HttpStatus(), 500);
}

}  // namespace
}  // namespace boxcar::registry
