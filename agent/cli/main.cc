// boxcar: the command-line client of boxcard.
#include <absl/synchronization/mutex.h>

#include <CLI/CLI.hpp>
#include <cstdio>
#include <cstdlib>
#include <iostream>
#include <memory>
#include <set>
#include <string>

#include "cli/agent_connection.h"
#include "cli/attach_command.h"
#include "cli/build_command.h"
#include "cli/commit_command.h"
#include "cli/container_commands.h"
#include "cli/container_group.h"
#include "cli/cp_command.h"
#include "cli/diff_command.h"
#include "cli/distribution_commands.h"
#include "cli/exec_command.h"
#include "cli/export_command.h"
#include "cli/image_commands.h"
#include "cli/interface_commands.h"
#include "cli/lifecycle_commands.h"
#include "cli/network_commands.h"
#include "cli/run_command.h"
#include "cli/system_commands.h"
#include "cli/terminal_session.h"
#include "cli/top_command.h"
#include "cli/usage_errors.h"
#include "cli/version_command.h"
#include "cli/volume_commands.h"

int main(int argc, char** argv) {
  // Debian builds abseil with assertions on, which turns on absl::Mutex's deadlock detection:
  // a lock-order graph kept and checked on every lock gRPC takes (~3 % of a command).
  absl::SetMutexDeadlockDetectionMode(absl::OnDeadlockCycle::kIgnore);
  boxcar::cli::BlockTerminalSizeSignal();
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
  using Adder =
      void (*)(CLI::App&, std::function<boxcar::cli::AgentConnection&()>, std::function<int()>&);
  struct Group {
    std::set<std::string> commands;
    Adder add;
  };
  const Group groups[] = {
      {{"image"}, boxcar::cli::AddImageCommands},
      // Docker's top-level forms of the image commands (`images` is `image ls`, `rmi` is
      // `image rm`).
      {{"pull", "push", "import", "load", "images", "tag", "rmi", "save", "history"},
       boxcar::cli::AddTopLevelImageCommands},
      {{"run"}, boxcar::cli::AddRunCommand},
      {{"create", "start", "stop", "restart", "rename", "kill", "wait", "rm", "ps", "inspect",
        "logs"},
       boxcar::cli::AddContainerCommands},
      {{"pause", "unpause", "stats", "update", "events"}, boxcar::cli::AddLifecycleCommands},
      {{"exec"}, boxcar::cli::AddExecCommand},
      {{"attach"}, boxcar::cli::AddAttachCommand},
      {{"system", "info"}, boxcar::cli::AddSystemCommands},
      {{"version"}, boxcar::cli::AddVersionCommand},
      {{"commit"}, boxcar::cli::AddCommitCommand},
      {{"build"}, boxcar::cli::AddBuildCommand},
      {{"login", "logout"}, boxcar::cli::AddLoginCommands},
      {{"network", "port"}, boxcar::cli::AddNetworkCommands},
      {{"interface"}, boxcar::cli::AddInterfaceCommands},
      {{"volume"}, boxcar::cli::AddVolumeCommands},
      {{"cp"}, boxcar::cli::AddCpCommand},
      {{"export"}, boxcar::cli::AddExportCommand},
      {{"diff"}, boxcar::cli::AddDiffCommand},
      {{"top"}, boxcar::cli::AddTopCommand},
      {{"container"}, boxcar::cli::AddContainerGroupCommands},
  };
  // Building every command with its options costs ~0.3 ms of each invocation (`boxcar run`
  // included); when the first word names a command, only its group is built. Anything else
  // (no command, --help, an unknown word) gets the whole tree, and its help or error.
  const Group* only = nullptr;
  for (int i = 1; i < argc; ++i) {
    std::string word = argv[i];
    if (word == "--socket") {
      ++i;
      continue;
    }
    if (word.rfind("--socket=", 0) == 0) continue;
    if (word.empty() || word[0] == '-') break;
    for (const Group& group : groups) {
      if (group.commands.count(word)) only = &group;
    }
    break;
  }
  for (const Group& group : groups) {
    if (only == nullptr || only == &group) group.add(app, connect, action);
  }
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& error) {
    const int usage_exit_code = boxcar::cli::ReportUsageError(app, error, argc, argv);
    std::cout.flush();
    std::fflush(nullptr);
    std::_Exit(usage_exit_code);
  }
  int exit_code = action ? action() : 0;
  // Every RPC has completed; tearing down gRPC's threads and globals only adds latency to each
  // command (run --rm included), so leave without running destructors.
  std::fflush(nullptr);
  std::_Exit(exit_code);
}
