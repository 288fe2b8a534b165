#include "cli/top_command.h"

#include <time.h>

#include <cstdio>
#include <memory>

#include "cli/human_format.h"
#include "cli/json_output.h"

namespace boxcar::cli {

namespace {

// ps's STIME: the time of day when it started today, the date otherwise.
std::string StartText(int64_t start_unix_ns) {
  time_t start = static_cast<time_t>(start_unix_ns / 1000000000);
  time_t now = ::time(nullptr);
  struct tm started, today;
  ::localtime_r(&start, &started);
  ::localtime_r(&now, &today);
  char text[32];
  bool same_day = started.tm_yday == today.tm_yday && started.tm_year == today.tm_year;
  std::strftime(text, sizeof text, same_day ? "%H:%M" : "%b%d", &started);
  return text;
}

// ps's TIME: [DD-]HH:MM:SS of CPU.
std::string CpuText(uint64_t cpu_ns) {
  uint64_t seconds = cpu_ns / 1000000000;
  char text[32];
  if (seconds >= 86400) {
    std::snprintf(text, sizeof text, "%llu-%02llu:%02llu:%02llu",
                  static_cast<unsigned long long>(seconds / 86400),
                  static_cast<unsigned long long>(seconds / 3600 % 24),
                  static_cast<unsigned long long>(seconds / 60 % 60),
                  static_cast<unsigned long long>(seconds % 60));
  } else {
    std::snprintf(text, sizeof text, "%02llu:%02llu:%02llu",
                  static_cast<unsigned long long>(seconds / 3600),
                  static_cast<unsigned long long>(seconds / 60 % 60),
                  static_cast<unsigned long long>(seconds % 60));
  }
  return text;
}

int PrintTop(AgentConnection& agent, const std::string& container, bool json) {
  grpc::ClientContext context;
  v1::TopRequest request;
  request.set_container(container);
  v1::TopResponse response;
  grpc::Status status = agent.containers().Top(&context, request, &response);
  if (!status.ok()) return agent.Report(status);
  if (json) {
    PrintJsonArray(response.processes());
    return 0;
  }
  std::vector<std::vector<std::string>> rows = {
      {"UID", "PID", "PPID", "C", "STIME", "TTY", "TIME", "CMD"}};
  const int64_t now_ns = NowUnixSeconds() * 1000000000;
  for (const auto& process : response.processes()) {
    // ps's C: CPU time over the process's lifetime, in percent.
    int64_t lifetime_ns = now_ns - process.start_unix_ns();
    uint64_t percent = lifetime_ns > 0 ? process.cpu_time_ns() * 100 / static_cast<uint64_t>(lifetime_ns) : 0;
    rows.push_back({std::to_string(process.uid()), std::to_string(process.pid()),
                    std::to_string(process.ppid()), std::to_string(percent),
                    StartText(process.start_unix_ns()), process.tty(),
                    CpuText(process.cpu_time_ns()), process.command()});
  }
  PrintTable(rows);
  return 0;
}

}  // namespace

void AddTopCommand(CLI::App& app, std::function<AgentConnection&()> connect,
                   std::function<int()>& action) {
  auto container = std::make_shared<std::string>();
  auto json = std::make_shared<bool>(false);
  CLI::App* top = app.add_subcommand("top", "Show the processes of a running container");
  top->add_option("container", *container, "Id, id prefix or name")->required();
  top->add_flag("--json", *json, "Print JSON");
  top->callback([&, connect, container, json] {
    action = [=] { return PrintTop(connect(), *container, *json); };
  });
}

}  // namespace boxcar::cli
