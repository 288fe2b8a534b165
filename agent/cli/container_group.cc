#include "cli/container_group.h"

#include "cli/attach_command.h"
#include "cli/commit_command.h"
#include "cli/container_commands.h"
#include "cli/cp_command.h"
#include "cli/diff_command.h"
#include "cli/exec_command.h"
#include "cli/export_command.h"
#include "cli/lifecycle_commands.h"
#include "cli/network_commands.h"
#include "cli/prune_commands.h"
#include "cli/run_command.h"
#include "cli/top_command.h"

namespace boxcar::cli {

void AddContainerGroupCommands(CLI::App& app, std::function<AgentConnection&()> connect,
                               std::function<int()>& action) {
  CLI::App* container = app.add_subcommand("container",
                                           "Manage containers (Docker's `container ls`, `container "
                                           "rm`, ...: the same commands as the top-level ones)")
                            ->require_subcommand(1);
  // Each adder builds its top-level commands; under `container` they are the same commands.
  AddRunCommand(*container, connect, action);
  AddContainerCommands(*container, connect, action);
  AddLifecycleCommands(*container, connect, action);
  AddExecCommand(*container, connect, action);
  AddAttachCommand(*container, connect, action);
  AddCommitCommand(*container, connect, action);
  AddCpCommand(*container, connect, action);
  AddExportCommand(*container, connect, action);
  AddDiffCommand(*container, connect, action);
  AddTopCommand(*container, connect, action);
  AddNetworkCommands(*container, connect, action);
  AddContainerPruneCommand(container, connect, action);
  // What the adders bring that Docker's container group does not have.
  for (const char* other : {"events", "network"}) {
    container->remove_subcommand(container->get_subcommand(other));
  }
  // Docker: `container ls`, aliases `ps` and `list`.
  container->get_subcommand("ps")->name("ls")->alias("ps")->alias("list");
}

}  // namespace boxcar::cli
