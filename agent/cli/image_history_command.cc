#include "cli/image_history_command.h"

#include <cstdio>
#include <memory>

#include "cli/human_format.h"
#include "cli/json_output.h"

namespace boxcar::cli {

namespace {

constexpr size_t kCreatedByWidth = 45;

struct HistoryOptions {
  std::string image;
  bool json = false;
  bool no_trunc = false;
};

int PrintHistory(AgentConnection& agent, const HistoryOptions& options) {
  grpc::ClientContext context;
  v1::ImageHistoryRequest request;
  request.set_image(options.image);
  v1::ImageHistoryResponse response;
  grpc::Status status = agent.images().History(&context, request, &response);
  if (!status.ok()) return agent.Report(status);
  if (options.json) {
    std::printf("%s\n", MessageToJson(response, false).c_str());
    return 0;
  }
  std::vector<std::vector<std::string>> rows = {{"CREATED", "CREATED BY", "SIZE", "COMMENT"}};
  const int64_t now = NowUnixSeconds();
  for (int i = response.entries_size() - 1; i >= 0; --i) {
    const v1::ImageHistoryEntry& entry = response.entries(i);
    std::string created_by = entry.created_by();
    for (char& c : created_by) {
      if (c == '\n' || c == '\t') c = ' ';
    }
    if (!options.no_trunc && created_by.size() > kCreatedByWidth)
      created_by = created_by.substr(0, kCreatedByWidth - 3) + "...";
    rows.push_back({entry.created_unix_seconds() ? HumanDuration(now - entry.created_unix_seconds()) + " ago" : "<missing>",
                    created_by.empty() ? "<missing>" : created_by,
                    HumanBytes(entry.size_bytes()), entry.comment()});
  }
  PrintTable(rows);
  return 0;
}

}  // namespace

void AddImageHistoryCommand(CLI::App* image, std::function<AgentConnection&()> connect,
                            std::function<int()>& action) {
  auto options = std::make_shared<HistoryOptions>();
  CLI::App* history = image->add_subcommand("history", "Show how an image was made");
  history->add_option("image", options->image, "Reference, id or id prefix")->required();
  history->add_flag("--json", options->json, "Print JSON (oldest step first)");
  history->add_flag("--no-trunc", options->no_trunc, "Do not shorten the commands");
  history->callback([&, connect, options] {
    action = [=] { return PrintHistory(connect(), *options); };
  });
}

}  // namespace boxcar::cli
