#include "core/container_health_config.h"

namespace boxcar {

namespace {

bool ValidTest(const google::protobuf::RepeatedPtrField<std::string>& test) {
  if (test.empty()) return false;
  if (test[0] == "NONE") return test.size() == 1;
  if (test[0] == "CMD") return test.size() >= 2 && !test[1].empty();
  if (test[0] == "CMD-SHELL") return test.size() == 2 && !test[1].empty();
  return false;
}

}  // namespace

Status ValidateHealthConfig(const v1::HealthConfig& config, const std::string& field) {
  if (!config.test().empty() && !ValidTest(config.test())) {
    return InvalidArgument(field +
                           ".test: give [\"CMD\", program, args...], [\"CMD-SHELL\", "
                           "\"command line\"] or [\"NONE\"]");
  }
  const struct {
    const char* name;
    int64_t value;
  } durations[] = {{"interval_ns", config.interval_ns()},
                   {"timeout_ns", config.timeout_ns()},
                   {"start_period_ns", config.start_period_ns()},
                   {"start_interval_ns", config.start_interval_ns()}};
  for (const auto& duration : durations) {
    if (duration.value != 0 && duration.value < kMinHealthDurationNs) {
      return InvalidArgument(field + "." + duration.name + ": " + std::to_string(duration.value) +
                             " ns is under the minimum of 1 ms (0: the image's or the default)");
    }
  }
  if (config.retries() < 0) {
    return InvalidArgument(field + ".retries: " + std::to_string(config.retries()) +
                           " is negative (0: the image's or the default, 3)");
  }
  return OkStatus();
}

std::optional<v1::HealthConfig> EffectiveHealthConfig(const v1::HealthConfig& spec,
                                                      const v1::ImageConfig& image) {
  const v1::HealthConfig& from_image = image.healthcheck();
  v1::HealthConfig effective;
  if (!spec.test().empty()) {
    *effective.mutable_test() = spec.test();
  } else if (ValidTest(from_image.test()) &&
             ValidateHealthConfig(from_image, "image.healthcheck").ok()) {
    *effective.mutable_test() = from_image.test();
  } else {
    return std::nullopt;
  }
  if (effective.test(0) == "NONE") return std::nullopt;
  auto pick = [](int64_t spec_value, int64_t image_value, int64_t fallback) {
    return spec_value ? spec_value : image_value ? image_value : fallback;
  };
  effective.set_interval_ns(
      pick(spec.interval_ns(), from_image.interval_ns(), kDefaultHealthIntervalNs));
  effective.set_timeout_ns(
      pick(spec.timeout_ns(), from_image.timeout_ns(), kDefaultHealthTimeoutNs));
  effective.set_start_period_ns(pick(spec.start_period_ns(), from_image.start_period_ns(), 0));
  effective.set_start_interval_ns(pick(spec.start_interval_ns(), from_image.start_interval_ns(),
                                       kDefaultHealthStartIntervalNs));
  effective.set_retries(static_cast<int32_t>(pick(
      spec.retries(), from_image.retries() > 0 ? from_image.retries() : 0, kDefaultHealthRetries)));
  return effective;
}

int64_t NextHealthProbeDelayNs(const v1::HealthConfig& config, v1::HealthStatus status,
                               int64_t since_start_ns) {
  const bool in_start_period = since_start_ns < config.start_period_ns();
  if (in_start_period && status == v1::HEALTH_STATUS_STARTING && config.start_interval_ns() > 0) {
    return config.start_interval_ns();
  }
  return config.interval_ns();
}

std::vector<std::string> HealthProbeCommand(const v1::HealthConfig& config) {
  if (config.test_size() >= 2 && config.test(0) == "CMD-SHELL") {
    return {"/bin/sh", "-c", config.test(1)};
  }
  return std::vector<std::string>(config.test().begin() + 1, config.test().end());
}

bool RecordHealthProbe(const v1::HealthConfig& config, int64_t since_start_ns,
                       v1::HealthProbe probe, v1::ContainerHealth* health) {
  const v1::HealthStatus before = health->status();
  if (probe.output().size() > kHealthOutputBytes)
    probe.mutable_output()->resize(kHealthOutputBytes);
  const bool passed = probe.exit_code() == 0;
  *health->add_log() = std::move(probe);
  while (health->log_size() > kHealthLogProbes)
    health->mutable_log()->erase(health->mutable_log()->begin());
  if (passed) {
    health->set_failing_streak(0);
    health->set_status(v1::HEALTH_STATUS_HEALTHY);
  } else if (before != v1::HEALTH_STATUS_STARTING || since_start_ns >= config.start_period_ns()) {
    health->set_failing_streak(health->failing_streak() + 1);
    if (health->failing_streak() >= static_cast<uint32_t>(config.retries())) {
      health->set_status(v1::HEALTH_STATUS_UNHEALTHY);
    }
  }
  return health->status() != before;
}

}  // namespace boxcar
