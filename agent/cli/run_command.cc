#include "cli/run_command.h"

#include <signal.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <memory>
#include <optional>
#include <thread>

#include "cli/attach_command.h"
#include "cli/container_calls.h"
#include "cli/container_spec_flags.h"
#include "cli/image_pull_policy.h"
#include "cli/local_call.h"
#include "cli/terminal_session.h"

namespace boxcar::cli {

namespace {

struct RunOptions {
  ContainerSpecFlags spec;
  ImagePullFlags pull;
  bool remove = false;
  bool detach = false;
};

// Start failures because the command cannot run get 126/127 like a shell.
int StartFailureExitCode(const grpc::Status& status) {
  if (status.error_code() != grpc::StatusCode::INVALID_ARGUMENT) return kExitAgentError;
  return status.error_message().find("No such file") != std::string::npos ? 127 : 126;
}

// run -d: create and start, print the id. Through the agent's local fast path when there is
// one (no gRPC started at all), else over gRPC: the same service calls, the same answers.
int RunDetached(AgentConnection& agent, const v1::ContainerSpec& spec,
                ContainerImagePuller& puller) {
  v1::LocalRequest local;
  *local.mutable_run_detached()->mutable_spec() = spec;
  if (std::optional<v1::LocalResponse> answer = CallLocal(agent.socket_path(), local)) {
    if (answer->status_code() != 0) {
      grpc::Status status = StatusOf(*answer);
      if (puller.PullIfMissing(&status)) return RunDetached(agent, spec, puller);
      agent.Report(status);
      return answer->failed_step() == "start" ? StartFailureExitCode(status) : kExitAgentError;
    }
    std::printf("%s\n", answer->container().id().c_str());
    return 0;
  }
  v1::Container container;
  grpc::Status status = puller.Create(spec, &container);
  if (!status.ok()) {
    agent.Report(status);
    return kExitAgentError;
  }
  status = StartContainer(agent, container.id(), &container);
  if (!status.ok()) {
    agent.Report(status);
    if (spec.auto_remove()) {  // never ran: goes, as Docker's
      (void)RemoveContainer(agent, container.id(), true, nullptr, /*remove_volumes=*/true);
    }
    return StartFailureExitCode(status);
  }
  std::printf("%s\n", container.id().c_str());
  return 0;
}

// One streaming call: create, start, output, exit (and removal with --rm). Nothing (and
// `*missing` set, not reported) when the agent has no such image: nothing was created, and the
// caller may pull it and call again.
std::optional<int> RunStreamed(AgentConnection& agent, const v1::ContainerSpec& spec, bool remove,
                               SignalForwarder& signals, grpc::Status* missing) {
  grpc::ClientContext context;
  v1::RunContainerRequest request;
  *request.mutable_spec() = spec;
  request.set_remove(remove);
  auto reader = agent.containers().Run(&context, request);
  v1::RunContainerResponse message;
  std::string name;
  std::optional<v1::WaitContainerResponse> exited;
  while (reader->Read(&message)) {
    switch (message.event_case()) {
      case v1::RunContainerResponse::kStarted:
        name = message.started().name();
        signals.ForwardTo([&agent, id = message.started().id()](int signal_number) {
          grpc::ClientContext context;
          v1::KillContainerRequest request;
          request.set_container(id);
          request.set_signal(signal_number);
          v1::KillContainerResponse response;
          (void)agent.containers().Kill(&context, request, &response);
        });
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
    if (name.empty() && IsMissingImage(status)) {
      *missing = status;
      return std::nullopt;
    }
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

int Run(AgentConnection& agent, const RunOptions& options) {
  if (options.remove && !options.spec.restart.empty() && options.spec.restart != "no") {
    std::fprintf(stderr, "boxcar: --rm and --restart %s contradict each other; choose one\n",
                 options.spec.restart.c_str());
    return kExitAgentError;
  }
  v1::ContainerSpec spec;
  if (Status built = BuildContainerSpec(options.spec, &spec); !built.ok()) {
    std::fprintf(stderr, "boxcar: %s\n", built.message().c_str());
    return kExitAgentError;
  }
  ContainerImagePuller puller(agent, options.pull, spec.image());
  if (grpc::Status pulled = puller.BeforeCreate(); !pulled.ok()) {
    agent.Report(pulled);
    return kExitAgentError;
  }
  if (options.detach) {
    spec.set_auto_remove(options.remove);  // the agent removes it at its exit
    return RunDetached(agent, spec, puller);
  }
  if (spec.tty() || spec.stdin_open()) {
    // As Docker: a terminal session needs a terminal to read from.
    if (spec.tty() && spec.stdin_open() && !::isatty(0)) {
      std::fprintf(stderr, "boxcar: the input is not a terminal; leave out -t to pipe into -i\n");
      return kExitAgentError;
    }
    // Created first, then attached and started in one Attach stream, so that no output is
    // missed and stdin reaches the payload from its start.
    v1::Container container;
    grpc::Status status = puller.Create(spec, &container);
    if (!status.ok()) {
      agent.Report(status);
      return kExitAgentError;
    }
    AttachSessionOptions session;
    session.container = container.id();
    session.start = true;
    session.remove = options.remove;
    session.stdin = spec.stdin_open();
    return AttachSession(agent, session);
  }
  SignalForwarder signals;
  grpc::Status missing;
  if (std::optional<int> exit_code = RunStreamed(agent, spec, options.remove, signals, &missing))
    return *exit_code;
  // Ctrl-C during the pull ends the CLI as it would without a forwarder (the agent drops a pull
  // whose caller went away); a container started afterwards gets the signals again.
  signals.ForwardTo([](int signal_number) { std::_Exit(128 + signal_number); });
  if (puller.PullIfMissing(&missing)) {
    if (std::optional<int> exit_code = RunStreamed(agent, spec, options.remove, signals, &missing))
      return *exit_code;
  }
  agent.Report(missing);
  return kExitAgentError;
}

}  // namespace

void AddRunCommand(CLI::App& app, std::function<AgentConnection&()> connect,
                   std::function<int()>& action) {
  auto run_options = std::make_shared<RunOptions>();
  CLI::App* run =
      app.add_subcommand("run", "Create and start a container; exits with its exit code");
  AddContainerSpecFlags(run, run_options->spec);
  AddImagePullFlags(run, run_options->pull);
  run->add_flag("--rm", run_options->remove, "Remove the container when it exits");
  run->add_flag("-d,--detach", run_options->detach, "Print the id and leave it running");
  run->callback([&, connect, run, run_options] {
    action = [=] {
      return TakeImageAndCommand(run, run_options->spec) ? Run(connect(), *run_options)
                                                         : kExitAgentError;
    };
  });
}

}  // namespace boxcar::cli
