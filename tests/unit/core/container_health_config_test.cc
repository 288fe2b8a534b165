#include "core/container_health_config.h"

#include <gtest/gtest.h>

namespace boxcar {
namespace {

v1::HealthConfig Check(std::vector<std::string> test, int64_t interval_ns = 0,
                       int32_t retries = 0) {
  v1::HealthConfig config;
  for (auto& word : test) config.add_test(word);
  config.set_interval_ns(interval_ns);
  config.set_retries(retries);
  return config;
}

TEST(ContainerHealthConfigTest, ValidationNamesTheField) {
  EXPECT_TRUE(ValidateHealthConfig(Check({"CMD", "true"}), "spec.healthcheck").ok());
  EXPECT_TRUE(ValidateHealthConfig(Check({"CMD-SHELL", "curl -f localhost"}), "f").ok());
  EXPECT_TRUE(ValidateHealthConfig(Check({"NONE"}), "f").ok());
  EXPECT_TRUE(ValidateHealthConfig(Check({}, 1'000'000), "f").ok()) << "no test: the image's";
  for (auto test : std::vector<std::vector<std::string>>{
           {"CMD"}, {"CMD-SHELL"}, {"CMD-SHELL", "a", "b"}, {"NONE", "x"}, {"RUN", "true"}}) {
    Status status = ValidateHealthConfig(Check(test), "spec.healthcheck");
    EXPECT_EQ(status.code(), StatusCode::kInvalidArgument);
    EXPECT_EQ(status.message().rfind("spec.healthcheck.test:", 0), 0u) << status.message();
  }
  Status short_interval = ValidateHealthConfig(Check({"CMD", "true"}, 999'999), "spec.healthcheck");
  EXPECT_EQ(short_interval.code(), StatusCode::kInvalidArgument);
  EXPECT_NE(short_interval.message().find("spec.healthcheck.interval_ns"), std::string::npos);
  v1::HealthConfig negative_timeout = Check({"CMD", "true"});
  negative_timeout.set_timeout_ns(-5);
  EXPECT_NE(ValidateHealthConfig(negative_timeout, "h").message().find("h.timeout_ns"),
            std::string::npos);
  EXPECT_NE(ValidateHealthConfig(Check({"CMD", "true"}, 0, -1), "h").message().find("h.retries"),
            std::string::npos);
  v1::HealthConfig short_start_interval = Check({"CMD", "true"});
  short_start_interval.set_start_interval_ns(1000);
  EXPECT_NE(ValidateHealthConfig(short_start_interval, "h").message().find("h.start_interval_ns"),
            std::string::npos);
}

// Docker's monitor: the start interval while starting within the start period, else the
// interval.
TEST(ContainerHealthConfigTest, NextProbeUsesTheStartIntervalOnlyWhileStartingInTheStartPeriod) {
  v1::HealthConfig config = Check({"CMD", "x"}, 30'000'000'000);
  config.set_start_period_ns(10'000'000'000);
  config.set_start_interval_ns(500'000'000);
  EXPECT_EQ(NextHealthProbeDelayNs(config, v1::HEALTH_STATUS_STARTING, 0), 500'000'000);
  EXPECT_EQ(NextHealthProbeDelayNs(config, v1::HEALTH_STATUS_STARTING, 9'999'999'999), 500'000'000);
  EXPECT_EQ(NextHealthProbeDelayNs(config, v1::HEALTH_STATUS_STARTING, 10'000'000'000),
            30'000'000'000);
  EXPECT_EQ(NextHealthProbeDelayNs(config, v1::HEALTH_STATUS_HEALTHY, 1'000'000'000),
            30'000'000'000);
  EXPECT_EQ(NextHealthProbeDelayNs(config, v1::HEALTH_STATUS_UNHEALTHY, 1'000'000'000),
            30'000'000'000);
  config.set_start_period_ns(0);  // no start period: never the start interval
  EXPECT_EQ(NextHealthProbeDelayNs(config, v1::HEALTH_STATUS_STARTING, 0), 30'000'000'000);
}

TEST(ContainerHealthConfigTest, TheSpecOverridesTheImageFieldByField) {
  v1::ImageConfig image;
  *image.mutable_healthcheck() = Check({"CMD", "probe"}, 5'000'000'000, 7);
  image.mutable_healthcheck()->set_timeout_ns(2'000'000'000);

  auto inherited = EffectiveHealthConfig(v1::HealthConfig(), image);
  ASSERT_TRUE(inherited.has_value());
  EXPECT_EQ(inherited->test(1), "probe");
  EXPECT_EQ(inherited->interval_ns(), 5'000'000'000);
  EXPECT_EQ(inherited->timeout_ns(), 2'000'000'000);
  EXPECT_EQ(inherited->retries(), 7);

  // Only the interval given: the image's command and the rest stay.
  auto tuned = EffectiveHealthConfig(Check({}, 1'000'000'000), image);
  ASSERT_TRUE(tuned.has_value());
  EXPECT_EQ(tuned->test(1), "probe");
  EXPECT_EQ(tuned->interval_ns(), 1'000'000'000);
  EXPECT_EQ(tuned->retries(), 7);

  // A command of its own, Docker's defaults where neither gives a value.
  auto own = EffectiveHealthConfig(Check({"CMD-SHELL", "true"}), v1::ImageConfig());
  ASSERT_TRUE(own.has_value());
  EXPECT_EQ(own->interval_ns(), kDefaultHealthIntervalNs);
  EXPECT_EQ(own->timeout_ns(), kDefaultHealthTimeoutNs);
  EXPECT_EQ(own->start_period_ns(), 0);
  EXPECT_EQ(own->start_interval_ns(), kDefaultHealthStartIntervalNs);
  EXPECT_EQ(own->retries(), kDefaultHealthRetries);

  // The start interval as the other durations: the spec's, else the image's.
  image.mutable_healthcheck()->set_start_interval_ns(2'000'000'000);
  EXPECT_EQ(EffectiveHealthConfig(v1::HealthConfig(), image)->start_interval_ns(), 2'000'000'000);
  v1::HealthConfig fast_start;
  fast_start.set_start_interval_ns(100'000'000);
  EXPECT_EQ(EffectiveHealthConfig(fast_start, image)->start_interval_ns(), 100'000'000);

  EXPECT_FALSE(EffectiveHealthConfig(Check({"NONE"}), image).has_value());
  EXPECT_FALSE(EffectiveHealthConfig(v1::HealthConfig(), v1::ImageConfig()).has_value());
  v1::ImageConfig malformed;
  *malformed.mutable_healthcheck() = Check({"BOGUS", "x"});
  EXPECT_FALSE(EffectiveHealthConfig(v1::HealthConfig(), malformed).has_value());
}

TEST(ContainerHealthConfigTest, ProbeCommands) {
  EXPECT_EQ(HealthProbeCommand(Check({"CMD", "curl", "-f", "x"})),
            (std::vector<std::string>{"curl", "-f", "x"}));
  EXPECT_EQ(HealthProbeCommand(Check({"CMD-SHELL", "test -e /ok"})),
            (std::vector<std::string>{"/bin/sh", "-c", "test -e /ok"}));
  EXPECT_TRUE(HasHealthCheck(Check({"CMD", "x"})));
  EXPECT_FALSE(HasHealthCheck(Check({"NONE"})));
  EXPECT_FALSE(HasHealthCheck(Check({})));
}

v1::HealthProbe Probe(int exit_code, std::string output = "") {
  v1::HealthProbe probe;
  probe.set_exit_code(exit_code);
  probe.set_output(std::move(output));
  return probe;
}

TEST(ContainerHealthConfigTest, StatusMovesAsDockers) {
  v1::HealthConfig config = Check({"CMD", "x"}, 1'000'000'000, 2);
  config.set_start_period_ns(10'000'000'000);
  v1::ContainerHealth health;
  health.set_status(v1::HEALTH_STATUS_STARTING);

  // Failures within the start period do not count while it is starting.
  EXPECT_FALSE(RecordHealthProbe(config, 1'000'000'000, Probe(1), &health));
  EXPECT_FALSE(RecordHealthProbe(config, 2'000'000'000, Probe(1), &health));
  EXPECT_EQ(health.status(), v1::HEALTH_STATUS_STARTING);
  EXPECT_EQ(health.failing_streak(), 0u);
  // A success ends the start: healthy.
  EXPECT_TRUE(RecordHealthProbe(config, 3'000'000'000, Probe(0), &health));
  EXPECT_EQ(health.status(), v1::HEALTH_STATUS_HEALTHY);
  // Within the start period but no longer starting: failures count, `retries` of them make
  // it unhealthy.
  EXPECT_FALSE(RecordHealthProbe(config, 4'000'000'000, Probe(1), &health));
  EXPECT_EQ(health.failing_streak(), 1u);
  EXPECT_TRUE(RecordHealthProbe(config, 5'000'000'000, Probe(-1), &health));
  EXPECT_EQ(health.status(), v1::HEALTH_STATUS_UNHEALTHY);
  EXPECT_EQ(health.failing_streak(), 2u);
  EXPECT_TRUE(RecordHealthProbe(config, 6'000'000'000, Probe(0), &health));
  EXPECT_EQ(health.failing_streak(), 0u);

  // Past the start period, a starting container's failures count.
  v1::ContainerHealth late;
  late.set_status(v1::HEALTH_STATUS_STARTING);
  RecordHealthProbe(config, 11'000'000'000, Probe(1), &late);
  EXPECT_EQ(late.failing_streak(), 1u);
  EXPECT_TRUE(RecordHealthProbe(config, 12'000'000'000, Probe(1), &late));
  EXPECT_EQ(late.status(), v1::HEALTH_STATUS_UNHEALTHY);
}

TEST(ContainerHealthConfigTest, TheLogKeepsFiveProbesAndTheStartOfTheirOutput) {
  v1::HealthConfig config = Check({"CMD", "x"}, 1'000'000'000, 3);
  v1::ContainerHealth health;
  for (int i = 0; i < 7; ++i) RecordHealthProbe(config, 0, Probe(i, std::to_string(i)), &health);
  ASSERT_EQ(health.log_size(), kHealthLogProbes);
  EXPECT_EQ(health.log(0).output(), "2");
  EXPECT_EQ(health.log(4).output(), "6");
  RecordHealthProbe(config, 0, Probe(0, std::string(10000, 'x')), &health);
  EXPECT_EQ(health.log(4).output().size(), kHealthOutputBytes);
}

}  // namespace
}  // namespace boxcar
