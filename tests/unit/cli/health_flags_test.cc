#include "cli/health_flags.h"

#include <gtest/gtest.h>

namespace boxcar::cli {
namespace {

TEST(HealthFlagsTest, FlagsBecomeTheSpecsHealthCheckAndStop) {
  HealthFlags flags;
  flags.cmd = "test -e /ok";
  flags.interval = "1m30s";
  flags.timeout = "500ms";
  flags.start_period = "2s";
  flags.start_interval = "250ms";
  flags.retries = 5;
  flags.stop_signal = "SIGQUIT";
  flags.stop_timeout = 0;
  v1::ContainerSpec spec;
  ASSERT_TRUE(ApplyHealthFlags(flags, &spec).ok());
  ASSERT_EQ(spec.healthcheck().test_size(), 2);
  EXPECT_EQ(spec.healthcheck().test(0), "CMD-SHELL");
  EXPECT_EQ(spec.healthcheck().test(1), "test -e /ok");
  EXPECT_EQ(spec.healthcheck().interval_ns(), 90'000'000'000);
  EXPECT_EQ(spec.healthcheck().timeout_ns(), 500'000'000);
  EXPECT_EQ(spec.healthcheck().start_period_ns(), 2'000'000'000);
  EXPECT_EQ(spec.healthcheck().start_interval_ns(), 250'000'000);
  EXPECT_EQ(spec.healthcheck().retries(), 5);
  EXPECT_EQ(spec.stop_signal(), "SIGQUIT");
  ASSERT_TRUE(spec.has_stop_timeout_seconds());
  EXPECT_EQ(spec.stop_timeout_seconds(), 0u);
}

TEST(HealthFlagsTest, NoFlagsLeaveTheImagesCheckAndStop) {
  v1::ContainerSpec spec;
  ASSERT_TRUE(ApplyHealthFlags(HealthFlags(), &spec).ok());
  EXPECT_FALSE(spec.has_healthcheck());
  EXPECT_FALSE(spec.has_stop_timeout_seconds());
  EXPECT_EQ(spec.stop_signal(), "");
  HealthFlags none;
  none.none = true;
  ASSERT_TRUE(ApplyHealthFlags(none, &spec).ok());
  ASSERT_EQ(spec.healthcheck().test_size(), 1);
  EXPECT_EQ(spec.healthcheck().test(0), "NONE");
}

TEST(HealthFlagsTest, BadValuesNameTheFlag) {
  HealthFlags bad_interval;
  bad_interval.interval = "30";
  v1::ContainerSpec spec;
  Status status = ApplyHealthFlags(bad_interval, &spec);
  EXPECT_EQ(status.code(), StatusCode::kInvalidArgument);
  EXPECT_NE(status.message().find("--health-interval '30'"), std::string::npos) << status.message();

  HealthFlags both;
  both.none = true;
  both.cmd = "true";
  EXPECT_NE(ApplyHealthFlags(both, &spec).message().find("--no-healthcheck"), std::string::npos);

  HealthFlags retries;
  retries.retries = -2;
  EXPECT_NE(ApplyHealthFlags(retries, &spec).message().find("--health-retries"), std::string::npos);

  HealthFlags stop;
  stop.stop_timeout = -3;
  EXPECT_NE(ApplyHealthFlags(stop, &spec).message().find("--stop-timeout"), std::string::npos);
}

}  // namespace
}  // namespace boxcar::cli
