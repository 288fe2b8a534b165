#include "cli/image_save_command.h"

#include <cstdio>
#include <memory>

#include "cli/tar_output.h"

namespace boxcar::cli {

namespace {

struct SaveOptions {
  std::vector<std::string> images;
  std::string output;
  std::string format;  // empty: both layouts in one tar
  bool quiet = false;
};

int Save(AgentConnection& agent, const SaveOptions& options) {
  v1::SaveImagesRequest request;
  for (const auto& image : options.images) request.add_images(image);
  if (options.format.empty() || options.format == "oci+docker") {
    request.set_format(v1::ARCHIVE_FORMAT_OCI_DOCKER);
  } else if (options.format == "oci") {
    request.set_format(v1::ARCHIVE_FORMAT_OCI);
  } else if (options.format == "docker") {
    request.set_format(v1::ARCHIVE_FORMAT_DOCKER);
  } else {
    std::fprintf(stderr, "boxcar image save: --format '%s' is unknown; use oci or docker (or none: both in one tar)\n",
                 options.format.c_str());
    return 1;
  }
  auto output = TarOutput::Open("boxcar image save", options.output);
  if (!output.ok()) {
    std::fprintf(stderr, "%s\n", output.status().message().c_str());
    return 1;
  }
  auto fail = [&](const Status& failed) {
    std::fprintf(stderr, "boxcar image save: %s\n", failed.message().c_str());
    return 1;
  };

  TarProgress progress("saving", !options.quiet);
  grpc::ClientContext context;
  auto reader = agent.images().Save(&context, request);
  grpc::Status status = ReceiveTar(context, *reader, *output, progress);
  if (!status.ok()) return agent.Report(status);  // the temporary file goes with `output`
  if (Status finished = output->Finish(); !finished.ok()) return fail(finished);
  return 0;
}

}  // namespace

void AddImageSaveCommand(CLI::App* image, std::function<AgentConnection&()> connect,
                         std::function<int()>& action) {
  auto options = std::make_shared<SaveOptions>();
  CLI::App* save = image->add_subcommand(
      "save",
      "Export images as one tar that is both an OCI layout and a docker-archive (as Docker 25 "
      "writes it), or as either alone");
  save->add_option("image", options->images, "References, ids or id prefixes")->required();
  save->add_option("-o,--output", options->output, "File to write (default: stdout)");
  save->add_option("--format", options->format,
                   "oci or docker for the pure forms (default: both in one tar)");
  save->add_flag("-q,--quiet", options->quiet, "No progress output");
  save->callback([&, connect, options] { action = [=] { return Save(connect(), *options); }; });
}

}  // namespace boxcar::cli
