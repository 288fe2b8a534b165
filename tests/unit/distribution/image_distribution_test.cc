#include "distribution/image_distribution.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace boxcar {
namespace {

using ::testing::_;
using ::testing::HasSubstr;
using ::testing::Return;

class MockTransport : public ImageTransport {
 public:
  explicit MockTransport(const char* name) : name_(name) {}
  const char* name() const override { return name_; }
  MOCK_METHOD(StatusOr<v1::Image>, Pull,
              (const v1::PullRequest&, const TransferProgressSink&, const TransferCancelCheck&),
              (override));
  MOCK_METHOD(StatusOr<v1::PushResult>, Push,
              (const v1::PushRequest&, const TransferProgressSink&, const TransferCancelCheck&),
              (override));

 private:
  const char* name_;
};

v1::Image ImageWithId(const std::string& id) {
  v1::Image image;
  image.set_id(id);
  return image;
}

TEST(ImageDistributionTest, RoutesGlanceLocationsToGlanceAndTheRestToTheRegistry) {
  auto registry = std::make_unique<MockTransport>("registry");
  auto glance = std::make_unique<MockTransport>("glance");
  EXPECT_CALL(*registry, Pull(_, _, _)).WillOnce(Return(ImageWithId("sha256:r")));
  EXPECT_CALL(*glance, Pull(_, _, _)).WillOnce(Return(ImageWithId("sha256:g")));
  EXPECT_CALL(*glance, Push(_, _, _)).WillOnce(Return(v1::PushResult()));
  EXPECT_CALL(*registry, Push(_, _, _)).WillOnce(Return(v1::PushResult()));
  ImageDistribution distribution(std::move(registry), std::move(glance), nullptr);

  v1::PullRequest pull;
  pull.set_source("localhost:5000/app:1");
  EXPECT_EQ(distribution.Pull(pull, nullptr, nullptr)->id(), "sha256:r");
  pull.set_source("glance://0b5d3a8e-1e4c-4d6c-9c4e-2f3a5b6c7d8e");
  EXPECT_EQ(distribution.Pull(pull, nullptr, nullptr)->id(), "sha256:g");

  v1::PushRequest push;
  push.set_image("app:1");
  push.set_destination("glance://");
  EXPECT_TRUE(distribution.Push(push, nullptr, nullptr).ok());
  push.clear_destination();  // the image's own reference: a registry push
  EXPECT_TRUE(distribution.Push(push, nullptr, nullptr).ok());
}

TEST(ImageDistributionTest, EmptyFieldsAreRefusedNamingThem) {
  ImageDistribution distribution(std::make_unique<MockTransport>("registry"), nullptr, nullptr);
  auto pulled = distribution.Pull(v1::PullRequest(), nullptr, nullptr);
  EXPECT_EQ(pulled.status().code(), StatusCode::kInvalidArgument);
  EXPECT_THAT(pulled.status().message(), HasSubstr("source: empty"));
  auto pushed = distribution.Push(v1::PushRequest(), nullptr, nullptr);
  EXPECT_EQ(pushed.status().code(), StatusCode::kInvalidArgument);
  EXPECT_THAT(pushed.status().message(), HasSubstr("image: empty"));
  EXPECT_THAT(distribution.Login(v1::LoginRequest()).message(), HasSubstr("registry: empty"));
}

TEST(ImageDistributionTest, AMissingTransportIsUnimplementedNamingTheLocation) {
  ImageDistribution distribution(nullptr, nullptr, nullptr);
  v1::PullRequest pull;
  pull.set_source("glance://abc");
  auto pulled = distribution.Pull(pull, nullptr, nullptr);
  EXPECT_EQ(pulled.status().code(), StatusCode::kUnimplemented);
  EXPECT_THAT(pulled.status().message(), HasSubstr("source: this agent has no Glance translator"));
  pull.set_source("busybox");
  EXPECT_THAT(distribution.Pull(pull, nullptr, nullptr).status().message(),
              HasSubstr("no registry client for 'busybox'"));
  v1::LoginRequest login;
  login.set_registry("localhost:5000");
  EXPECT_EQ(distribution.Login(login).code(), StatusCode::kUnimplemented);
}

}  // namespace
}  // namespace boxcar
