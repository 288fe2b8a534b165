#include "cli/attach_command.h"

#include <unistd.h>

#include <atomic>
#include <cstdio>
#include <memory>
#include <optional>

#include "cli/run_command.h"
#include "cli/terminal_session.h"

namespace boxcar::cli {

namespace {

using AttachStream = grpc::ClientReaderWriter<v1::AttachRequest, v1::AttachResponse>;
using AttachWriter = StreamWriter<v1::AttachRequest, v1::AttachResponse>;

// A start that failed because the command cannot run: 126/127 like a shell.
int FailureExitCode(const grpc::ClientContext& context, const grpc::Status& status) {
  const auto& trailers = context.GetServerTrailingMetadata();
  auto step = trailers.find("boxcar-failed-step");
  const bool start_failed =
      step != trailers.end() && std::string(step->second.data(), step->second.size()) == "start";
  if (!start_failed || status.error_code() != grpc::StatusCode::INVALID_ARGUMENT) {
    return kExitAgentError;
  }
  return status.error_message().find("No such file") != std::string::npos ? 127 : 126;
}

}  // namespace

int AttachSession(AgentConnection& agent, const AttachSessionOptions& options) {
  auto detach_keys = DetachKeys::Parse(options.detach_keys);
  if (!detach_keys) {
    std::fprintf(stderr,
                 "boxcar: --detach-keys '%s' is not a list of ctrl-<letter> or single "
                 "characters, e.g. ctrl-p,ctrl-q\n",
                 options.detach_keys.c_str());
    return kExitAgentError;
  }
  // Before any thread of ours starts, so that they all inherit the blocked signals.
  SignalForwarder signals;
  grpc::ClientContext context;
  std::unique_ptr<AttachStream> stream = agent.containers().Attach(&context);
  AttachWriter writer(stream.get());
  v1::AttachRequest first;
  v1::AttachStart& start = *first.mutable_start();
  start.set_container(options.container);
  start.set_start(options.start);
  start.set_remove(options.remove);
  if (::isatty(1)) *start.mutable_terminal_size() = LocalTerminalSize();
  writer.Write(first);

  v1::AttachResponse response;
  if (!stream->Read(&response) || !response.has_attached()) {
    writer.WritesDone();
    grpc::Status status = stream->Finish();
    if (status.ok()) status = grpc::Status(grpc::StatusCode::INTERNAL, "attach: no reply");
    agent.Report(status);
    return FailureExitCode(context, status);
  }
  const v1::Container container = response.attached();
  const bool tty = container.spec().tty();
  const bool send_stdin = options.stdin && container.spec().stdin_open();
  RawTerminal raw(tty && send_stdin && ::isatty(0));
  std::atomic<bool> detached{false};
  if (send_stdin) {
    ReadStdinInBackground(
        [&](const std::string& bytes) {
          bool detach = false;
          std::string passed = detach_keys->Filter(bytes, &detach);
          v1::AttachRequest request;
          request.set_stdin(passed);
          if (!passed.empty() && !writer.Write(request)) return false;
          if (detach) {
            detached = true;
            context.TryCancel();
            return false;
          }
          return true;
        },
        [&writer] {
          v1::AttachRequest request;
          request.set_close_stdin(true);
          writer.Write(request);
        });
  }
  if (tty) {
    WatchTerminalSize([&writer](const v1::TerminalSize& size) {
      v1::AttachRequest request;
      *request.mutable_resize() = size;
      return writer.Write(request);
    });
  }
  signals.ForwardTo([&writer](int signal_number) {
    v1::AttachRequest request;
    request.set_signal(signal_number);
    writer.Write(request);
  });

  std::optional<v1::WaitContainerResponse> exited;
  while (stream->Read(&response)) {
    if (response.has_output()) {
      const v1::LogChunk& chunk = response.output();
      int fd = chunk.stream() == v1::LOG_STREAM_STDERR ? 2 : 1;
      for (size_t written = 0; written < chunk.data().size();) {
        ssize_t n = ::write(fd, chunk.data().data() + written, chunk.data().size() - written);
        if (n <= 0) break;
        written += static_cast<size_t>(n);
      }
    } else if (response.has_exited()) {
      exited = response.exited();
      writer.WritesDone();
    }
  }
  writer.WritesDone();
  grpc::Status status = stream->Finish();
  if (detached) return 0;
  if (!status.ok()) {
    agent.Report(status);
    return kExitAgentError;
  }
  if (!exited) {
    std::fprintf(stderr, "boxcar: the agent ended the session without an exit status\n");
    return kExitAgentError;
  }
  if (exited->oom_killed()) {
    std::fprintf(stderr, "boxcar: container %s was killed: out of memory\n",
                 container.name().c_str());
  }
  return exited->exit_code();
}

void AddAttachCommand(CLI::App& app, std::function<AgentConnection&()> connect,
                      std::function<int()>& action) {
  auto options = std::make_shared<AttachSessionOptions>();
  auto no_stdin = std::make_shared<bool>(false);
  CLI::App* attach = app.add_subcommand(
      "attach",
      "Connect to a running container's terminal or output (detach: Ctrl-P Ctrl-Q); exits "
      "with its exit code");
  attach->add_option("container", options->container, "Id, id prefix or name")->required();
  attach->add_flag("--no-stdin", *no_stdin, "Do not pass stdin to the container");
  attach->add_option("--detach-keys", options->detach_keys, "Keys that detach, e.g. ctrl-p,ctrl-q")
      ->capture_default_str();
  attach->callback([&, connect, options, no_stdin] {
    action = [=] {
      options->stdin = !*no_stdin;
      return AttachSession(connect(), *options);
    };
  });
}

}  // namespace boxcar::cli
