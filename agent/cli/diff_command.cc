#include "cli/diff_command.h"

#include <cstdio>
#include <memory>

#include "cli/json_output.h"

namespace boxcar::cli {

namespace {

const char* KindLetter(v1::PathChangeKind kind) {
  switch (kind) {
    case v1::PATH_CHANGE_KIND_ADDED:
      return "A";
    case v1::PATH_CHANGE_KIND_DELETED:
      return "D";
    default:
      return "C";
  }
}

int PrintDiff(AgentConnection& agent, const std::string& container, bool json) {
  grpc::ClientContext context;
  v1::DiffRequest request;
  request.set_container(container);
  v1::DiffResponse response;
  grpc::Status status = agent.containers().Diff(&context, request, &response);
  if (!status.ok()) return agent.Report(status);
  if (json) {
    PrintJsonArray(response.changes());
    return 0;
  }
  for (const auto& change : response.changes())
    std::printf("%s %s\n", KindLetter(change.kind()), change.path().c_str());
  return 0;
}

}  // namespace

void AddDiffCommand(CLI::App& app, std::function<AgentConnection&()> connect,
                    std::function<int()>& action) {
  auto container = std::make_shared<std::string>();
  auto json = std::make_shared<bool>(false);
  CLI::App* diff = app.add_subcommand(
      "diff", "Show the files a container added (A), changed (C) or deleted (D)");
  diff->add_option("container", *container, "Id, id prefix or name")->required();
  diff->add_flag("--json", *json, "Print JSON");
  diff->callback([&, connect, container, json] {
    action = [=] { return PrintDiff(connect(), *container, *json); };
  });
}

}  // namespace boxcar::cli
