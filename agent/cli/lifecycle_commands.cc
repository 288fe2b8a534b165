#include "cli/lifecycle_commands.h"

#include <time.h>

#include <cmath>
#include <cstdio>
#include <memory>
#include <optional>
#include <tuple>

#include "cli/container_filters.h"
#include "cli/for_each_name.h"
#include "cli/human_format.h"
#include "cli/json_output.h"
#include "cli/resource_tuning_flags.h"
#include "cli/restart_policy_flag.h"
#include "cli/stats_command.h"

namespace boxcar::cli {

namespace {

std::string EventTypeText(v1::EventType type) {
  std::string name = v1::EventType_Name(type);
  const std::string prefix = "EVENT_TYPE_";
  if (name.rfind(prefix, 0) == 0) name = name.substr(prefix.size());
  for (char& c : name) c = c == '_' ? '-' : static_cast<char>(std::tolower(c));
  return name;
}

std::string TimestampText(int64_t unix_ns) {
  time_t seconds = static_cast<time_t>(unix_ns / 1000000000);
  struct tm local;
  ::localtime_r(&seconds, &local);
  char text[64];
  std::strftime(text, sizeof text, "%Y-%m-%dT%H:%M:%S", &local);
  char with_fraction[80];
  std::snprintf(with_fraction, sizeof with_fraction, "%s.%06lld", text,
                static_cast<long long>((unix_ns % 1000000000) / 1000));
  return with_fraction;
}

struct UpdateOptions {
  std::vector<std::string> names;
  std::string memory;
  double cpus = -1;
  int64_t pids_limit = -1;
  int64_t cpu_shares = -1;
  bool cpus_given = false;
  bool pids_limit_given = false;
  bool cpu_shares_given = false;
  std::optional<std::string> cpuset_cpus;
  std::optional<std::string> cpuset_mems;
  std::string restart;
  ResourceTuningFlags tuning;  // --memory-swap, --memory-reservation, --blkio-weight, ...
};

int Update(AgentConnection& agent, const UpdateOptions& options) {
  v1::UpdateContainerRequest request;
  if (!options.memory.empty()) {
    auto bytes = options.memory == "0" ? std::optional<uint64_t>(0) : ParseByteSize(options.memory);
    if (!bytes) {
      std::fprintf(stderr, "boxcar: --memory '%s' is not a size; use e.g. 64m, 1g or 0\n",
                   options.memory.c_str());
      return 1;
    }
    request.set_memory_bytes(*bytes);
  }
  // -1 is "not given"; a negative value given is refused, not taken for "not given" (but
  // --pids-limit -1 is Docker's "no limit": 0 by then).
  for (const auto& [flag, given, value] :
       {std::tuple{"--cpus", options.cpus_given, options.cpus},
        std::tuple{"--pids-limit", options.pids_limit_given, double(options.pids_limit)},
        std::tuple{"--cpu-shares", options.cpu_shares_given, double(options.cpu_shares)}}) {
    if (given && value < 0) {
      std::fprintf(stderr, "boxcar update: %s '%g' must be 0 (no limit) or more\n", flag, value);
      return 1;
    }
  }
  if (options.cpus >= 0) {
    request.set_cpu_millis(static_cast<uint64_t>(std::llround(options.cpus * 1000)));
  }
  if (options.pids_limit >= 0) request.set_pids_max(static_cast<uint64_t>(options.pids_limit));
  if (options.cpu_shares >= 0) request.set_cpu_shares(static_cast<uint64_t>(options.cpu_shares));
  if (options.cpuset_cpus) request.set_cpuset_cpus(*options.cpuset_cpus);
  if (options.cpuset_mems) request.set_cpuset_mems(*options.cpuset_mems);
  if (!options.restart.empty()) {
    auto policy = ParseRestartPolicy(options.restart);
    if (!policy.ok()) {
      std::fprintf(stderr, "boxcar: %s\n", policy.status().message().c_str());
      return 1;
    }
    *request.mutable_restart_policy() = *policy;
  }
  if (Status tuned = ApplyUpdateTuningFlags(options.tuning, &request); !tuned.ok()) {
    std::fprintf(stderr, "boxcar update: %s\n", tuned.message().c_str());
    return 1;
  }
  if (!request.has_memory_bytes() && !request.has_cpu_millis() && !request.has_pids_max() &&
      !request.has_cpu_shares() && !request.has_restart_policy() && !request.has_cpuset_cpus() &&
      !request.has_cpuset_mems() && !ChangesTuning(request) &&
      options.tuning.memory_swap.empty()) {  // `--memory-swap 0` alone: Docker's no-op
    std::fprintf(stderr,
                 "boxcar update: nothing to change; pass --memory, --memory-swap, "
                 "--memory-reservation, --cpus, --cpu-shares, --cpu-period, --cpu-quota, "
                 "--cpuset-cpus, --cpuset-mems, --blkio-weight, --pids-limit or --restart\n");
    return 1;
  }
  return ForEachPrinted(agent, options.names, [&](const std::string& name) {
    grpc::ClientContext context;
    v1::UpdateContainerRequest one = request;
    one.set_container(name);
    v1::Container container;
    return agent.containers().Update(&context, one, &container);
  });
}

int StreamEvents(AgentConnection& agent, const std::vector<std::string>& names, bool json) {
  grpc::ClientContext context;
  v1::EventsRequest request;
  for (const auto& name : names) request.add_containers(name);
  auto reader = agent.containers().Events(&context, request);
  v1::ContainerEvent event;
  while (reader->Read(&event)) {
    if (json) {
      std::printf("%s\n", MessageToJson(event, false).c_str());
    } else {
      std::string detail;
      if (event.type() == v1::EVENT_TYPE_EXITED) {
        detail = " exit_code=" + std::to_string(event.exit_code()) +
                 (event.oom_killed() ? " oom_killed=true" : "");
      }
      // Docker's spelling: "container health_status: healthy ID (name=...)".
      const std::string action = event.type() == v1::EVENT_TYPE_HEALTH_STATUS
                                     ? "health_status: " + HealthName(event.health_status())
                                     : EventTypeText(event.type());
      std::printf("%s container %s %s (name=%s)%s\n", TimestampText(event.unix_ns()).c_str(),
                  action.c_str(), event.id().c_str(), event.name().c_str(), detail.c_str());
    }
    std::fflush(stdout);
  }
  grpc::Status status = reader->Finish();
  return status.ok() ? 0 : agent.Report(status);
}

}  // namespace

void AddLifecycleCommands(CLI::App& app, std::function<AgentConnection&()> connect,
                          std::function<int()>& action) {
  auto pause_names = std::make_shared<std::vector<std::string>>();
  CLI::App* pause = app.add_subcommand("pause", "Freeze every process of running containers");
  pause->add_option("container", *pause_names, "Id, id prefix or name")->required();
  pause->callback([&, connect, pause_names] {
    action = [=] {
      AgentConnection& agent = connect();
      return ForEachPrinted(agent, *pause_names, [&](const std::string& name) {
        grpc::ClientContext context;
        v1::PauseContainerRequest request;
        request.set_container(name);
        v1::Container container;
        return agent.containers().Pause(&context, request, &container);
      });
    };
  });

  auto unpause_names = std::make_shared<std::vector<std::string>>();
  CLI::App* unpause = app.add_subcommand("unpause", "Resume paused containers");
  unpause->add_option("container", *unpause_names, "Id, id prefix or name")->required();
  unpause->callback([&, connect, unpause_names] {
    action = [=] {
      AgentConnection& agent = connect();
      return ForEachPrinted(agent, *unpause_names, [&](const std::string& name) {
        grpc::ClientContext context;
        v1::UnpauseContainerRequest request;
        request.set_container(name);
        v1::Container container;
        return agent.containers().Unpause(&context, request, &container);
      });
    };
  });

  auto stats_options = std::make_shared<StatsOptions>();
  CLI::App* stats = app.add_subcommand(
      "stats", "Show the resource usage of running containers, refreshed every second");
  stats->add_option("container", stats_options->names,
                    "Id, id prefix or name (default: every running container)");
  stats->add_flag("--no-stream", stats_options->no_stream, "Print once and exit");
  stats->add_flag("--json", stats_options->json, "Print JSON (an array per refresh)");
  stats->callback([&, connect, stats_options] {
    action = [=] { return RunStats(connect(), *stats_options); };
  });

  auto update_options = std::make_shared<UpdateOptions>();
  CLI::App* update =
      app.add_subcommand("update", "Change the limits or restart policy of containers");
  update->add_option("container", update_options->names, "Id, id prefix or name")->required();
  update->add_option("-m,--memory", update_options->memory, "Memory limit (e.g. 64m; 0 = none)");
  update->add_option("--cpus", update_options->cpus, "CPU limit (e.g. 0.5; 0 = none)");
  update->add_option("--pids-limit", update_options->pids_limit, "Process limit (-1 or 0: none)");
  update->add_option("-c,--cpu-shares", update_options->cpu_shares,
                     "Relative CPU weight, 2-262144 (0 = the default 1024)");
  update->add_option("--cpuset-cpus", update_options->cpuset_cpus,
                     "CPUs the container may use, e.g. 0-1 or 0,2 (\"\" = all)");
  update->add_option("--cpuset-mems", update_options->cpuset_mems,
                     "Memory nodes the container may use, e.g. 0 (\"\" = all)");
  update->add_option("--restart", update_options->restart, "no, on-failure[:N] or always");
  AddUpdateTuningFlags(update, update_options->tuning);
  update->callback([&, connect, update, update_options] {
    update_options->cpus_given = update->count("--cpus") > 0;
    update_options->pids_limit_given = update->count("--pids-limit") > 0;
    if (update_options->pids_limit_given && update_options->pids_limit == -1) {
      update_options->pids_limit = 0;  // Docker's "no limit"
    }
    update_options->cpu_shares_given = update->count("--cpu-shares") > 0;
    action = [=] { return Update(connect(), *update_options); };
  });

  auto events_names = std::make_shared<std::vector<std::string>>();
  auto events_json = std::make_shared<bool>(false);
  CLI::App* events =
      app.add_subcommand("events", "Print container events as they happen (Ctrl-C to stop)");
  events->add_option("container", *events_names, "Only these containers (id, prefix or name)");
  events->add_flag("--json", *events_json, "One JSON object per line");
  events->callback([&, connect, events_names, events_json] {
    action = [=] { return StreamEvents(connect(), *events_names, *events_json); };
  });
}

}  // namespace boxcar::cli
