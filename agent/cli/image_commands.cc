#include "cli/image_commands.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <cstring>
#include <memory>

#include "cli/config_change.h"
#include "cli/distribution_commands.h"
#include "cli/docker_image_view.h"
#include "cli/for_each_name.h"
#include "cli/format_template.h"
#include "cli/human_format.h"
#include "cli/image_history_command.h"
#include "cli/image_listing.h"
#include "cli/image_save_command.h"
#include "cli/json_output.h"

namespace boxcar::cli {

namespace {

struct ImageListOptions {
  bool all = false;
  bool json = false;
  bool quiet = false;
  bool no_trunc = false;
  std::vector<std::string> filters;
  std::string format;
};

struct ImportOptions {
  std::string file;
  std::string reference;
  std::vector<std::string> cmd;
  std::vector<std::string> entrypoint;
  std::vector<std::string> env;
  std::string working_dir;
  std::string user;
  std::string digest;
  std::vector<std::string> changes;  // --change, Docker's
  std::string message;
  bool quiet = false;
  bool load = false;  // `load`: Docker's "Loaded image: ..." lines instead of the id
};

// Shows "importing busybox:latest  12.0 MiB / 24.0 MiB (50%)" on a terminal while the bytes
// go, then "... layers 2/4" while the agent checks and unpacks them, rewritten in place at most
// every 100 ms. Elsewhere (a log, a pipe) one line when the upload ends and one per layer, as
// pull and push print theirs.
class ImportProgress {
 public:
  ImportProgress(std::string label, uint64_t total, bool enabled)
      : label_(std::move(label)), total_(total), enabled_(enabled), terminal_(::isatty(2)) {}
  void Update(uint64_t sent, bool final) {
    sent_ = sent;
    Show(final);
  }
  void Layers(uint32_t done, uint32_t total) {
    layers_done_ = done;
    layers_total_ = total;
    Show(false);
  }
  void Show(bool final) {
    if (!enabled_) return;
    std::string bytes = HumanBytes(sent_);
    if (total_ > 0) {
      bytes += " / " + HumanBytes(total_) + " (" + std::to_string(sent_ * 100 / total_) + "%)";
    }
    std::string layers = layers_total_ ? "  layers " + std::to_string(layers_done_) + "/" +
                                             std::to_string(layers_total_)
                                       : "";
    if (!terminal_) {
      if (final || layers_done_ != layers_printed_) {
        layers_printed_ = layers_done_;
        std::fprintf(stderr, "importing %s  %s%s\n", label_.c_str(), bytes.c_str(),
                     layers.c_str());
      }
      return;
    }
    auto now = std::chrono::steady_clock::now();
    const bool layers_finished = layers_total_ > 0 && layers_done_ == layers_total_;
    if (!final && !layers_finished && now - last_ < std::chrono::milliseconds(100)) return;
    last_ = now;
    std::fprintf(stderr, "\rimporting %s  %s%s   ", label_.c_str(), bytes.c_str(), layers.c_str());
    if (final) std::fputs("\n", stderr);
  }

