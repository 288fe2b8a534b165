// The flags of `boxcar create` and `boxcar run` that describe the container, and the
// ContainerSpec they make. The agent validates the spec again; these checks only catch what
// cannot even be put into it (a size that is not one, a malformed DEVICE:RATE).
#pragma once

#include <CLI/CLI.hpp>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "boxcar/v1/containers.pb.h"
#include "cli/health_flags.h"
#include "cli/resource_tuning_flags.h"
#include "common/status.h"

namespace boxcar::cli {

struct ContainerSpecFlags {
  std::string name;
  std::vector<std::string> env;
  std::string working_dir;
  std::string user;
  std::vector<std::string> group_add;  // --group-add GROUP|GID
  std::string hostname;
  std::string memory;
  double cpus = 0;
  int64_t pids_limit = 0;  // -1 and 0: no limit, as Docker's
  int64_t cpu_shares = 0;
  std::string cpuset_cpus;
  std::string cpuset_mems;
  std::string backend;
  std::string entrypoint;
  std::vector<std::string> ulimits;
  std::vector<std::string> device_read_bps;
  std::vector<std::string> device_write_bps;
  std::vector<std::string> device_read_iops;
  std::vector<std::string> device_write_iops;
  std::string restart;
  bool userns = false;
  std::string network;
  std::string ip;
  std::string mac_address;
  std::vector<std::string> dns;
  std::vector<std::string> dns_search;
  std::vector<std::string> dns_options;
  std::vector<std::string> add_hosts;  // NAME:IP
  std::vector<std::string> network_aliases;
  std::vector<std::string> publish;
  bool publish_all = false;
  std::vector<std::string> volumes;  // -v
  std::vector<std::string> tmpfs;
  std::vector<std::string> mounts;  // --mount
  std::vector<std::string> volumes_from;  // --volumes-from CONTAINER[:ro|:rw]
  ResourceTuningFlags tuning;             // --memory-swap, --oom-score-adj, --cpu-quota, ...
  bool read_only = false;
  std::vector<std::string> env_files;  // --env-file
  std::vector<std::string> cap_add;
  std::vector<std::string> cap_drop;
  bool privileged = false;
  std::vector<std::string> security_opts;  // --security-opt, as given
  std::vector<std::string> devices;  // --device HOST[:CONTAINER[:PERMS]]
  std::vector<std::string> sysctls;  // --sysctl KEY=VALUE
  std::string pid_mode;              // --pid: host or container:NAME
  std::string ipc_mode;              // --ipc: private, shareable, host or container:NAME
  std::string uts_mode;              // --uts: host
  std::string shm_size;              // --shm-size, as given ("128m")
  bool interactive = false;  // -i: stdin kept open (spec.stdin_open)
  bool tty = false;          // -t: a terminal (spec.tty)
  std::vector<std::string> labels;  // --label KEY=VALUE
  std::string log_driver;           // --log-driver local|none
  std::vector<std::string> log_opts;  // --log-opt KEY=VALUE
  std::optional<bool> init;         // --init[=true|false]; unset: the agent's default
  HealthFlags health;               // --health-*, --stop-signal, --stop-timeout
  // IMAGE [COMMAND [ARG...]]: everything from the first positional on.
  std::vector<std::string> image_and_command;
};

void AddContainerSpecFlags(CLI::App* command, ContainerSpecFlags& options);
// Collects IMAGE [COMMAND...] once the subcommand is parsed; false (with a message) if absent.
bool TakeImageAndCommand(CLI::App* command, ContainerSpecFlags& options);
// INVALID_ARGUMENT naming the flag when a value cannot be put into the spec.
Status BuildContainerSpec(const ContainerSpecFlags& options, v1::ContainerSpec* spec);

}  // namespace boxcar::cli
