#include "cli/image_pull_policy.h"

#include <gtest/gtest.h>

namespace boxcar::cli {
namespace {

TEST(ImagePullPolicyTest, OnlyTheStoresNoImageAnswerIsAMissingImage) {
  EXPECT_TRUE(IsMissingImage(grpc::Status(grpc::StatusCode::NOT_FOUND,
                                          "spec.image: no image 'registry:5000/app:1' (see ...)")));
  // Another NOT_FOUND of a create (a volume, a network) is not.
  EXPECT_FALSE(
      IsMissingImage(grpc::Status(grpc::StatusCode::NOT_FOUND, "spec.network: no network 'back'")));
  EXPECT_FALSE(IsMissingImage(
      grpc::Status(grpc::StatusCode::INVALID_ARGUMENT, "spec.image: no image 'x' (see ...)")));
  EXPECT_FALSE(IsMissingImage(grpc::Status::OK));
}

TEST(ImagePullPolicyTest, ImageIdsAreNotPulled) {
  EXPECT_TRUE(IsPullableReference("busybox"));
  EXPECT_TRUE(IsPullableReference("127.0.0.1:5000/team/app:1"));
  EXPECT_TRUE(IsPullableReference("registry/app@sha256:" + std::string(64, 'a')));
  EXPECT_TRUE(IsPullableReference("abc123"));  // a short name may be a repository, as Docker's
  EXPECT_FALSE(IsPullableReference("sha256:" + std::string(64, 'a')));
  EXPECT_FALSE(IsPullableReference("sha256:abc"));
  EXPECT_FALSE(IsPullableReference(std::string(64, 'b')));
  EXPECT_FALSE(IsPullableReference(""));
}

}  // namespace
}  // namespace boxcar::cli