 private:
  std::string label_;
  uint64_t total_;
  bool enabled_;
  bool terminal_;
  uint64_t sent_ = 0;
  uint32_t layers_done_ = 0;
  uint32_t layers_total_ = 0;
  uint32_t layers_printed_ = 0;
  std::chrono::steady_clock::time_point last_{};
};

int Import(AgentConnection& agent, const ImportOptions& options) {
  const char* command = options.load ? "boxcar load" : "boxcar image import";
  v1::CommitChanges changes;
  for (const auto& change : options.changes) {
    if (Status parsed = ParseConfigChange(change, &changes); !parsed.ok()) {
      std::fprintf(stderr, "%s: %s\n", command, parsed.message().c_str());
      return 1;
    }
  }
  int fd = options.file == "-" ? 0 : ::open(options.file.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    std::fprintf(stderr, "%s: cannot open '%s': %s\n", command, options.file.c_str(),
                 std::strerror(errno));
    return 1;
  }
  struct stat st {};
  uint64_t total =
      (::fstat(fd, &st) == 0 && S_ISREG(st.st_mode)) ? static_cast<uint64_t>(st.st_size) : 0;

  grpc::ClientContext context;
  auto writer = agent.images().Import(&context);
  v1::ImportRequest request;
  auto* header = request.mutable_header();
  header->set_reference(options.reference);
  header->set_total_bytes(total);
  header->set_expected_digest(options.digest);
  auto* config = header->mutable_config();
  for (const auto& arg : options.cmd) config->add_cmd(arg);
  for (const auto& arg : options.entrypoint) config->add_entrypoint(arg);
  for (const auto& entry : options.env) config->add_env(entry);
  config->set_working_dir(options.working_dir);
  config->set_user(options.user);
  ApplyConfigChanges(changes, config);
  header->set_message(options.message);
  ImportProgress progress(options.reference.empty() ? options.file : options.reference, total,
                          !options.quiet);
  bool open = writer->Write(request);
  request.Clear();
  uint64_t sent = 0;
  while (open) {
    // Read straight into the message: one copy of the archive less.
    std::string* chunk = request.mutable_chunk();
    chunk->resize(1 << 20);
    ssize_t n = ::read(fd, chunk->data(), chunk->size());
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) {
      std::fprintf(stderr, "boxcar: read '%s': %s\n", options.file.c_str(), std::strerror(errno));
      context.TryCancel();
      return 1;
    }
    if (n == 0) break;
    chunk->resize(static_cast<size_t>(n));
    open = writer->Write(request);
    sent += static_cast<uint64_t>(n);
    progress.Update(sent, false);
  }
  if (fd != 0) ::close(fd);
  writer->WritesDone();
  // The agent answers once it has every byte: the layers as it goes, then the image.
  v1::ImportResponse response;
  v1::Image image;
  while (writer->Read(&response)) {
    if (response.has_progress()) {
      progress.Layers(response.progress().layers_done(), response.progress().layers_total());
    }
    if (response.has_image()) image = response.image();
  }
  grpc::Status status = writer->Finish();
  progress.Update(sent, true);
  if (!status.ok()) return agent.Report(status);
  if (!options.load) {
    std::printf("%s\n", image.id().c_str());
  } else if (image.references().empty()) {
    std::printf("Loaded image ID: %s\n", image.id().c_str());
  } else {
    for (const auto& reference : image.references())
      std::printf("Loaded image: %s\n", reference.c_str());
  }
  return 0;
}

int List(AgentConnection& agent, const ImageListOptions& options) {
  auto filter = ImageFilter::Parse(options.filters);
  if (!filter.ok()) {
    std::fprintf(stderr, "boxcar images: %s\n", filter.status().message().c_str());
    return 1;
  }
  grpc::ClientContext context;
  v1::ListImagesRequest request;
  request.set_all(options.all);
  v1::ListImagesResponse response;
  grpc::Status status = agent.images().List(&context, request, &response);
  if (!status.ok()) return agent.Report(status);
  if (Status resolved = filter->Resolve(response.images()); !resolved.ok()) {
    std::fprintf(stderr, "boxcar images: %s\n", resolved.message().c_str());
    return 1;
  }
  std::vector<ImageRow> rows;
  for (const ImageRow& row : ImageRows(response.images())) {
    if (filter->Matches(row)) rows.push_back(row);
  }
  // An image once, for the forms that print images rather than rows.
  google::protobuf::RepeatedPtrField<v1::Image> images;
  for (size_t i = 0; i < rows.size(); ++i) {
    if (i == 0 || rows[i].image != rows[i - 1].image) *images.Add() = *rows[i].image;
  }
  if (options.json) {
    PrintJsonArray(images);
    return 0;
  }
  if (options.quiet) {
    // Short ids as Docker's (an id prefix names the image everywhere); --no-trunc: whole.
    for (const auto& image : images) {
      std::printf("%s\n", options.no_trunc ? image.id().c_str() : image.id().substr(7, 12).c_str());
    }
    return 0;
  }
  if (options.format == "json") {
    for (const auto& image : images) std::printf("%s\n", MessageToJson(image, false).c_str());
    return 0;
  }
  if (!options.format.empty() && options.format != "table") {
    auto lines = FormattedLines(
        options.format, rows.size(),
        [&](const std::string& format_template, int i) -> StatusOr<std::string> {
          return FormatImageRow(format_template, i < 0 ? nullptr : &rows[i], options.no_trunc);
        });
    if (!lines.ok()) {
      std::fprintf(stderr, "boxcar images: %s\n", lines.status().message().c_str());
      return 1;
    }
    for (const auto& line : *lines) std::printf("%s\n", line.c_str());
    return 0;
  }
  std::vector<std::vector<std::string>> table = {{"REFERENCE", "IMAGE ID", "CREATED", "SIZE"}};
  for (const ImageRow& row : rows) {
    const v1::Image& image = *row.image;
    std::string age = HumanDuration(NowUnixSeconds() - image.created_unix_seconds()) + " ago";
    std::string short_id = options.no_trunc ? image.id() : image.id().substr(7, 12);
    // Pulled by digest alone: listed by its repo digests, which resolve (Docker shows the name
    // with a <none> tag and the digest).
    std::string reference = row.repository;
    if (row.tag != "<none>") reference += ":" + row.tag;
    if (row.digest != "<none>") reference += "@" + row.digest;
    table.push_back({reference, short_id, age, HumanBytes(image.size_bytes())});
  }
  PrintTable(table);
  return 0;
}

int Inspect(AgentConnection& agent, const std::vector<std::string>& images,
            const std::string& format) {
  return InspectEach(
      agent, images, format, agent.images(), &v1::Images::Stub::Inspect,
      [](v1::InspectImageRequest* request, const std::string& name) { request->set_image(name); },
      DockerImageView);
}

int Tag(AgentConnection& agent, const std::string& image, const std::string& reference) {
  grpc::ClientContext context;
  v1::TagImageRequest request;
  request.set_image(image);
  request.set_reference(reference);
  v1::Image tagged;
  grpc::Status status = agent.images().Tag(&context, request, &tagged);
  if (!status.ok()) return agent.Report(status);
  return 0;
}

int Remove(AgentConnection& agent, const std::vector<std::string>& images, bool force) {
  int exit_code = 0;
  for (const auto& name : images) {
    grpc::ClientContext context;
    v1::RemoveImageRequest request;
    request.set_image(name);
    request.set_force(force);
    v1::RemoveImageResponse response;
    grpc::Status status = agent.images().Remove(&context, request, &response);
    if (!status.ok()) {
      exit_code = agent.Report(status);
      continue;
    }
    for (const auto& tag : response.untagged()) std::printf("Untagged: %s\n", tag.c_str());
    if (!response.deleted_id().empty()) std::printf("Deleted: %s\n", response.deleted_id().c_str());
  }
  return exit_code;
}

int Prune(AgentConnection& agent, bool all, bool json) {
  grpc::ClientContext context;
  v1::PruneImagesRequest request;
  request.set_all(all);
  v1::PruneImagesResponse response;
  grpc::Status status = agent.images().Prune(&context, request, &response);
  if (!status.ok()) return agent.Report(status);
  if (json) {
    std::printf("%s\n", MessageToJson(response, false).c_str());
    return 0;
  }
  for (const auto& id : response.deleted_ids()) std::printf("Deleted: %s\n", id.c_str());
  std::printf("Reclaimed: %s\n", HumanBytes(response.reclaimed_bytes()).c_str());
  return 0;
}

}  // namespace

