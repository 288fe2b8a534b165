// `boxcar attach CONTAINER`, and the session behind it that `start -a` and `run -i/-t` also
// use: one Attach stream carrying the local stdin, terminal size and signals to the container
// and its output back, until it exits (the exit code is then the container's) or the user
// detaches with the detach keys (Ctrl-P Ctrl-Q; exit code 0, the container runs on).
#pragma once

#include <CLI/CLI.hpp>
#include <functional>
#include <string>

#include "cli/agent_connection.h"

namespace boxcar::cli {

struct AttachSessionOptions {
  std::string container;
  bool start = false;   // start it once attached (start -a, run)
  bool remove = false;  // remove it at its exit (run --rm)
  bool stdin = true;    // pass our stdin (if the container keeps its stdin open)
  std::string detach_keys = "ctrl-p,ctrl-q";
};

// The container's exit code; 0 when detached; 125 when the agent refused (126/127 when its
// command could not start).
int AttachSession(AgentConnection& agent, const AttachSessionOptions& options);

void AddAttachCommand(CLI::App& app, std::function<AgentConnection&()> connect,
                      std::function<int()>& action);

}  // namespace boxcar::cli
