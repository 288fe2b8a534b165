#include "cli/prune_commands.h"

#include <cstdio>
#include <memory>
#include <string>
#include <vector>

#include "cli/human_format.h"
#include "cli/json_output.h"
#include "cli/log_times.h"
#include "common/unix_time.h"

namespace boxcar::cli {

namespace {

constexpr int kExitUsage = 125;

struct ContainerPruneFlags {
  std::vector<std::string> filters;
  bool force = false;
  bool json = false;
};

struct SystemPruneFlags {
  bool all = false;
  bool volumes = false;
  bool force = false;
};

// until=TIME, label=KEY[=VALUE], label!=KEY[=VALUE] (Docker's container prune filters).
bool ParsePruneFilters(const std::vector<std::string>& filters,
                       v1::PruneContainersRequest* request) {
  for (const auto& filter : filters) {
    if (filter.rfind("until=", 0) == 0) {
      std::optional<int64_t> until = ParseLogTime(filter.substr(6), NowUnixNs());
      if (!until) {
        std::fprintf(stderr,
                     "boxcar: --filter '%s': until takes a duration (24h, 30m), an RFC 3339 time "
                     "or a Unix time\n",
                     filter.c_str());
        return false;
      }
      request->set_created_before_unix_ns(*until);
    } else if (filter.rfind("label!=", 0) == 0 && filter.size() > 7) {
      request->add_labels_absent(filter.substr(7));
    } else if (filter.rfind("label=", 0) == 0 && filter.size() > 6) {
      request->add_labels(filter.substr(6));
    } else {
      std::fprintf(stderr,
                   "boxcar: --filter '%s': prune filters are until=TIME, label=KEY[=VALUE] and "
                   "label!=KEY[=VALUE]\n",
                   filter.c_str());
      return false;
    }
  }
  return true;
}

void PrintDeleted(const char* heading,
                  const google::protobuf::RepeatedPtrField<std::string>& names) {
  if (names.empty()) return;
  std::printf("%s:\n", heading);
  for (const auto& name : names) std::printf("%s\n", name.c_str());
  std::printf("\n");
}

int PruneContainers(AgentConnection& agent, const ContainerPruneFlags& flags) {
  v1::PruneContainersRequest request;
  if (!ParsePruneFilters(flags.filters, &request)) return kExitUsage;
  grpc::ClientContext context;
  v1::PruneContainersResponse response;
  grpc::Status status = agent.containers().Prune(&context, request, &response);
  if (!status.ok()) return agent.Report(status);
  if (flags.json) {
    std::printf("%s\n", MessageToJson(response, false).c_str());
    return 0;
  }
  PrintDeleted("Deleted Containers", response.deleted_ids());
  std::printf("Total reclaimed space: %s\n", HumanBytes(response.reclaimed_bytes()).c_str());
  return 0;
}

int PruneNetworks(AgentConnection& agent, bool json) {
  grpc::ClientContext context;
  v1::PruneNetworksResponse response;
  grpc::Status status = agent.networks().Prune(&context, {}, &response);
  if (!status.ok()) return agent.Report(status);
  if (json) {
    std::printf("%s\n", MessageToJson(response, false).c_str());
    return 0;
  }
  PrintDeleted("Deleted Networks", response.deleted());
  return 0;
}

// Containers first, so that the images and networks only they used go too.
int PruneSystem(AgentConnection& agent, const SystemPruneFlags& flags) {
  uint64_t reclaimed = 0;
  {
    grpc::ClientContext context;
    v1::PruneContainersResponse response;
    grpc::Status status = agent.containers().Prune(&context, {}, &response);
    if (!status.ok()) return agent.Report(status);
    PrintDeleted("Deleted Containers", response.deleted_ids());
    reclaimed += response.reclaimed_bytes();
  }
  {
    grpc::ClientContext context;
    v1::PruneNetworksResponse response;
    grpc::Status status = agent.networks().Prune(&context, {}, &response);
    if (!status.ok()) return agent.Report(status);
    PrintDeleted("Deleted Networks", response.deleted());
  }
  if (flags.volumes) {  // anonymous ones only, as Docker's since 23.0
    grpc::ClientContext context;
    v1::PruneVolumesResponse response;
    grpc::Status status = agent.volumes().Prune(&context, {}, &response);
    if (!status.ok()) return agent.Report(status);
    PrintDeleted("Deleted Volumes", response.removed());
  }
  {
    grpc::ClientContext context;
    v1::PruneImagesRequest request;
    request.set_all(flags.all);
    v1::PruneImagesResponse response;
    grpc::Status status = agent.images().Prune(&context, request, &response);
    if (!status.ok()) return agent.Report(status);
    PrintDeleted("Deleted Images", response.deleted_ids());
    reclaimed += response.reclaimed_bytes();
  }
  std::printf("Total reclaimed space: %s\n", HumanBytes(reclaimed).c_str());
  return 0;
}

}  // namespace

void AddContainerPruneCommand(CLI::App* container, std::function<AgentConnection&()> connect,
                              std::function<int()>& action) {
  auto flags = std::make_shared<ContainerPruneFlags>();
  CLI::App* prune = container->add_subcommand(
      "prune", "Remove every container that is not running (created or exited)");
  prune->add_option("--filter", flags->filters,
                    "until=TIME (created before: 24h, RFC 3339, Unix), label=KEY[=VALUE], "
                    "label!=KEY[=VALUE] (repeat the flag)");
  prune->add_flag("-f,--force", flags->force, "Accepted for Docker's sake: prune never asks");
  prune->add_flag("--json", flags->json, "Print JSON");
  prune->callback(
      [&, connect, flags] { action = [=] { return PruneContainers(connect(), *flags); }; });
}

void AddNetworkPruneCommand(CLI::App* network, std::function<AgentConnection&()> connect,
                            std::function<int()>& action) {
  auto json = std::make_shared<bool>(false);
  auto force = std::make_shared<bool>(false);
  CLI::App* prune = network->add_subcommand(
      "prune", "Remove every network no container is on (not the default or boxcar0)");
  prune->add_flag("-f,--force", *force, "Accepted for Docker's sake: prune never asks");
  prune->add_flag("--json", *json, "Print JSON");
  prune->callback([&, connect, json] { action = [=] { return PruneNetworks(connect(), *json); }; });
}

void AddSystemPruneCommand(CLI::App* system, std::function<AgentConnection&()> connect,
                           std::function<int()>& action) {
  auto flags = std::make_shared<SystemPruneFlags>();
  CLI::App* prune = system->add_subcommand(
      "prune",
      "Remove stopped containers, unused networks and untagged unused images (-a: every unused "
      "image; --volumes: anonymous volumes no container uses)");
  prune->add_flag("-a,--all", flags->all, "Every image no container uses, not only untagged ones");
  prune->add_flag("--volumes", flags->volumes, "Also the anonymous volumes no container uses");
  prune->add_flag("-f,--force", flags->force, "Accepted for Docker's sake: prune never asks");
  prune->callback([&, connect, flags] { action = [=] { return PruneSystem(connect(), *flags); }; });
}

}  // namespace boxcar::cli
