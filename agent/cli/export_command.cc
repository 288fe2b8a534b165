#include "cli/export_command.h"

#include <cstdio>
#include <memory>

#include "cli/tar_output.h"

namespace boxcar::cli {

namespace {

struct ExportOptions {
  std::string container;
  std::string output;
  bool quiet = false;
};

int Export(AgentConnection& agent, const ExportOptions& options) {
  auto output = TarOutput::Open("boxcar export", options.output);
  if (!output.ok()) {
    std::fprintf(stderr, "%s\n", output.status().message().c_str());
    return 1;
  }
  v1::ExportContainerRequest request;
  request.set_container(options.container);
  TarProgress progress("exporting", !options.quiet);
  grpc::ClientContext context;
  auto reader = agent.containers().Export(&context, request);
  grpc::Status status = ReceiveTar(context, *reader, *output, progress);
  if (!status.ok()) return agent.Report(status);  // the temporary file goes with `output`
  if (Status finished = output->Finish(); !finished.ok()) {
    std::fprintf(stderr, "boxcar export: %s\n", finished.message().c_str());
    return 1;
  }
  return 0;
}

}  // namespace

void AddExportCommand(CLI::App& parent, std::function<AgentConnection&()> connect,
                      std::function<int()>& action) {
  auto options = std::make_shared<ExportOptions>();
  CLI::App* command = parent.add_subcommand(
      "export",
      "Write a container's filesystem as a tar (not its volumes, bind or tmpfs mounts), "
      "running or not");
  command->add_option("container", options->container, "Id, id prefix or name")->required();
  command->add_option("-o,--output", options->output,
                      "File to write, complete or not at all (default: stdout)");
  command->add_flag("-q,--quiet", options->quiet, "No progress output");
  command->callback(
      [&, connect, options] { action = [=] { return Export(connect(), *options); }; });
}

}  // namespace boxcar::cli
