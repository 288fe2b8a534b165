// boxcar: the command-line client of boxcard.
#include <CLI/CLI.hpp>
#include <cstdio>
#include <cstdlib>
#include <memory>

#include "cli/agent_connection.h"
#include "cli/commit_command.h"
#include "cli/container_commands.h"
#include "cli/exec_command.h"
#include "cli/image_commands.h"
#include "cli/lifecycle_commands.h"
#include "cli/system_commands.h"

int main(int argc, char** argv) {
  CLI::App app{"boxcar: run containers through the Boxcar agent"};
  app.require_subcommand(1);
  const char* socket_env = std::getenv("BOXCAR_SOCKET");
  std::string socket_path = socket_env ? socket_env : "/run/boxcar/boxcard.sock";
  app.add_option("--socket", socket_path, "boxcard socket (env BOXCAR_SOCKET)")
      ->capture_default_str();

  std::unique_ptr<boxcar::cli::AgentConnection> connection;
  auto connect = [&]() -> boxcar::cli::AgentConnection& {
    if (!connection) connection = std::make_unique<boxcar::cli::AgentConnection>(socket_path);
    return *connection;
  };
  std::function<int()> action;
  boxcar::cli::AddImageCommands(app, connect, action);
  boxcar::cli::AddContainerCommands(app, connect, action);
  boxcar::cli::AddLifecycleCommands(app, connect, action);
  boxcar::cli::AddExecCommand(app, connect, action);
  boxcar::cli::AddSystemCommands(app, connect, action);
  boxcar::cli::AddCommitCommand(app, connect, action);
  CLI11_PARSE(app, argc, argv);
  int exit_code = action ? action() : 0;
  // Every RPC has completed; tearing down gRPC's threads and globals only adds latency to each
  // command (run --rm included), so leave without running destructors.
  std::fflush(nullptr);
  std::_Exit(exit_code);
}
