// Runs a helper program to its end (a CNI plugin, iptables): argv, an explicit environment,
// bytes on its stdin, its stdout and stderr captured. posix_spawn, pipes with O_CLOEXEC so a
// concurrent spawn never inherits another call's pipe (which would hold its EOF back).
#pragma once

#include <string>
#include <vector>

#include "common/status.h"

namespace boxcar {

struct ProgramCall {
  std::string path;               // absolute path of the program
  std::vector<std::string> argv;  // argv[0] included; {path} when empty
  std::vector<std::string> env;   // "KEY=value", the whole environment
  std::string stdin_bytes;
};

struct ProgramOutput {
  int exit_code = -1;  // -1: killed by a signal
  std::string stdout_bytes;
  std::string stderr_bytes;
};

// An error only when the program could not be run or read; its exit code is in the output.
StatusOr<ProgramOutput> RunProgram(const ProgramCall& call);

}  // namespace boxcar
