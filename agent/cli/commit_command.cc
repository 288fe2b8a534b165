#include "cli/commit_command.h"

#include <cstdio>
#include <memory>

#include "cli/config_change.h"

namespace boxcar::cli {

namespace {

struct CommitOptions {
  std::string container;
  std::string reference;
  std::string message;
  std::vector<std::string> changes;
  bool pause = true;
};

int Commit(AgentConnection& agent, const CommitOptions& options) {
  v1::CommitContainerRequest request;
  request.set_container(options.container);
  request.set_reference(options.reference);
  request.set_message(options.message);
  request.set_pause(options.pause);
  for (const auto& change : options.changes) {
    if (Status parsed = ParseConfigChange(change, request.mutable_changes()); !parsed.ok()) {
      std::fprintf(stderr, "boxcar commit: %s\n", parsed.message().c_str());
      return 1;
    }
  }
  grpc::ClientContext context;
  v1::CommitContainerResponse response;
  grpc::Status status = agent.containers().Commit(&context, request, &response);
  if (!status.ok()) return agent.Report(status);
  std::printf("%s\n", response.image_id().c_str());
  return 0;
}

}  // namespace

void AddCommitCommand(CLI::App& app, std::function<AgentConnection&()> connect,
                      std::function<int()>& action) {
  auto options = std::make_shared<CommitOptions>();
  CLI::App* commit = app.add_subcommand("commit", "Create an image from a container's changes");
  commit->add_option("container", options->container, "Id, id prefix or name")->required();
  commit->add_option("reference", options->reference, "name[:tag] for the new image");
  commit->add_option("-m,--message", options->message, "Comment recorded in the image history");
  commit
      ->add_option("-c,--change", options->changes,
                   "Config change: CMD, ENTRYPOINT, ENV, WORKDIR or USER (repeat the flag)")
      ->allow_extra_args(false);
  commit->add_flag("--pause,!--no-pause", options->pause,
                   "Pause a running container while committing (default)");
  commit->callback([&, connect, options] { action = [=] { return Commit(connect(), *options); }; });
}

}  // namespace boxcar::cli
