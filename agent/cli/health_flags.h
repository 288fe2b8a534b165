// The flags of `boxcar create` and `boxcar run` for the health check and the stop of a
// container (Docker's --health-*, --no-healthcheck, --stop-signal, --stop-timeout), and what
// they put into the spec.
#pragma once

#include <CLI/CLI.hpp>
#include <string>

#include "boxcar/v1/containers.pb.h"
#include "common/status.h"

namespace boxcar::cli {

struct HealthFlags {
  std::string cmd;       // --health-cmd: run by /bin/sh -c
  std::string interval;  // durations: "30s", "1m30s", "500ms"
  std::string timeout;
  std::string start_period;
  std::string start_interval;
  int retries = 0;
  bool none = false;  // --no-healthcheck
  std::string stop_signal;
  int stop_timeout = -1;  // -1: not given
};

void AddHealthFlags(CLI::App* command, HealthFlags& options);
// INVALID_ARGUMENT naming the flag for a malformed duration or contradicting flags.
Status ApplyHealthFlags(const HealthFlags& options, v1::ContainerSpec* spec);

}  // namespace boxcar::cli
