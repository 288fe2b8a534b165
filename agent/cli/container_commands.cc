#include "cli/container_commands.h"

#include <signal.h>
#include <unistd.h>

#include <cmath>
#include <cstdio>
#include <memory>
#include <optional>
#include <thread>

#include "cli/human_format.h"
#include "cli/json_output.h"
#include "cli/restart_policy_flag.h"
#include "common/signal_names.h"

namespace boxcar::cli {

namespace {

// Exit codes of `run` when the container never ran, as Docker's.
constexpr int kExitAgentError = 125;

struct CreateOptions {
  std::string name;
  std::vector<std::string> env;
  std::string working_dir;
  std::string user;
  std::string hostname;
  std::string memory;
  double cpus = 0;
  uint64_t pids_limit = 0;
  std::string backend;
  std::string entrypoint;
  std::vector<std::string> ulimits;
  std::vector<std::string> device_read_bps;
  std::vector<std::string> device_write_bps;
  std::string restart;
  bool userns = false;
  bool remove = false;
  bool detach = false;
  std::vector<std::string> image_and_command;
};

void AddCreateOptions(CLI::App* command, CreateOptions& options) {
  command->add_option("--name", options.name, "Container name");
  command->add_option("-e,--env", options.env, "Environment KEY=value (repeat the flag)")
      ->allow_extra_args(false);
  command->add_option("-w,--workdir", options.working_dir,
                      "Working directory inside the container");
  command->add_option("-u,--user", options.user, "user, uid, uid:gid or user:group");
  command->add_option("--hostname", options.hostname, "Hostname inside the container");
  command->add_option("-m,--memory", options.memory, "Memory limit (e.g. 64m, 1g)");
  command->add_option("--cpus", options.cpus, "CPU limit (e.g. 0.5, 2)");
  command->add_option("--pids-limit", options.pids_limit, "Maximum number of processes");
  command->add_option("--backend", options.backend, "Backend: chroot, lxc, ... (see boxcar info)");
  command->add_option("--entrypoint", options.entrypoint, "Replace the image's entrypoint");
  command->add_option("--ulimit", options.ulimits, "rlimit name=soft[:hard], e.g. nofile=1024:2048")
      ->allow_extra_args(false);
  command
      ->add_option("--device-read-bps", options.device_read_bps,
                   "Read bandwidth from a disk, DEVICE:RATE, e.g. /dev/vda:10m")
      ->allow_extra_args(false);
  command
      ->add_option("--device-write-bps", options.device_write_bps,
                   "Write bandwidth to a disk, DEVICE:RATE, e.g. /dev/vda:10m")
      ->allow_extra_args(false);
  command->add_option("--restart", options.restart, "Restart policy: no, on-failure[:N] or always");
  command->add_flag("--userns", options.userns,
                    "Own user namespace: root inside is an unprivileged uid of the agent's "
                    "--userns-range on the host");
  // Everything from the image on (IMAGE [COMMAND [ARG...]]) belongs to the payload, options
  // included: parsing stops at the first positional and the rest lands in remaining().
  command->prefix_command();
  command->footer("Usage: IMAGE [COMMAND [ARG...]] after the options");
}

// Collects IMAGE [COMMAND...] once the subcommand is parsed; false (with a message) if absent.
bool TakeImageAndCommand(CLI::App* command, CreateOptions& options) {
  options.image_and_command = command->remaining();
  if (!options.image_and_command.empty() && options.image_and_command[0] == "--") {
    options.image_and_command.erase(options.image_and_command.begin());
  }
  if (options.image_and_command.empty()) {
    std::fprintf(stderr, "boxcar %s: an IMAGE is required (see `boxcar image ls`)\n",
                 command->get_name().c_str());
    return false;
  }
  return true;
}

bool BuildSpec(const CreateOptions& options, v1::ContainerSpec* spec) {
  spec->set_image(options.image_and_command.at(0));
  for (size_t i = 1; i < options.image_and_command.size(); ++i)
    spec->add_command(options.image_and_command[i]);
  spec->set_name(options.name);
  for (const auto& entry : options.env) {
    // "-e KEY" passes the caller's value through, as Docker does.
    if (entry.find('=') == std::string::npos) {
      const char* value = std::getenv(entry.c_str());
      if (value) spec->add_env(entry + "=" + value);
      continue;
    }
    spec->add_env(entry);
  }
  spec->set_working_dir(options.working_dir);
  spec->set_user(options.user);
  spec->set_hostname(options.hostname);
  spec->set_backend(options.backend);
  if (!options.entrypoint.empty()) spec->add_entrypoint(options.entrypoint);
  if (options.userns) spec->mutable_userns();  // the agent picks the ids
  if (!options.memory.empty()) {
    auto bytes = ParseByteSize(options.memory);
    if (!bytes) {
      std::fprintf(stderr, "boxcar: --memory '%s' is not a size; use e.g. 64m or 1g\n",
                   options.memory.c_str());
      return false;
    }
    spec->mutable_limits()->set_memory_bytes(*bytes);
  }
  if (options.cpus < 0) {
    std::fprintf(stderr, "boxcar: --cpus must be positive\n");
    return false;
  }
  spec->mutable_limits()->set_cpu_millis(static_cast<uint64_t>(std::llround(options.cpus * 1000)));
  spec->mutable_limits()->set_pids_max(options.pids_limit);
  // --device-read-bps / --device-write-bps: one BlockDeviceLimit per device.
  auto add_device_rate = [&](const std::string& flag, const std::string& value, bool read) {
    auto colon = value.rfind(':');
    auto rate = colon == std::string::npos ? std::nullopt : ParseByteSize(value.substr(colon + 1));
    if (!rate || colon == 0) {
      std::fprintf(stderr, "boxcar: %s '%s' is not DEVICE:RATE; use e.g. /dev/vda:10m\n",
                   flag.c_str(), value.c_str());
      return false;
    }
    const std::string device = value.substr(0, colon);
    v1::BlockDeviceLimit* limit = nullptr;
    for (auto& existing : *spec->mutable_limits()->mutable_block_devices()) {
      if (existing.device() == device) limit = &existing;
    }
    if (limit == nullptr) {
      limit = spec->mutable_limits()->add_block_devices();
      limit->set_device(device);
    }
    read ? limit->set_read_bps(*rate) : limit->set_write_bps(*rate);
    return true;
  };
  for (const auto& value : options.device_read_bps) {
    if (!add_device_rate("--device-read-bps", value, true)) return false;
  }
  for (const auto& value : options.device_write_bps) {
    if (!add_device_rate("--device-write-bps", value, false)) return false;
  }
  if (!options.restart.empty()) {
    auto policy = ParseRestartPolicy(options.restart);
    if (!policy) return false;
    *spec->mutable_restart_policy() = *policy;
  }
  for (const auto& ulimit : options.ulimits) {
    auto equals = ulimit.find('=');
    if (equals == std::string::npos) {
      std::fprintf(stderr, "boxcar: --ulimit '%s' is not name=soft[:hard]\n", ulimit.c_str());
      return false;
    }
    auto* rlimit = spec->add_rlimits();
    rlimit->set_name(ulimit.substr(0, equals));
    std::string values = ulimit.substr(equals + 1);
    auto colon = values.find(':');
    try {
      rlimit->set_soft(std::stoull(values.substr(0, colon)));
      rlimit->set_hard(colon == std::string::npos ? rlimit->soft()
                                                  : std::stoull(values.substr(colon + 1)));
    } catch (...) {
      std::fprintf(stderr, "boxcar: --ulimit '%s' has a non-numeric value\n", ulimit.c_str());
      return false;
    }
  }
  return true;
}

grpc::Status CreateContainer(AgentConnection& agent, const v1::ContainerSpec& spec,
                             v1::Container* created) {
  v1::CreateContainerRequest request;
  *request.mutable_spec() = spec;
  grpc::ClientContext context;
  return agent.containers().Create(&context, request, created);
}

grpc::Status StartContainer(AgentConnection& agent, const std::string& id, v1::Container* started) {
  grpc::ClientContext context;
  v1::StartContainerRequest request;
  request.set_container(id);
  return agent.containers().Start(&context, request, started);
}

grpc::Status RemoveContainer(AgentConnection& agent, const std::string& id, bool force,
                             v1::RemoveContainerResponse* removed = nullptr) {
  grpc::ClientContext context;
  v1::RemoveContainerRequest request;
  request.set_container(id);
  request.set_force(force);
  v1::RemoveContainerResponse response;
  return agent.containers().Remove(&context, request, removed ? removed : &response);
}

// Copies the container's output to our stdout/stderr until it ends (follow) or is exhausted.
grpc::Status StreamLogs(AgentConnection& agent, const std::string& id, bool follow) {
  grpc::ClientContext context;
  v1::LogsRequest request;
  request.set_container(id);
  request.set_follow(follow);
  auto reader = agent.containers().Logs(&context, request);
  v1::LogChunk chunk;
  while (reader->Read(&chunk)) {
    FILE* out = chunk.stream() == v1::LOG_STREAM_STDERR ? stderr : stdout;
    std::fwrite(chunk.data().data(), 1, chunk.data().size(), out);
    std::fflush(out);
  }
  return reader->Finish();
}

grpc::Status WaitContainer(AgentConnection& agent, const std::string& id,
                           v1::WaitContainerResponse* response) {
  grpc::ClientContext context;
  v1::WaitContainerRequest request;
  request.set_container(id);
  return agent.containers().Wait(&context, request, response);
}

// Start failures because the command cannot run get 126/127 like a shell.
int StartFailureExitCode(const grpc::Status& status) {
  if (status.error_code() != grpc::StatusCode::INVALID_ARGUMENT) return kExitAgentError;
  return status.error_message().find("No such file") != std::string::npos ? 127 : 126;
}

// SIGINT/SIGTERM/SIGHUP to `boxcar run` are forwarded to the container, as `docker run` does.
// They are blocked from the start; what arrives before the container has started is
// forwarded once it has.
class SignalForwarder {
 public:
  SignalForwarder() {
    sigemptyset(&forwarded_);
    for (int sig : {SIGINT, SIGTERM, SIGHUP}) sigaddset(&forwarded_, sig);
    pthread_sigmask(SIG_BLOCK, &forwarded_, nullptr);
  }
  void ForwardTo(AgentConnection& agent, const std::string& id) {
    std::thread([&agent, id, forwarded = forwarded_] {
      for (;;) {
        int received = 0;
        if (sigwait(&forwarded, &received) != 0) return;
        grpc::ClientContext context;
        v1::KillContainerRequest request;
        request.set_container(id);
        request.set_signal(received);
        v1::KillContainerResponse response;
        (void)agent.containers().Kill(&context, request, &response);
      }
    }).detach();
  }

