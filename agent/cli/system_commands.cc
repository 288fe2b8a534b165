#include "cli/system_commands.h"

#include <cstdio>
#include <memory>

#include "cli/disk_usage_command.h"
#include "cli/json_output.h"
#include "cli/prune_commands.h"

namespace boxcar::cli {

namespace {

int Check(AgentConnection& agent, bool repair, bool json) {
  grpc::ClientContext context;
  v1::CheckRequest request;
  request.set_repair(repair);
  v1::CheckResponse response;
  grpc::Status status = agent.system().Check(&context, request, &response);
  if (!status.ok()) return agent.Report(status);
  if (json) {
    std::printf("%s\n", MessageToJson(response, true).c_str());
  } else {
    std::printf("checked %llu blobs, %llu layers, %llu images\n",
                static_cast<unsigned long long>(response.blobs_checked()),
                static_cast<unsigned long long>(response.layers_checked()),
                static_cast<unsigned long long>(response.images_checked()));
    for (const auto& problem : response.problems()) {
      std::printf("%s %s: %s\n", problem.kind().c_str(), problem.subject().c_str(),
                  problem.detail().c_str());
    }
    for (const auto& removed : response.removed()) std::printf("removed %s\n", removed.c_str());
    if (response.problems_size() == 0) {
      std::printf("no problems found\n");
    } else if (!repair) {
      std::printf(
          "%d problem(s); `boxcar system check --repair` removes what is broken and "
          "the images that depend on it\n",
          response.problems_size());
    }
  }
  // Problems left in place fail the command; repaired ones do not.
  return response.problems_size() > 0 && !repair ? 1 : 0;
}

}  // namespace

void AddSystemCommands(CLI::App& app, std::function<AgentConnection&()> connect,
                       std::function<int()>& action) {
  CLI::App* system = app.add_subcommand("system", "Agent-wide maintenance")->require_subcommand(1);
  auto repair = std::make_shared<bool>(false);
  auto json = std::make_shared<bool>(false);
  CLI::App* check = system->add_subcommand(
      "check", "Verify every blob, layer and image record of the store against the disk");
  check->add_flag("--repair", *repair, "Remove what is broken and the images depending on it");
  check->add_flag("--json", *json, "Print JSON");
  check->callback(
      [&, connect, repair, json] { action = [=] { return Check(connect(), *repair, *json); }; });
  AddSystemDfCommand(system, connect, action);
  AddSystemPruneCommand(system, connect, action);

  auto info_json = std::make_shared<bool>(false);
  CLI::App* info = app.add_subcommand("info", "Describe the agent and its backends");
  info->add_flag("--json", *info_json, "Print JSON");
  info->callback([&, connect, info_json] {
    action = [=] {
      AgentConnection& agent = connect();
      grpc::ClientContext context;
      v1::InfoResponse response;
      grpc::Status status = agent.system().Info(&context, {}, &response);
      if (!status.ok()) return agent.Report(status);
      if (*info_json) {
        std::printf("%s\n", MessageToJson(response, true).c_str());
        return 0;
      }
      std::printf(
          "boxcard %s\n root: %s\n socket: %s\n cgroups: %s (parent %s)\n images: %u\n"
          " containers: %u (%u running)\n default backend: %s\n instance: %s\n"
          " prewarm fallbacks: %llu cgroup slots, %llu spares\nbackends:\n",
          response.version().c_str(), response.root_dir().c_str(), response.socket_path().c_str(),
          response.cgroup_mode().c_str(), response.cgroup_parent().c_str(), response.images(),
          response.containers(), response.containers_running(), response.default_backend().c_str(),
          response.agent_instance_id().c_str(),
          static_cast<unsigned long long>(response.prewarm_fallbacks().cgroup_slots()),
          static_cast<unsigned long long>(response.prewarm_fallbacks().spares()));
      for (const auto& backend : response.backends()) {
        std::string capabilities;
        for (const auto& capability : backend.capabilities())
          capabilities += (capabilities.empty() ? "" : ", ") + capability;
        std::printf(" %s%s: %s; capabilities: %s\n", backend.name().c_str(),
                    backend.is_default() ? " (default)" : "",
                    backend.available() ? "available"
                                        : ("unavailable: " + backend.unavailable_reason()).c_str(),
                    capabilities.empty() ? "none" : capabilities.c_str());
      }
      return 0;
    };
  });
}

}  // namespace boxcar::cli
