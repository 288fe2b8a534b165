#include "cli/commit_command.h"

#include <rapidjson/document.h>

#include <cstdio>
#include <memory>

namespace boxcar::cli {

namespace {

struct CommitOptions {
  std::string container;
  std::string reference;
  std::string message;
  std::vector<std::string> changes;
  bool pause = true;
};

// The exec form (a JSON array of strings) or the shell form ("/bin/sh -c TEXT").
bool ParseCommand(const std::string& text, v1::StringList* list) {
  if (!text.empty() && text[0] == '[') {
    rapidjson::Document array;
    array.Parse(text.c_str());
    if (array.HasParseError() || !array.IsArray()) return false;
    for (const auto& item : array.GetArray()) {
      if (!item.IsString()) return false;
      list->add_values(item.GetString());
    }
    return true;
  }
  for (const char* arg : {"/bin/sh", "-c"}) list->add_values(arg);
  list->add_values(text);
  return true;
}

int Commit(AgentConnection& agent, const CommitOptions& options) {
  v1::CommitContainerRequest request;
  request.set_container(options.container);
  request.set_reference(options.reference);
  request.set_message(options.message);
  request.set_pause(options.pause);
  for (const auto& change : options.changes) {
    if (!ParseCommitChange(change, request.mutable_changes())) return 1;
  }
  grpc::ClientContext context;
  v1::CommitContainerResponse response;
  grpc::Status status = agent.containers().Commit(&context, request, &response);
  if (!status.ok()) return agent.Report(status);
  std::printf("%s\n", response.image_id().c_str());
  return 0;
}

}  // namespace

bool ParseCommitChange(const std::string& change, v1::CommitChanges* changes) {
  size_t space = change.find(' ');
  std::string instruction = change.substr(0, space);
  std::string argument = space == std::string::npos ? "" : change.substr(space + 1);
  for (char& c : instruction) c = static_cast<char>(std::toupper(c));
  bool ok = !argument.empty();
  if (ok && instruction == "CMD") {
    ok = ParseCommand(argument, changes->mutable_cmd());
  } else if (ok && instruction == "ENTRYPOINT") {
    ok = ParseCommand(argument, changes->mutable_entrypoint());
  } else if (ok && instruction == "ENV") {
    // "ENV K=V" or "ENV K V".
    size_t equals = argument.find('=');
    size_t blank = argument.find(' ');
    changes->add_env(equals != std::string::npos && (blank == std::string::npos || equals < blank)
                         ? argument
                         : argument.substr(0, blank) + "=" +
                               (blank == std::string::npos ? "" : argument.substr(blank + 1)));
  } else if (ok && instruction == "WORKDIR") {
    changes->set_working_dir(argument);
  } else if (ok && instruction == "USER") {
    changes->set_user(argument);
  } else {
    ok = false;
  }
  if (!ok) {
    std::fprintf(stderr,
                 "boxcar commit: --change '%s' is not one of CMD, ENTRYPOINT (JSON array or shell "
                 "form), ENV K=V, WORKDIR /dir or USER name\n",
                 change.c_str());
  }
  return ok;
}

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
