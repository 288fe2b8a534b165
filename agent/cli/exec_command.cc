#include "cli/exec_command.h"

#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <memory>

#include "cli/payload_words.h"
#include "cli/terminal_session.h"

namespace boxcar::cli {

namespace {

// As `docker exec`: 126 when the command cannot run, 127 when it is not found, 125 otherwise.
constexpr int kExitAgentError = 125;

struct ExecOptions {
  bool interactive = false;
  bool tty = false;
  std::vector<std::string> env;
  std::string working_dir;
  std::string user;
  std::vector<std::string> container_and_command;
};

using ExecStream = grpc::ClientReaderWriter<v1::ExecRequest, v1::ExecResponse>;

int StartFailureCode(const grpc::Status& status) {
  if (status.error_code() != grpc::StatusCode::INVALID_ARGUMENT) return kExitAgentError;
  const std::string& message = status.error_message();
  if (message.find("start.spec") != std::string::npos) return kExitAgentError;
  return message.find("not found") != std::string::npos ||
                 message.find("No such file") != std::string::npos
             ? 127
             : 126;
}

int Exec(AgentConnection& agent, const ExecOptions& options) {
  if (options.container_and_command.size() < 2) {
    std::fprintf(stderr, "boxcar exec: give a CONTAINER and a COMMAND (see `boxcar ps`)\n");
    return kExitAgentError;
  }
  v1::ExecRequest start;
  start.mutable_start()->set_container(options.container_and_command[0]);
  v1::ExecSpec& spec = *start.mutable_start()->mutable_spec();
  for (size_t i = 1; i < options.container_and_command.size(); ++i)
    spec.add_command(options.container_and_command[i]);
  for (const auto& entry : options.env) {
    if (entry.find('=') != std::string::npos) {
      spec.add_env(entry);
    } else if (const char* value = std::getenv(entry.c_str())) {
      spec.add_env(entry + "=" + value);
    }
  }
  spec.set_working_dir(options.working_dir);
  spec.set_user(options.user);
  const bool tty = options.tty && ::isatty(1);
  if (options.tty && !tty) {
    std::fprintf(stderr, "boxcar exec: -t needs a terminal on stdout; running without one\n");
  }
  spec.set_tty(tty);
  if (tty) *spec.mutable_terminal_size() = LocalTerminalSize();

  grpc::ClientContext context;
  std::unique_ptr<ExecStream> stream = agent.containers().Exec(&context);
  StreamWriter<v1::ExecRequest, v1::ExecResponse> writer(stream.get());
  writer.Write(start);
  v1::ExecResponse response;
  if (!stream->Read(&response) || !response.has_started()) {
    writer.WritesDone();
    grpc::Status status = stream->Finish();
    if (status.ok()) status = grpc::Status(grpc::StatusCode::INTERNAL, "exec: no start reply");
    agent.Report(status);
    return StartFailureCode(status);
  }

  RawTerminal raw(tty && options.interactive && ::isatty(0));
  if (options.interactive) {
    // Its end (or EOF) closes the process's stdin.
    ReadStdinInBackground(
        [&writer](const std::string& bytes) {
          v1::ExecRequest request;
          request.set_stdin(bytes);
          return writer.Write(request);
        },
        [&writer] {
          v1::ExecRequest request;
          request.set_close_stdin(true);
          writer.Write(request);
        });
  } else {
    v1::ExecRequest request;
    request.set_close_stdin(true);
    writer.Write(request);
  }
  if (tty) {
    WatchTerminalSize([&writer](const v1::TerminalSize& size) {
      v1::ExecRequest request;
      *request.mutable_resize() = size;
      return writer.Write(request);
    });
  }

  int exit_code = kExitAgentError;
  while (stream->Read(&response)) {
    if (response.has_stdout()) {
      (void)!::write(1, response.stdout().data(), response.stdout().size());
    } else if (response.has_stderr()) {
      (void)!::write(2, response.stderr().data(), response.stderr().size());
    } else if (response.has_exit()) {
      exit_code = response.exit().exit_code();
      writer.WritesDone();
    }
  }
  writer.WritesDone();
  grpc::Status status = stream->Finish();
  if (!status.ok()) return agent.Report(status), kExitAgentError;
  return exit_code;
}

}  // namespace

void AddExecCommand(CLI::App& app, std::function<AgentConnection&()> connect,
                    std::function<int()>& action) {
  auto options = std::make_shared<ExecOptions>();
  CLI::App* exec = app.add_subcommand("exec", "Run a command inside a running container");
  exec->add_flag("-i,--interactive", options->interactive, "Pass stdin to the command");
  exec->add_flag("-t,--tty", options->tty, "Allocate a terminal inside the container");
  exec->add_option("-e,--env", options->env, "Environment KEY=value (repeat the flag)")
      ->allow_extra_args(false);
  exec->add_option("-w,--workdir", options->working_dir, "Working directory inside");
  exec->add_option("-u,--user", options->user, "user, uid, uid:gid or user:group");
  // CONTAINER COMMAND [ARG...]: everything from the container on belongs to the command.
  exec->prefix_command();
  exec->footer("Usage: CONTAINER COMMAND [ARG...] after the options");
  exec->callback([&, connect, exec, options] {
    action = [=] {
      auto words = PayloadWords(exec);
      if (!words) return kExitAgentError;
      options->container_and_command = std::move(*words);
      return Exec(connect(), *options);
    };
  });
}

}  // namespace boxcar::cli
