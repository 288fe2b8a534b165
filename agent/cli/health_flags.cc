#include "cli/health_flags.h"

#include "common/go_duration.h"

namespace boxcar::cli {

void AddHealthFlags(CLI::App* command, HealthFlags& options) {
  command->add_option("--health-cmd", options.cmd,
                      "Command that checks the container's health (run by /bin/sh -c; exit 0: "
                      "healthy)");
  command->add_option("--health-interval", options.interval,
                      "Time between health checks, e.g. 30s, 1m (default 30s)");
  command->add_option("--health-timeout", options.timeout,
                      "Time a health check may take before it counts as failed (default 30s)");
  command->add_option("--health-start-period", options.start_period,
                      "Time after the start in which failed checks do not count (default 0s)");
  command->add_option("--health-start-interval", options.start_interval,
                      "Time between health checks during the start period, while starting "
                      "(default 5s)");
  command->add_option("--health-retries", options.retries,
                      "Failed checks in a row that make it unhealthy (default 3)");
  command->add_flag("--no-healthcheck", options.none,
                    "Run no health check, not even the image's HEALTHCHECK");
  command->add_option("--stop-signal", options.stop_signal,
                      "Signal that stops the container, e.g. SIGQUIT (default: the image's, "
                      "else SIGTERM)");
  command->add_option("--stop-timeout", options.stop_timeout,
                      "Seconds `stop` waits for the container before SIGKILL (default 10)");
}

Status ApplyHealthFlags(const HealthFlags& options, v1::ContainerSpec* spec) {
  v1::HealthConfig* check = spec->mutable_healthcheck();
  const bool tuned = !options.cmd.empty() || !options.interval.empty() ||
                     !options.timeout.empty() || !options.start_period.empty() ||
                     !options.start_interval.empty() || options.retries != 0;
  if (options.none) {
    if (tuned) {
      return InvalidArgument("--no-healthcheck conflicts with the --health-* options; give one");
    }
    check->add_test("NONE");
  }
  if (!options.cmd.empty()) {
    check->add_test("CMD-SHELL");
    check->add_test(options.cmd);
  }
  const struct {
    const char* flag;
    const std::string* text;
    void (v1::HealthConfig::*set)(int64_t);
  } durations[] = {
      {"--health-interval", &options.interval, &v1::HealthConfig::set_interval_ns},
      {"--health-timeout", &options.timeout, &v1::HealthConfig::set_timeout_ns},
      {"--health-start-period", &options.start_period, &v1::HealthConfig::set_start_period_ns},
      {"--health-start-interval", &options.start_interval,
       &v1::HealthConfig::set_start_interval_ns},
  };
  for (const auto& duration : durations) {
    if (duration.text->empty()) continue;
    std::optional<int64_t> nanoseconds = ParseGoDuration(*duration.text);
    if (!nanoseconds || *nanoseconds <= 0) {
      return InvalidArgument(std::string(duration.flag) + " '" + *duration.text +
                             "' is not a duration; use e.g. 30s, 1m30s or 500ms");
    }
    (check->*duration.set)(*nanoseconds);
  }
  if (options.retries < 0) {
    return InvalidArgument("--health-retries '" + std::to_string(options.retries) +
                           "' must be 1 or more");
  }
  check->set_retries(options.retries);
  if (!check->test_size() && !check->interval_ns() && !check->timeout_ns() &&
      !check->start_period_ns() && !check->start_interval_ns() && !check->retries()) {
    spec->clear_healthcheck();
  }
  spec->set_stop_signal(options.stop_signal);
  if (options.stop_timeout < -1) {
    return InvalidArgument("--stop-timeout '" + std::to_string(options.stop_timeout) +
                           "' must be 0 or more seconds");
  }
  if (options.stop_timeout >= 0) {
    spec->set_stop_timeout_seconds(static_cast<uint32_t>(options.stop_timeout));
  }
  return OkStatus();
}

}  // namespace boxcar::cli
