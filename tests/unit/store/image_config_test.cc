#include "store/image_config.h"

#include <gtest/gtest.h>

namespace boxcar {
namespace {

constexpr char kDiffId[] =
    "sha256:0000000000000000000000000000000000000000000000000000000000000001";

TEST(ImageConfigTest, TheHealthcheckIsReadFromTheOciConfig) {
  const std::string json = std::string(R"({"rootfs": {"type": "layers", "diff_ids": [")") +
                           kDiffId + R"("]}, "config": {"StopSignal": "SIGQUIT", "Healthcheck":
      {"Test": ["CMD-SHELL", "curl -f http://localhost/"], "Interval": 5000000000,
       "Timeout": 3000000000, "StartPeriod": 1000000000, "StartInterval": 200000000,
       "Retries": 4}}})";
  v1::ImageConfig config;
  std::vector<std::string> diff_ids;
  ASSERT_TRUE(ParseImageConfig(json, &config, &diff_ids).ok());
  ASSERT_TRUE(config.has_healthcheck());
  EXPECT_EQ(config.healthcheck().test_size(), 2);
  EXPECT_EQ(config.healthcheck().test(1), "curl -f http://localhost/");
  EXPECT_EQ(config.healthcheck().interval_ns(), 5'000'000'000);
  EXPECT_EQ(config.healthcheck().timeout_ns(), 3'000'000'000);
  EXPECT_EQ(config.healthcheck().start_period_ns(), 1'000'000'000);
  EXPECT_EQ(config.healthcheck().start_interval_ns(), 200'000'000);
  EXPECT_EQ(config.healthcheck().retries(), 4);
  EXPECT_EQ(config.stop_signal(), "SIGQUIT");

  // Written back as it was read: an imported rootfs with a check keeps it.
  v1::ImageConfig again;
  diff_ids.clear();
  ASSERT_TRUE(ParseImageConfig(BuildOciConfigJson(config, {kDiffId}), &again, &diff_ids).ok());
  EXPECT_EQ(again.healthcheck().SerializeAsString(), config.healthcheck().SerializeAsString());
}

TEST(ImageConfigTest, AnImageWithoutHealthcheckHasNone) {
  const std::string json = std::string(R"({"rootfs": {"type": "layers", "diff_ids": [")") +
                           kDiffId + R"("]}, "config": {"Cmd": ["sh"]}})";
  v1::ImageConfig config;
  std::vector<std::string> diff_ids;
  ASSERT_TRUE(ParseImageConfig(json, &config, &diff_ids).ok());
  EXPECT_FALSE(config.has_healthcheck());
  EXPECT_EQ(BuildOciConfigJson(config, {kDiffId}).find("Healthcheck"), std::string::npos);
}

}  // namespace
}  // namespace boxcar
