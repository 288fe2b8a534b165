#include "cli/for_each_name.h"

namespace boxcar::cli {

int ForEachName(AgentConnection& agent, const std::vector<std::string>& names,
                const std::function<grpc::Status(const std::string&)>& one) {
  int exit_code = 0;
  for (const auto& name : names) {
    grpc::Status status = one(name);
    if (!status.ok()) exit_code = agent.Report(status);
  }
  return exit_code;
}

int ForEachPrinted(AgentConnection& agent, const std::vector<std::string>& names,
                   const std::function<grpc::Status(const std::string&)>& one) {
  return ForEachName(agent, names, [&](const std::string& name) {
    grpc::Status status = one(name);
    if (status.ok()) std::printf("%s\n", name.c_str());
    return status;
  });
}

}  // namespace boxcar::cli
