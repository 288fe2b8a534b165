#include "cli/volume_commands.h"

#include <cstdio>
#include <memory>
#include <string>
#include <vector>

#include "cli/for_each_name.h"
#include "cli/json_output.h"

namespace boxcar::cli {

namespace {

struct VolumeFlags {
  std::string name;
  std::vector<std::string> names;
  std::string format;
  bool json = false;
  bool quiet = false;
  bool force = false;
  bool all = false;
};

int Create(AgentConnection& agent, const std::string& name) {
  grpc::ClientContext context;
  v1::CreateVolumeRequest request;
  request.set_name(name);
  v1::Volume created;
  grpc::Status status = agent.volumes().Create(&context, request, &created);
  if (!status.ok()) return agent.Report(status);
  std::printf("%s\n", created.name().c_str());
  return 0;
}

int List(AgentConnection& agent, const VolumeFlags& flags) {
  grpc::ClientContext context;
  v1::ListVolumesResponse response;
  grpc::Status status = agent.volumes().List(&context, {}, &response);
  if (!status.ok()) return agent.Report(status);
  if (flags.json) {
    PrintJsonArray(response.volumes());
    return 0;
  }
  if (!flags.quiet) std::printf("%-66s %-10s %-10s %s\n", "NAME", "KIND", "USED BY", "MOUNTPOINT");
  for (const auto& volume : response.volumes()) {
    if (flags.quiet) {
      std::printf("%s\n", volume.name().c_str());
      continue;
    }
    std::printf("%-66s %-10s %-10d %s\n", volume.name().c_str(),
                volume.anonymous() ? "anonymous" : "named", volume.containers_size(),
                volume.mountpoint().c_str());
  }
  return 0;
}

}  // namespace

void AddVolumeCommands(CLI::App& app, std::function<AgentConnection&()> connect,
                       std::function<int()>& action) {
  auto flags = std::make_shared<VolumeFlags>();
  CLI::App* volume =
      app.add_subcommand("volume", "Volumes: data kept outside containers")->require_subcommand(1);

  CLI::App* create = volume->add_subcommand("create", "Create a volume");
  create->add_option("NAME", flags->name, "Volume name (a generated one when omitted)");
  create->callback([&, connect, flags] { action = [=] { return Create(connect(), flags->name); }; });

  CLI::App* list = volume->add_subcommand("ls", "List volumes");
  list->alias("list");
  list->add_flag("--json", flags->json, "Print JSON");
  list->add_flag("-q,--quiet", flags->quiet, "Print only names");
  list->callback([&, connect, flags] { action = [=] { return List(connect(), *flags); }; });

  CLI::App* inspect = volume->add_subcommand("inspect", "Show volumes and their containers");
  inspect->add_option("NAME", flags->names, "Volume names")->required();
  inspect->add_flag("--json", flags->json, "Print JSON (the default, accepted for scripts)");
  inspect->add_option("-f,--format", flags->format,
                      "A line per name from a template of its fields: '{{.mountpoint}}', "
                      "'{{.containers.0}}', '{{json .containers}}'");
  inspect->callback([&, connect, flags] {
    action = [=] {
      AgentConnection& agent = connect();
      return InspectEach(agent, flags->names, flags->format, agent.volumes(),
                         &v1::Volumes::Stub::Inspect,
                         [](v1::InspectVolumeRequest* request, const std::string& name) {
                           request->set_name(name);
                         });
    };
  });

  CLI::App* remove = volume->add_subcommand("rm", "Remove volumes and their data");
  remove->add_option("NAME", flags->names, "Volume names")->required();
  remove->add_flag("-f,--force", flags->force,
                   "No error for volumes that do not exist (volumes in use are still refused)");
  remove->callback([&, connect, flags] {
    action = [=] {
      AgentConnection& agent = connect();
      return ForEachPrinted(agent, flags->names, [&](const std::string& name) {
        grpc::ClientContext context;
        v1::RemoveVolumeRequest request;
        request.set_name(name);
        request.set_force(flags->force);
        v1::RemoveVolumeResponse response;
        return agent.volumes().Remove(&context, request, &response);
      });
    };
  });

  CLI::App* prune = volume->add_subcommand("prune", "Remove the volumes no container uses");
  prune->add_flag("-a,--all", flags->all, "Named volumes too, not only anonymous ones");
  prune->add_flag("-f,--force", flags->force, "Accepted for Docker's sake: prune never asks");
  prune->add_flag("--json", flags->json, "Print JSON");
  prune->callback([&, connect, flags] {
    action = [=] {
      AgentConnection& agent = connect();
      grpc::ClientContext context;
      v1::PruneVolumesRequest request;
      request.set_all(flags->all);
      v1::PruneVolumesResponse response;
      grpc::Status status = agent.volumes().Prune(&context, request, &response);
      if (!status.ok()) return agent.Report(status);
      if (flags->json) {
        std::printf("%s\n", MessageToJson(response, false).c_str());
        return 0;
      }
      for (const auto& name : response.removed()) std::printf("%s\n", name.c_str());
      return 0;
    };
  });
}

}  // namespace boxcar::cli
