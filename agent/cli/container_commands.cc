#include "cli/container_commands.h"

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <memory>
#include <optional>
#include <utility>

#include "cli/attach_command.h"
#include "cli/container_calls.h"
#include "cli/container_filters.h"
#include "cli/container_inspect.h"
#include "cli/container_spec_flags.h"
#include "cli/for_each_name.h"
#include "cli/format_template.h"
#include "cli/human_format.h"
#include "cli/image_pull_policy.h"
#include "cli/json_output.h"
#include "cli/log_times.h"
#include "cli/run_command.h"
#include "common/signal_names.h"
#include "common/unix_time.h"
#include "core/container_states.h"

namespace boxcar::cli {

namespace {

struct ListOptions {
  bool all = false;
  bool json = false;
  bool quiet = false;
  bool no_trunc = false;
  int last = -1;  // -n: the N last created, any state; -l is 1
  bool latest = false;
  std::vector<std::string> filters;
  std::string format;
};

int List(AgentConnection& agent, const ListOptions& options) {
  auto filter = ContainerFilter::Parse(options.filters);
  if (!filter.ok()) {
    std::fprintf(stderr, "boxcar ps: %s\n", filter.status().message().c_str());
    return 1;
  }
  const int last = options.latest ? 1 : options.last;
  grpc::ClientContext context;
  v1::ListContainersRequest request;
  const bool all = options.all || filter->NeedsAll() || last >= 0;
  request.set_all(all || filter->NamesContainers());
  v1::ListContainersResponse response;
  grpc::Status status = agent.containers().List(&context, request, &response);
  if (!status.ok()) return agent.Report(status);
  if (Status resolved = filter->Resolve(response.containers()); !resolved.ok()) {
    std::fprintf(stderr, "boxcar ps: %s\n", resolved.message().c_str());
    return 1;
  }
  // Newest first (the agent's order, as Docker's).
  google::protobuf::RepeatedPtrField<v1::Container> listed;
  for (const auto& container : response.containers()) {
    if (last >= 0 && listed.size() >= last) break;
    if ((all || IsLive(container.state())) && filter->Matches(container)) {
      *listed.Add() = container;
    }
  }
  const size_t id_length = options.no_trunc ? std::string::npos : 12;
  if (options.json) {
    PrintJsonArray(listed);
    return 0;
  }
  if (options.quiet) {
    for (const auto& container : listed)
      std::printf("%s\n", container.id().substr(0, id_length).c_str());
    return 0;
  }
  if (options.format == "json") {
    // As `docker ps --format json`: one object per line.
    for (const auto& container : listed)
      std::printf("%s\n", MessageToJson(container, false).c_str());
    return 0;
  }
  if (!options.format.empty() && options.format != "table") {
    auto lines =
        FormattedLines(options.format, listed.size(),
                       [&](const std::string& format_template, int i) -> StatusOr<std::string> {
                         return i < 0 ? FormatContainerHeader(format_template)
                                      : FormatContainer(format_template, listed[i]);
                       });
    if (!lines.ok()) {
      std::fprintf(stderr, "boxcar ps: %s\n", lines.status().message().c_str());
      return 1;
    }
    for (const auto& line : *lines) std::printf("%s\n", line.c_str());
    return 0;
  }
  std::vector<std::vector<std::string>> rows = {
      {"CONTAINER ID", "IMAGE", "COMMAND", "CREATED", "STATUS", "PORTS", "BACKEND", "NAME"}};
  for (const auto& container : listed) {
    std::string command;
    for (const auto& arg : container.argv()) command += (command.empty() ? "" : " ") + arg;
    if (!options.no_trunc && command.size() > 24) command = command.substr(0, 21) + "...";
    rows.push_back(
        {container.id().substr(0, id_length), container.spec().image(), "\"" + command + "\"",
         HumanDuration(NowUnixSeconds() - container.created_unix_ns() / 1000000000) + " ago",
         StatusText(container), PortsText(container), container.backend(), container.name()});
  }
  PrintTable(rows);
  return 0;
}

// stop's and restart's --time: a negative one is refused (it would be a SIGKILL at once).
bool RefuseNegativeTime(const char* command, int seconds) {
  if (seconds >= 0) return false;
  std::fprintf(stderr, "boxcar %s: --time '%d' must be 0 (SIGKILL at once) or more seconds\n",
               command, seconds);
  return true;
}

}  // namespace

void AddContainerCommands(CLI::App& app, std::function<AgentConnection&()> connect,
                          std::function<int()>& action) {
  auto create_options = std::make_shared<ContainerSpecFlags>();
  auto create_pull = std::make_shared<ImagePullFlags>();
  CLI::App* create = app.add_subcommand("create", "Create a container from an image");
  AddContainerSpecFlags(create, *create_options);
  AddImagePullFlags(create, *create_pull);
  create->callback([&, connect, create, create_options, create_pull] {
    action = [=] {
      if (!TakeImageAndCommand(create, *create_options)) return kExitAgentError;
      AgentConnection& agent = connect();
      v1::ContainerSpec spec;
      // Failures exit 125, as `run`'s and `docker create`'s.
      if (Status built = BuildContainerSpec(*create_options, &spec); !built.ok()) {
        std::fprintf(stderr, "boxcar: %s\n", built.message().c_str());
        return kExitAgentError;
      }
      ContainerImagePuller puller(agent, *create_pull, spec.image());
      v1::Container container;
      grpc::Status status = puller.BeforeCreate();
      if (status.ok()) status = puller.Create(spec, &container);
      if (!status.ok()) {
        agent.Report(status);
        return kExitAgentError;
      }
      std::printf("%s\n", container.id().c_str());
      return 0;
    };
  });

  auto start_names = std::make_shared<std::vector<std::string>>();
  auto start_attach = std::make_shared<bool>(false);
  auto start_interactive = std::make_shared<bool>(false);
  CLI::App* start = app.add_subcommand("start", "Start created or exited containers");
  start->add_option("container", *start_names, "Id, id prefix or name")->required();
  start->add_flag("-a,--attach", *start_attach,
                  "Attach to its output (and terminal) and exit with its exit code");
  start->add_flag("-i,--interactive", *start_interactive, "Attach stdin too (with -a)");
  start->callback([&, connect, start_names, start_attach, start_interactive] {
    action = [=] {
      AgentConnection& agent = connect();
      if (*start_attach || *start_interactive) {
        if (start_names->size() != 1) {
          std::fprintf(stderr, "boxcar start: -a and -i attach to one container only\n");
          return 1;
        }
        AttachSessionOptions session;
        session.container = start_names->front();
        session.start = true;
        session.stdin = *start_interactive;
        return AttachSession(agent, session);
      }
      return ForEachPrinted(agent, *start_names, [&](const std::string& name) {
        v1::Container container;
        return StartContainer(agent, name, &container);
      });
    };
  });

  auto stop_names = std::make_shared<std::vector<std::string>>();
  auto stop_timeout = std::make_shared<int>(10);
  CLI::App* stop =
      app.add_subcommand("stop", "Stop containers: stop signal, then SIGKILL after --time");
  stop->add_option("container", *stop_names, "Id, id prefix or name")->required();
  CLI::Option* stop_time =
      stop->add_option("-t,--time", *stop_timeout,
                       "Seconds before SIGKILL (default: the container's --stop-timeout, else 10)");
  stop->callback([&, connect, stop_names, stop_timeout, stop_time] {
    action = [=] {
      if (RefuseNegativeTime("stop", *stop_timeout)) return 1;
      AgentConnection& agent = connect();
      return ForEachPrinted(agent, *stop_names, [&](const std::string& name) {
        grpc::ClientContext context;
        v1::StopContainerRequest request;
        request.set_container(name);
        if (stop_time->count() > 0) {
          request.set_timeout_seconds(static_cast<uint32_t>(*stop_timeout));
        }
        v1::Container container;
        return agent.containers().Stop(&context, request, &container);
      });
    };
  });

  auto restart_names = std::make_shared<std::vector<std::string>>();
  auto restart_timeout = std::make_shared<int>(10);
  CLI::App* restart = app.add_subcommand(
      "restart", "Stop containers (stop signal, SIGKILL after --time) and start them again");
  restart->add_option("container", *restart_names, "Id, id prefix or name")->required();
  CLI::Option* restart_time = restart->add_option(
      "-t,--time", *restart_timeout,
      "Seconds before SIGKILL (default: the container's --stop-timeout, else 10)");
  restart->callback([&, connect, restart_names, restart_timeout, restart_time] {
    action = [=] {
      if (RefuseNegativeTime("restart", *restart_timeout)) return 1;
      AgentConnection& agent = connect();
      return ForEachPrinted(agent, *restart_names, [&](const std::string& name) {
        grpc::ClientContext context;
        v1::StopContainerRequest request;
        request.set_container(name);
        if (restart_time->count() > 0) {
          request.set_timeout_seconds(static_cast<uint32_t>(*restart_timeout));
        }
        request.set_for_restart(true);  // a run -d --rm container stays for the start
        v1::Container container;
        grpc::Status status = agent.containers().Stop(&context, request, &container);
        if (status.ok()) status = StartContainer(agent, name, &container);
        return status;
      });
    };
  });

  auto rename_names = std::make_shared<std::vector<std::string>>();
  CLI::App* rename = app.add_subcommand("rename", "Give a container a new name");
  rename->add_option("names", *rename_names, "CONTAINER NEW_NAME")->required()->expected(2);
  rename->callback([&, connect, rename_names] {
    action = [=] {
      AgentConnection& agent = connect();
      grpc::ClientContext context;
      v1::RenameContainerRequest request;
      request.set_container(rename_names->at(0));
      request.set_name(rename_names->at(1));
      v1::Container renamed;
      grpc::Status status = agent.containers().Rename(&context, request, &renamed);
      return status.ok() ? 0 : agent.Report(status);
    };
  });

  auto kill_names = std::make_shared<std::vector<std::string>>();
  auto kill_signal = std::make_shared<std::string>("KILL");
  CLI::App* kill = app.add_subcommand("kill", "Send a signal to containers");
  kill->add_option("container", *kill_names, "Id, id prefix or name")->required();
  kill->add_option("-s,--signal", *kill_signal, "Signal name or number")->capture_default_str();
  kill->callback([&, connect, kill_names, kill_signal] {
    action = [=] {
      int signal = ParseSignal(*kill_signal);
      if (signal == 0) {
        std::fprintf(stderr,
                     "boxcar: --signal '%s' is not a signal (try TERM, KILL, HUP or a number)\n",
                     kill_signal->c_str());
        return 1;
      }
      AgentConnection& agent = connect();
      return ForEachPrinted(agent, *kill_names, [&](const std::string& name) {
        grpc::ClientContext context;
        v1::KillContainerRequest request;
        request.set_container(name);
        request.set_signal(signal);
        v1::KillContainerResponse response;
        return agent.containers().Kill(&context, request, &response);
      });
    };
  });

  auto wait_names = std::make_shared<std::vector<std::string>>();
  CLI::App* wait = app.add_subcommand(
      "wait", "Wait for containers to exit and print their exit codes (exit 0, as Docker's)");
  wait->add_option("container", *wait_names, "Id, id prefix or name")->required();
  wait->callback([&, connect, wait_names] {
    action = [=] {
      AgentConnection& agent = connect();
      return ForEachName(agent, *wait_names, [&](const std::string& name) {
        v1::WaitContainerResponse exit;
        grpc::Status status = WaitContainer(agent, name, &exit);
        if (status.ok()) std::printf("%d\n", exit.exit_code());
        std::fflush(stdout);
        return status;
      });
    };
  });

  auto remove_names = std::make_shared<std::vector<std::string>>();
  auto remove_force = std::make_shared<bool>(false);
  CLI::App* remove = app.add_subcommand("rm", "Remove containers");
  remove->add_option("container", *remove_names, "Id, id prefix or name")->required();
  remove->add_flag("-f,--force", *remove_force, "Kill running containers first");
  auto remove_volumes = std::make_shared<bool>(false);
  remove->add_flag("-v,--volumes", *remove_volumes, "Remove their anonymous volumes too");
  remove->callback([&, connect, remove_names, remove_force, remove_volumes] {
    action = [=] {
      AgentConnection& agent = connect();
      return ForEachPrinted(agent, *remove_names, [&](const std::string& name) {
        return RemoveContainer(agent, name, *remove_force, nullptr, *remove_volumes);
      });
    };
  });

  auto ps_options = std::make_shared<ListOptions>();
  CLI::App* ps = app.add_subcommand("ps", "List containers");
  ps->add_flag("-a,--all", ps_options->all, "Include containers that are not running");
  ps->add_flag("--json", ps_options->json, "Print JSON");
  ps->add_flag("-q,--quiet", ps_options->quiet, "Print only ids");
  ps->add_flag("--no-trunc", ps_options->no_trunc, "Whole ids and commands");
  ps->add_option("-n,--last", ps_options->last,
                 "Only the N last created containers, whatever their state")
      ->check(CLI::NonNegativeNumber);
  ps->add_flag("-l,--latest", ps_options->latest, "Only the last created container");
  ps->add_option("-f,--filter", ps_options->filters,
                 "status=created|running|paused|exited, health=starting|healthy|unhealthy|none, "
                 "name=SUBSTRING, id=PREFIX, label=KEY[=VALUE], ancestor=IMAGE, exited=CODE, "
                 "before=CONTAINER, since=CONTAINER, volume=NAME|PATH, network=NAME "
                 "(repeat the flag)")
      ->allow_extra_args(false);
  ps->add_option(
      "--format", ps_options->format,
      "table, json (one object per line) or a template such as "
      "'{{.ID}}\\t{{.Names}}' (.ID .Names .Image .Command .Status .State .Backend .Ports "
      ".Labels .CreatedAt .RunningFor .ExitCode .Mounts .Networks)");
  ps->callback([&, connect, ps_options] {
    action = [=] { return List(connect(), *ps_options); };
  });

  auto inspect_names = std::make_shared<std::vector<std::string>>();
  CLI::App* inspect = app.add_subcommand("inspect", "Show containers as JSON");
  inspect->add_option("container", *inspect_names, "Id, id prefix or name")->required();
  static bool json_always = true;
  inspect->add_flag("--json", json_always, "Print JSON (the default)");
  auto inspect_format = std::make_shared<std::string>();
  inspect->add_option("-f,--format", *inspect_format,
                      "A line per name from a template of its fields, Docker's or Boxcar's: "
                      "'{{.State.Pid}}', '{{.NetworkSettings.IPAddress}}', "
                      "'{{index .Config.Labels \"tier\"}}', '{{.pid}}', '{{json .spec}}'");
  auto inspect_size = std::make_shared<bool>(false);
  inspect->add_flag("-s,--size", *inspect_size,
                    "Add SizeRw (its writable layer) and SizeRootFs (with its image), in bytes");
  inspect->callback([&, connect, inspect_names, inspect_format, inspect_size] {
    action = [=] {
      return InspectContainers(connect(), *inspect_names, *inspect_format, *inspect_size);
    };
  });

  auto logs_name = std::make_shared<std::string>();
  auto logs_follow = std::make_shared<bool>(false);
  auto logs_timestamps = std::make_shared<bool>(false);
  auto logs_tail = std::make_shared<std::string>("all");
  auto logs_since = std::make_shared<std::string>();
  auto logs_until = std::make_shared<std::string>();
  CLI::App* logs = app.add_subcommand("logs", "Print a container's stdout and stderr");
  logs->add_option("container", *logs_name, "Id, id prefix or name")->required();
  logs->add_flag("-f,--follow", *logs_follow, "Keep printing until the container exits");
  logs->add_flag("-t,--timestamps", *logs_timestamps, "Print the time each line was written");
  logs->add_option("-n,--tail", *logs_tail,
                   "Only the last N lines (of both streams, in the order written), or all")
      ->capture_default_str();
  logs->add_option("--since", *logs_since,
                   "Only output since a time (RFC 3339, Unix seconds, or a duration back: 10m)");
  logs->add_option("--until", *logs_until,
                   "Only output until a time (RFC 3339, Unix seconds, or a duration back: 10m)");
  logs->callback([&, connect, logs_name, logs_follow, logs_timestamps, logs_tail, logs_since,
                  logs_until] {
    action = [=] {
      v1::LogsRequest request;
      request.set_container(*logs_name);
      request.set_follow(*logs_follow);
      if (*logs_tail != "all") {
        char* end = nullptr;
        unsigned long lines = std::strtoul(logs_tail->c_str(), &end, 10);
        if (logs_tail->empty() || *end != '\0' || lines > UINT32_MAX) {
          std::fprintf(stderr, "boxcar logs: --tail '%s' is not a number of lines or all\n",
                       logs_tail->c_str());
          return 1;
        }
        request.set_tail(static_cast<uint32_t>(lines));
      }
      const int64_t now = NowUnixNs();
      for (auto [flag, text] : {std::pair{"--since", logs_since}, std::pair{"--until", logs_until}}) {
        if (text->empty()) continue;
        std::optional<int64_t> time = ParseLogTime(*text, now);
        if (!time || *time <= 0) {
          std::fprintf(stderr,
                       "boxcar logs: %s '%s' is not a time (RFC 3339, Unix seconds) or a "
                       "duration (10m, 1h30m)\n",
                       flag, text->c_str());
          return 1;
        }
        if (text == logs_since) request.set_since_unix_ns(*time);
        if (text == logs_until) request.set_until_unix_ns(*time);
      }
      AgentConnection& agent = connect();
      grpc::Status status = StreamLogs(agent, request, *logs_timestamps);
      return status.ok() ? 0 : agent.Report(status);
    };
  });
}

}  // namespace boxcar::cli