 private:
  sigset_t forwarded_;
};

// run -d: create and start, print the id.
int RunDetached(AgentConnection& agent, const v1::ContainerSpec& spec) {
  v1::Container container;
  grpc::Status status = CreateContainer(agent, spec, &container);
  if (!status.ok()) {
    agent.Report(status);
    return kExitAgentError;
  }
  status = StartContainer(agent, container.id(), &container);
  if (!status.ok()) {
    agent.Report(status);
    return StartFailureExitCode(status);
  }
  std::printf("%s\n", container.id().c_str());
  return 0;
}

int Run(AgentConnection& agent, const CreateOptions& options) {
  if (options.remove && options.detach) {
    std::fprintf(
        stderr,
        "boxcar: --rm with -d is not supported yet; remove the container later with boxcar rm\n");
    return kExitAgentError;
  }
  if (options.remove && !options.restart.empty() && options.restart != "no") {
    std::fprintf(stderr, "boxcar: --rm and --restart %s contradict each other; choose one\n",
                 options.restart.c_str());
    return kExitAgentError;
  }
  v1::ContainerSpec spec;
  if (!BuildSpec(options, &spec)) return kExitAgentError;  // BuildSpec said what is wrong
  if (options.detach) return RunDetached(agent, spec);

  // One streaming call: create, start, output, exit (and removal with --rm).
  SignalForwarder signals;
  grpc::ClientContext context;
  v1::RunContainerRequest request;
  *request.mutable_spec() = spec;
  request.set_remove(options.remove);
  auto reader = agent.containers().Run(&context, request);
  v1::RunContainerResponse message;
  std::string name;
  std::optional<v1::WaitContainerResponse> exited;
  while (reader->Read(&message)) {
    switch (message.event_case()) {
      case v1::RunContainerResponse::kStarted:
        name = message.started().name();
        signals.ForwardTo(agent, message.started().id());
        break;
      case v1::RunContainerResponse::kOutput: {
        const v1::LogChunk& chunk = message.output();
        FILE* out = chunk.stream() == v1::LOG_STREAM_STDERR ? stderr : stdout;
        std::fwrite(chunk.data().data(), 1, chunk.data().size(), out);
        std::fflush(out);
        break;
      }
      case v1::RunContainerResponse::kExited:
        exited = message.exited();
        break;
      default:
        break;
    }
  }
  grpc::Status status = reader->Finish();
  if (!status.ok()) {
    agent.Report(status);
    if (name.empty()) {  // it never ran: the create or the start failed
      auto step = context.GetServerTrailingMetadata().find("boxcar-failed-step");
      bool start_failed = step != context.GetServerTrailingMetadata().end() &&
                          std::string(step->second.data(), step->second.size()) == "start";
      return start_failed ? StartFailureExitCode(status) : kExitAgentError;
    }
    return 1;
  }
  if (!exited) {
    std::fprintf(stderr, "boxcar: the agent ended the run without an exit status\n");
    return kExitAgentError;
  }
  if (exited->oom_killed()) {
    std::fprintf(stderr, "boxcar: container %s was killed: out of memory\n", name.c_str());
  }
  return exited->exit_code();
}

std::string StatusText(const v1::Container& container) {
  int64_t now = NowUnixSeconds();
  switch (container.state()) {
    case v1::CONTAINER_STATE_RUNNING:
      return "Up " + HumanDuration(now - container.started_unix_ns() / 1000000000);
    case v1::CONTAINER_STATE_PAUSED:
      return "Up " + HumanDuration(now - container.started_unix_ns() / 1000000000) + " (Paused)";
    case v1::CONTAINER_STATE_EXITED:
      return "Exited (" + std::to_string(container.exit_code()) + ") " +
             HumanDuration(now - container.finished_unix_ns() / 1000000000) + " ago";
    default:
      return "Created";
  }
}

int List(AgentConnection& agent, bool all, bool json, bool quiet) {
  grpc::ClientContext context;
  v1::ListContainersRequest request;
  request.set_all(all);
  v1::ListContainersResponse response;
  grpc::Status status = agent.containers().List(&context, request, &response);
  if (!status.ok()) return agent.Report(status);
  if (json) {
    PrintJsonArray(response.containers());
    return 0;
  }
  if (quiet) {
    for (const auto& container : response.containers())
      std::printf("%s\n", container.id().substr(0, 12).c_str());
    return 0;
  }
  std::vector<std::vector<std::string>> rows = {
      {"CONTAINER ID", "IMAGE", "COMMAND", "CREATED", "STATUS", "BACKEND", "NAME"}};
  for (const auto& container : response.containers()) {
    std::string command;
    for (const auto& arg : container.argv()) command += (command.empty() ? "" : " ") + arg;
    if (command.size() > 24) command = command.substr(0, 21) + "...";
    rows.push_back(
        {container.id().substr(0, 12), container.spec().image(), "\"" + command + "\"",
         HumanDuration(NowUnixSeconds() - container.created_unix_ns() / 1000000000) + " ago",
         StatusText(container), container.backend(), container.name()});
  }
  PrintTable(rows);
  return 0;
}

}  // namespace

void AddContainerCommands(CLI::App& app, std::function<AgentConnection&()> connect,
                          std::function<int()>& action) {
  auto create_options = std::make_shared<CreateOptions>();
  CLI::App* create = app.add_subcommand("create", "Create a container from an image");
  AddCreateOptions(create, *create_options);
  create->callback([&, connect, create, create_options] {
    action = [=] {
      if (!TakeImageAndCommand(create, *create_options)) return kExitAgentError;
      AgentConnection& agent = connect();
      v1::ContainerSpec spec;
      if (!BuildSpec(*create_options, &spec)) return 1;  // BuildSpec said what is wrong
      v1::Container container;
      grpc::Status status = CreateContainer(agent, spec, &container);
      if (!status.ok()) return agent.Report(status);
      std::printf("%s\n", container.id().c_str());
      return 0;
    };
  });

  auto run_options = std::make_shared<CreateOptions>();
  CLI::App* run =
      app.add_subcommand("run", "Create and start a container; exits with its exit code");
  AddCreateOptions(run, *run_options);
  run->add_flag("--rm", run_options->remove, "Remove the container when it exits");
  run->add_flag("-d,--detach", run_options->detach, "Print the id and leave it running");
  run->callback([&, connect, run, run_options] {
    action = [=] {
      return TakeImageAndCommand(run, *run_options) ? Run(connect(), *run_options)
                                                    : kExitAgentError;
    };
  });

  auto start_names = std::make_shared<std::vector<std::string>>();
  CLI::App* start = app.add_subcommand("start", "Start created or exited containers");
  start->add_option("container", *start_names, "Id, id prefix or name")->required();
  start->callback([&, connect, start_names] {
    action = [=] {
      AgentConnection& agent = connect();
      return ForEachName(agent, *start_names, [&](const std::string& name) {
        v1::Container container;
        grpc::Status status = StartContainer(agent, name, &container);
        if (status.ok()) std::printf("%s\n", name.c_str());
        return status;
      });
    };
  });

  auto stop_names = std::make_shared<std::vector<std::string>>();
  auto stop_timeout = std::make_shared<int>(10);
  CLI::App* stop =
      app.add_subcommand("stop", "Stop containers: stop signal, then SIGKILL after --time");
  stop->add_option("container", *stop_names, "Id, id prefix or name")->required();
  stop->add_option("-t,--time", *stop_timeout, "Seconds before SIGKILL")->capture_default_str();
  stop->callback([&, connect, stop_names, stop_timeout] {
    action = [=] {
      AgentConnection& agent = connect();
      return ForEachName(agent, *stop_names, [&](const std::string& name) {
        grpc::ClientContext context;
        v1::StopContainerRequest request;
        request.set_container(name);
        request.set_timeout_seconds(static_cast<uint32_t>(std::max(0, *stop_timeout)));
        v1::Container container;
        grpc::Status status = agent.containers().Stop(&context, request, &container);
        if (status.ok()) std::printf("%s\n", name.c_str());
        return status;
      });
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
      return ForEachName(agent, *kill_names, [&](const std::string& name) {
        grpc::ClientContext context;
        v1::KillContainerRequest request;
        request.set_container(name);
        request.set_signal(signal);
        v1::KillContainerResponse response;
        grpc::Status status = agent.containers().Kill(&context, request, &response);
        if (status.ok()) std::printf("%s\n", name.c_str());
        return status;
      });
    };
  });

  auto wait_name = std::make_shared<std::string>();
  CLI::App* wait =
      app.add_subcommand("wait", "Wait for a container to exit; prints and returns its exit code");
  wait->add_option("container", *wait_name, "Id, id prefix or name")->required();
  wait->callback([&, connect, wait_name] {
    action = [=] {
      AgentConnection& agent = connect();
      v1::WaitContainerResponse exit;
      grpc::Status status = WaitContainer(agent, *wait_name, &exit);
      if (!status.ok()) return agent.Report(status);
      std::printf("%d\n", exit.exit_code());
      return exit.exit_code();
    };
  });

  auto remove_names = std::make_shared<std::vector<std::string>>();
  auto remove_force = std::make_shared<bool>(false);
  CLI::App* remove = app.add_subcommand("rm", "Remove containers");
  remove->add_option("container", *remove_names, "Id, id prefix or name")->required();
  remove->add_flag("-f,--force", *remove_force, "Kill running containers first");
  remove->callback([&, connect, remove_names, remove_force] {
    action = [=] {
      AgentConnection& agent = connect();
      return ForEachName(agent, *remove_names, [&](const std::string& name) {
        grpc::Status status = RemoveContainer(agent, name, *remove_force);
        if (status.ok()) std::printf("%s\n", name.c_str());
        return status;
      });
    };
  });

  auto ps_all = std::make_shared<bool>(false);
  auto ps_json = std::make_shared<bool>(false);
  auto ps_quiet = std::make_shared<bool>(false);
  CLI::App* ps = app.add_subcommand("ps", "List containers");
  ps->add_flag("-a,--all", *ps_all, "Include containers that are not running");
  ps->add_flag("--json", *ps_json, "Print JSON");
  ps->add_flag("-q,--quiet", *ps_quiet, "Print only ids");
  ps->callback([&, connect, ps_all, ps_json, ps_quiet] {
    action = [=] { return List(connect(), *ps_all, *ps_json, *ps_quiet); };
  });

  auto inspect_names = std::make_shared<std::vector<std::string>>();
  CLI::App* inspect = app.add_subcommand("inspect", "Show containers as JSON");
  inspect->add_option("container", *inspect_names, "Id, id prefix or name")->required();
  static bool json_always = true;
  inspect->add_flag("--json", json_always, "Print JSON (the default and only format)");
  inspect->callback([&, connect, inspect_names] {
    action = [=] {
      AgentConnection& agent = connect();
      return ForEachName(agent, *inspect_names, [&](const std::string& name) {
        grpc::ClientContext context;
        v1::InspectContainerRequest request;
        request.set_container(name);
        v1::Container container;
        grpc::Status status = agent.containers().Inspect(&context, request, &container);
        if (status.ok()) std::printf("%s\n", MessageToJson(container, true).c_str());
        return status;
      });
    };
  });

  auto logs_name = std::make_shared<std::string>();
  auto logs_follow = std::make_shared<bool>(false);
  CLI::App* logs = app.add_subcommand("logs", "Print a container's stdout and stderr");
  logs->add_option("container", *logs_name, "Id, id prefix or name")->required();
  logs->add_flag("-f,--follow", *logs_follow, "Keep printing until the container exits");
  logs->callback([&, connect, logs_name, logs_follow] {
    action = [=] {
      AgentConnection& agent = connect();
      grpc::Status status = StreamLogs(agent, *logs_name, *logs_follow);
      return status.ok() ? 0 : agent.Report(status);
    };
  });

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
          " containers: %u (%u running)\n default backend: %s\nbackends:\n",
          response.version().c_str(), response.root_dir().c_str(), response.socket_path().c_str(),
          response.cgroup_mode().c_str(), response.cgroup_parent().c_str(), response.images(),
          response.containers(), response.containers_running(), response.default_backend().c_str());
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
