// A container's --log-driver and --log-opt (ContainerSpec.log_driver, log_options), as
// Docker's "local" and "none" drivers: how big its output log may grow before the shim rotates
// it and how many files are kept (launch/output_log_files.h). The agent's own --log-driver and
// --log-opt are the defaults, filled into a spec at Create.
#pragma once

#include <cstdint>
#include <map>
#include <string>

#include "boxcar/v1/containers.pb.h"
#include "common/status.h"

namespace boxcar {

inline constexpr const char* kLogDriverLocal = "local";
inline constexpr const char* kLogDriverNone = "none";
inline constexpr const char* kLogOptionMaxSize = "max-size";
inline constexpr const char* kLogOptionMaxFile = "max-file";
// As Docker's local driver: 5 files of 20 MiB.
inline constexpr const char* kDefaultLogMaxSize = "20m";
inline constexpr const char* kDefaultLogMaxFile = "5";

struct ContainerLogDefaults {
  std::string driver = kLogDriverLocal;
  std::map<std::string, std::string> options = {{kLogOptionMaxSize, kDefaultLogMaxSize},
                                                {kLogOptionMaxFile, kDefaultLogMaxFile}};
};

struct ContainerLogBound {
  bool keeps_output = true;     // false: --log-driver none
  uint64_t max_size_bytes = 0;  // per file; 0: no bound
  uint64_t max_files = 1;
};

// Checks a driver name; "" is allowed (the default). Errors name `field`.
Status ValidateLogDriver(const std::string& driver, const std::string& field);
// Checks one --log-opt; errors name `field` (e.g. "spec.log_options[max-size]").
Status ValidateLogOption(const std::string& key, const std::string& value,
                         const std::string& field);
// Both, for a spec: errors name spec.log_driver / spec.log_options[KEY].
Status ValidateLogSettings(const v1::ContainerSpec& spec);

// The defaults filled in where `spec` says nothing (no options for driver none).
void FillLogDefaults(const ContainerLogDefaults& defaults, v1::ContainerSpec* spec);

// What the shim is told, for a validated spec; what the spec leaves out comes from `defaults`
// (a container created before log options existed).
ContainerLogBound LogBoundOf(const v1::ContainerSpec& spec, const ContainerLogDefaults& defaults);

}  // namespace boxcar
