// What a container's health check is (Docker's HEALTHCHECK: the container spec's fields over
// the image's, Docker's defaults for the rest) and how a probe's result moves its status.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "boxcar/v1/containers.pb.h"
#include "boxcar/v1/images.pb.h"
#include "common/status.h"

namespace boxcar {

inline constexpr int64_t kDefaultHealthIntervalNs = 30'000'000'000;
inline constexpr int64_t kDefaultHealthTimeoutNs = 30'000'000'000;
inline constexpr int32_t kDefaultHealthRetries = 3;
inline constexpr int64_t kDefaultHealthStartIntervalNs = 5'000'000'000;
inline constexpr int64_t kMinHealthDurationNs = 1'000'000;  // 1 ms, as Docker's
// What a probe's output keeps, and how many probes the log keeps (Docker's).
inline constexpr size_t kHealthOutputBytes = 4096;
inline constexpr int kHealthLogProbes = 5;

// The spec's health check: its test (CMD with a program, CMD-SHELL with one command line, or
// NONE alone) and durations (0, or at least 1 ms); errors name `field`.test, .interval_ns ...
Status ValidateHealthConfig(const v1::HealthConfig& config, const std::string& field);

// The check a container runs, every field set; nullopt when it has none (neither spec nor
// image give a test, a test is NONE, or the image's is malformed).
std::optional<v1::HealthConfig> EffectiveHealthConfig(const v1::HealthConfig& spec,
                                                      const v1::ImageConfig& image);

// Whether `config` (a container spec's, filled in at Create) has a check to run.
inline bool HasHealthCheck(const v1::HealthConfig& config) {
  return !config.test().empty() && config.test(0) != "NONE";
}

// How long after a probe the next one runs: the start interval while the container is still
// starting within its start period (`since_start_ns` after its start), else the interval.
int64_t NextHealthProbeDelayNs(const v1::HealthConfig& config, v1::HealthStatus status,
                               int64_t since_start_ns);

// The command of a probe: CMD's words, or /bin/sh -c for CMD-SHELL.
std::vector<std::string> HealthProbeCommand(const v1::HealthConfig& config);

// Records `probe` in `health` (the log keeps the last kHealthLogProbes) and moves its status
// as Docker does: a success makes it healthy; a failure counts, unless the container is still
// starting within its start period (`since_start_ns` after the start), and `retries` of them
// in a row make it unhealthy. True when the status changed.
bool RecordHealthProbe(const v1::HealthConfig& config, int64_t since_start_ns,
                       v1::HealthProbe probe, v1::ContainerHealth* health);

}  // namespace boxcar
