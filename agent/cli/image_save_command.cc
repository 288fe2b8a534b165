#include "cli/image_save_command.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <cstring>
#include <memory>

#include "cli/human_format.h"

namespace boxcar::cli {

namespace {

struct SaveOptions {
  std::vector<std::string> images;
  std::string output;
  std::string format;  // empty: both layouts in one tar
  bool quiet = false;
};

bool WriteAll(int fd, const std::string& bytes) {
  size_t done = 0;
  while (done < bytes.size()) {
    ssize_t n = ::write(fd, bytes.data() + done, bytes.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return false;
    done += static_cast<size_t>(n);
  }
  return true;
}

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
  // A file appears complete or not at all: written beside it, then renamed.
  std::string temp_path;
  int fd = 1;
  if (options.output.empty()) {
    if (::isatty(1)) {
      std::fprintf(stderr,
                   "boxcar image save: refusing to write a tar to a terminal; pass -o FILE or "
                   "redirect stdout\n");
      return 1;
    }
  } else {
    temp_path = options.output + ".partial-XXXXXX";
    fd = ::mkstemp(temp_path.data());
    if (fd < 0) {
      std::fprintf(stderr, "boxcar image save: cannot create '%s': %s\n", temp_path.c_str(),
                   std::strerror(errno));
      return 1;
    }
    ::fchmod(fd, 0644);
  }
  auto fail = [&](const std::string& message) {
    if (!temp_path.empty()) ::unlink(temp_path.c_str());
    std::fprintf(stderr, "boxcar image save: %s\n", message.c_str());
    return 1;
  };

  const bool progress = !options.quiet && ::isatty(2);
  auto last = std::chrono::steady_clock::now();
  uint64_t written = 0;
  grpc::ClientContext context;
  auto reader = agent.images().Save(&context, request);
  v1::SaveChunk chunk;
  while (reader->Read(&chunk)) {
    if (!WriteAll(fd, chunk.data())) {
      context.TryCancel();
      reader->Finish();
      return fail(std::string("write failed: ") + std::strerror(errno));
    }
    written += chunk.data().size();
    if (progress && std::chrono::steady_clock::now() - last > std::chrono::milliseconds(100)) {
      last = std::chrono::steady_clock::now();
      std::fprintf(stderr, "\rsaving  %s   ", HumanBytes(written).c_str());
    }
  }
  grpc::Status status = reader->Finish();
  if (progress) std::fprintf(stderr, "\rsaving  %s   \n", HumanBytes(written).c_str());
  if (!status.ok()) {
    if (!temp_path.empty()) ::unlink(temp_path.c_str());
    return agent.Report(status);
  }
  if (!temp_path.empty()) {
    if (::fsync(fd) != 0 || ::close(fd) != 0) return fail("fsync failed");
    if (::rename(temp_path.c_str(), options.output.c_str()) != 0) {
      return fail("rename to '" + options.output + "' failed: " + std::strerror(errno));
    }
  }
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