namespace {

using Connect = std::function<AgentConnection&()>;

void AddImportCommand(CLI::App& parent, Connect connect, std::function<int()>& action) {
  auto import_options = std::make_shared<ImportOptions>();
  CLI::App* import_command = parent.add_subcommand(
      "import",
      "Import a rootfs tarball (plain, gzip or zstd), an OCI layout tar or a docker-archive");
  import_command->add_option("file", import_options->file, "Tarball, or - for stdin")->required();
  import_command->add_option(
      "reference", import_options->reference,
      "name[:tag] to give the image (needed for a rootfs tarball; an OCI layout or "
      "docker-archive tar keeps its own tags unless one is given)");
  import_command
      ->add_option("-c,--change", import_options->changes,
                   "Config of a rootfs tarball, as Docker's: CMD, ENTRYPOINT, ENV, WORKDIR or "
                   "USER (repeat the flag)")
      ->allow_extra_args(false);
  import_command->add_option("-m,--message", import_options->message,
                             "Comment recorded in the image history");
  import_command
      ->add_option("--cmd", import_options->cmd, "Default command (repeat for each argument)")
      ->allow_extra_args(false);
  import_command
      ->add_option("--entrypoint", import_options->entrypoint,
                   "Entrypoint (repeat for each argument)")
      ->allow_extra_args(false);
  import_command->add_option("--env", import_options->env, "Default environment KEY=value")
      ->allow_extra_args(false);
  import_command->add_option("--workdir", import_options->working_dir, "Default working directory");
  import_command->add_option("--user", import_options->user, "Default user");
  import_command->add_option("--digest", import_options->digest,
                             "Expected sha256:<hex> of the file; the import fails on a mismatch");
  import_command->add_flag("-q,--quiet", import_options->quiet, "No progress output");
  import_command->callback([&, connect, import_options] {
    action = [=] { return Import(connect(), *import_options); };
  });
}

// Docker's `load`: an image archive (OCI layout or docker-archive) from stdin or -i FILE.
void AddLoadCommand(CLI::App& parent, Connect connect, std::function<int()>& action) {
  auto load_options = std::make_shared<ImportOptions>();
  load_options->file = "-";
  load_options->load = true;
  CLI::App* load = parent.add_subcommand(
      "load", "Load images from an OCI layout tar or a docker-archive (`image save`'s output)");
  load->add_option("-i,--input", load_options->file, "Archive to read (default: stdin)");
  load->add_flag("-q,--quiet", load_options->quiet, "No progress output");
  load->callback(
      [&, connect, load_options] { action = [=] { return Import(connect(), *load_options); }; });
}

void AddListCommand(CLI::App& parent, const std::string& name, Connect connect,
                    std::function<int()>& action) {
  auto options = std::make_shared<ImageListOptions>();
  CLI::App* list = parent.add_subcommand(name, "List images");
  if (name == "ls") list->alias("list");
  list->add_flag("-a,--all", options->all, "Also the build cache's untagged step images");
  list->add_flag("--json", options->json, "Print JSON");
  list->add_flag("-q,--quiet", options->quiet, "Print only ids");
  list->add_flag("--no-trunc", options->no_trunc, "Whole ids (sha256:...)");
  list->add_option("-f,--filter", options->filters,
                   "dangling=true|false, reference=GLOB, label=KEY[=VALUE], before=IMAGE, "
                   "since=IMAGE (repeat the flag)")
      ->allow_extra_args(false);
  list->add_option("--format", options->format,
                   "table, json (one object per line) or a template such as "
                   "'{{.Repository}}:{{.Tag}}' (.ID .Repository .Tag .Digest .CreatedSince "
                   ".CreatedAt .Size)");
  list->callback([&, connect, options] { action = [=] { return List(connect(), *options); }; });
}

void AddTagCommand(CLI::App& parent, Connect connect, std::function<int()>& action) {
  auto tag_source = std::make_shared<std::string>();
  auto tag_target = std::make_shared<std::string>();
  CLI::App* tag = parent.add_subcommand("tag", "Add a reference to an image");
  tag->add_option("image", *tag_source, "Reference, id or id prefix")->required();
  tag->add_option("reference", *tag_target, "New name[:tag]")->required();
  tag->callback([&, connect, tag_source, tag_target] {
    action = [=] { return Tag(connect(), *tag_source, *tag_target); };
  });
}

void AddRemoveCommand(CLI::App& parent, const std::string& name, Connect connect,
                      std::function<int()>& action) {
  auto remove_names = std::make_shared<std::vector<std::string>>();
  auto remove_force = std::make_shared<bool>(false);
  CLI::App* remove = parent.add_subcommand(name, "Remove images or references");
  if (name == "rm") remove->alias("remove");
  remove->add_option("image", *remove_names, "Reference, id or id prefix")->required();
  remove->add_flag("-f,--force", *remove_force,
                   "Untag even when that would delete an image containers use (it stays)");
  remove->callback([&, connect, remove_names, remove_force] {
    action = [=] { return Remove(connect(), *remove_names, *remove_force); };
  });
}

}  // namespace

