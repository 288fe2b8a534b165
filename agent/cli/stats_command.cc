#include "cli/stats_command.h"

#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <map>
#include <optional>
#include <thread>

#include "cli/human_format.h"
#include "cli/json_output.h"

namespace boxcar::cli {

namespace {

constexpr auto kRefreshInterval = std::chrono::seconds(1);
// --no-stream's table shows CPU % over this first interval (docker also reads twice).
constexpr auto kFirstSampleInterval = std::chrono::milliseconds(250);

// The containers to show: those named, or every running one now.
grpc::Status Targets(AgentConnection& agent, const StatsOptions& options,
                     std::vector<std::string>* targets) {
  if (!options.names.empty()) {
    *targets = options.names;
    return grpc::Status::OK;
  }
  grpc::ClientContext context;
  v1::ListContainersRequest request;
  v1::ListContainersResponse response;
  grpc::Status status = agent.containers().List(&context, request, &response);
  targets->clear();
  for (const auto& container : response.containers()) targets->push_back(container.id());
  return status;
}

struct Sample {
  std::vector<v1::ContainerStats> stats;
  std::map<std::string, std::string> names;  // id -> what the user called it
  grpc::Status last_error;
  int failed = 0;
};

Sample Read(AgentConnection& agent, const std::vector<std::string>& targets) {
  Sample sample;
  for (const auto& target : targets) {
    grpc::ClientContext context;
    v1::StatsRequest request;
    request.set_container(target);
    v1::ContainerStats stats;
    grpc::Status status = agent.containers().Stats(&context, request, &stats);
    if (!status.ok()) {
      sample.last_error = status;
      ++sample.failed;
      continue;
    }
    sample.names[stats.id()] = target;
    sample.stats.push_back(stats);
  }
  return sample;
}

std::string CpuPercent(const v1::ContainerStats& now, const Sample* before) {
  if (before == nullptr) return "--";
  for (const auto& then : before->stats) {
    if (then.id() != now.id() || now.read_unix_ns() <= then.read_unix_ns()) continue;
    double used = static_cast<double>(now.cpu_usage_ns() - then.cpu_usage_ns());
    double elapsed = static_cast<double>(now.read_unix_ns() - then.read_unix_ns());
    char text[32];
    std::snprintf(text, sizeof text, "%.2f%%", 100.0 * used / elapsed);
    return text;
  }
  return "--";
}

void PrintSample(const Sample& sample, const Sample* before, bool json) {
  if (json) {
    PrintJsonArray(sample.stats);
    return;
  }
  std::vector<std::vector<std::string>> rows = {
      {"CONTAINER ID", "CPU %", "CPU TIME", "MEM USAGE / LIMIT", "PIDS", "BLOCK I/O"}};
  for (const auto& stats : sample.stats) {
    char cpu[32];
    std::snprintf(cpu, sizeof cpu, "%.3f s", static_cast<double>(stats.cpu_usage_ns()) / 1e9);
    std::string limit =
        stats.memory_limit_bytes() ? HumanBytes(stats.memory_limit_bytes()) : "unlimited";
    std::string pids = std::to_string(stats.pids_current());
    if (stats.pids_limit()) pids += " / " + std::to_string(stats.pids_limit());
    rows.push_back(
        {stats.id().substr(0, 12), CpuPercent(stats, before), cpu,
         HumanBytes(stats.memory_usage_bytes()) + " / " + limit, pids,
         HumanBytes(stats.block_read_bytes()) + " / " + HumanBytes(stats.block_write_bytes())});
  }
  PrintTable(rows);
}

}  // namespace

int RunStats(AgentConnection& agent, const StatsOptions& options) {
  const bool terminal = ::isatty(STDOUT_FILENO) == 1;
  std::optional<Sample> before;
  std::vector<std::string> targets;
  if (!options.json) {
    if (grpc::Status listed = Targets(agent, options, &targets); !listed.ok())
      return agent.Report(listed);
    before = Read(agent, targets);
    std::this_thread::sleep_for(kFirstSampleInterval);
  }
  for (bool first = true;; first = false) {
    if (grpc::Status listed = Targets(agent, options, &targets); !listed.ok())
      return agent.Report(listed);
    Sample sample = Read(agent, targets);
    // Named containers that cannot be read: an error once (then as docker: they drop out).
    if (first && sample.failed > 0 && (options.no_stream || sample.stats.empty())) {
      if (options.no_stream && !sample.stats.empty()) {  // the ones that could be read
        PrintSample(sample, before ? &*before : nullptr, options.json);
      }
      return agent.Report(sample.last_error);
    }
    if (!options.names.empty() && sample.stats.empty()) return agent.Report(sample.last_error);
    // A terminal gets the table redrawn in place, as `docker stats` does.
    if (!options.no_stream && terminal && !options.json) std::fputs("\033[2J\033[H", stdout);
    PrintSample(sample, before ? &*before : nullptr, options.json);
    std::fflush(stdout);
    if (options.no_stream) return 0;
    before = std::move(sample);
    std::this_thread::sleep_for(kRefreshInterval);
  }
}

}  // namespace boxcar::cli
