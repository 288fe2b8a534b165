// Docker's finer resource flags of `run`/`create` (--memory-swap, --memory-reservation,
// --memory-swappiness, --oom-kill-disable, --oom-score-adj, --blkio-weight, --cpu-period,
// --cpu-quota) and the ones `update` changes live. Only what cannot be put into the request is
// refused here (a size that is not one); the agent checks the values and names the field.
#pragma once

#include <CLI/CLI.hpp>
#include <cstdint>
#include <optional>
#include <string>

#include "boxcar/v1/containers.pb.h"
#include "common/status.h"

namespace boxcar::cli {

struct ResourceTuningFlags {
  std::string memory_swap;                   // a size or -1, as given
  std::string memory_reservation;            // a size, as given
  std::optional<int64_t> memory_swappiness;  // -1: the host's (Docker's default)
  bool oom_kill_disable = false;
  std::optional<int64_t> oom_score_adj;
  std::optional<int64_t> blkio_weight;
  std::optional<int64_t> cpu_period;  // microseconds
  std::optional<int64_t> cpu_quota;   // microseconds; -1: none
};

// run/create: all of them.
void AddResourceTuningFlags(CLI::App* command, ResourceTuningFlags& flags);
Status ApplyResourceTuningFlags(const ResourceTuningFlags& flags, v1::ContainerSpec* spec);

// update: --memory-swap, --memory-reservation, --blkio-weight, --cpu-period, --cpu-quota.
void AddUpdateTuningFlags(CLI::App* command, ResourceTuningFlags& flags);
Status ApplyUpdateTuningFlags(const ResourceTuningFlags& flags,
                              v1::UpdateContainerRequest* request);
// True when `request` changes one of the update flags above.
bool ChangesTuning(const v1::UpdateContainerRequest& request);

}  // namespace boxcar::cli