void AddImageCommands(CLI::App& app, std::function<AgentConnection&()> connect,
                      std::function<int()>& action) {
  CLI::App* image = app.add_subcommand("image", "Manage images")->require_subcommand(1);
  AddImagePullPushCommands(*image, connect, action);
  AddImportCommand(*image, connect, action);
  AddLoadCommand(*image, connect, action);
  AddListCommand(*image, "ls", connect, action);

  auto inspect_names = std::make_shared<std::vector<std::string>>();
  CLI::App* inspect = image->add_subcommand("inspect", "Show images as JSON");
  inspect->add_option("image", *inspect_names, "Reference, id or id prefix")->required();
  static bool json_always = true;
  inspect->add_flag("--json", json_always, "Print JSON (the default)");
  auto inspect_format = std::make_shared<std::string>();
  inspect->add_option("-f,--format", *inspect_format,
                      "A line per name from a template of its fields, Docker's or Boxcar's: "
                      "'{{.Id}}', '{{json .RootFS.Layers}}', '{{.references.0}}', "
                      "'{{json .config}}'");
  inspect->callback([&, connect, inspect_names, inspect_format] {
    action = [=] { return Inspect(connect(), *inspect_names, *inspect_format); };
  });

  AddTagCommand(*image, connect, action);
  AddRemoveCommand(*image, "rm", connect, action);

  auto prune_all = std::make_shared<bool>(false);
  auto prune_json = std::make_shared<bool>(false);
  CLI::App* prune = image->add_subcommand(
      "prune", "Delete untagged images no container uses (with -a: every unused image)");
  prune->add_flag("-a,--all", *prune_all,
                  "Also delete tagged images and the build cache that no container uses, "
                  "and the build contexts kept for the next build");
  prune->add_flag("--json", *prune_json, "Print JSON");
  prune->callback([&, connect, prune_all, prune_json] {
    action = [=] { return Prune(connect(), *prune_all, *prune_json); };
  });

  AddImageSaveCommand(image, connect, action);
  AddImageHistoryCommand(image, connect, action);
}

void AddTopLevelImageCommands(CLI::App& app, std::function<AgentConnection&()> connect,
                              std::function<int()>& action) {
  AddImagePullPushCommands(app, connect, action);
  AddImportCommand(app, connect, action);
  AddLoadCommand(app, connect, action);
  AddListCommand(app, "images", connect, action);
  AddTagCommand(app, connect, action);
  AddRemoveCommand(app, "rmi", connect, action);
  AddImageSaveCommand(&app, connect, action);
  AddImageHistoryCommand(&app, connect, action);
}

}  // namespace boxcar::cli
