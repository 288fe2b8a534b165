#include "build/image_builder.h"

#include <fcntl.h>
#include <spdlog/spdlog.h>
#include <stdlib.h>
#include <strings.h>
#include <sys/stat.h>

#include <algorithm>

#include "build/copy_into_layer.h"
#include "build/dockerfile_stages.h"
#include "build/image_root_mount.h"
#include "build/metadata_instructions.h"
#include "build/platform_args.h"
#include "build/predefined_args.h"
#include "build/run_step.h"
#include "build/url_download.h"
#include "common/directory_tree.h"
#include "common/fd_io.h"
#include "common/identifiers.h"
#include "common/sha256.h"
#include "common/unique_fd.h"

namespace boxcar {
namespace {

// More layers than an overlay mount of the image can stack.
constexpr size_t kMaxLayers = 120;

Status AtLine(const DockerfileInstruction& instruction, const Status& status) {
  if (status.ok()) return status;
  return Status(status.code(), "Dockerfile line " + std::to_string(instruction.line) + ": " +
                                   instruction.keyword + ": " + status.message());
}

// A scratch directory removed with its owner.
struct ScratchDir {
  std::string path;
  ~ScratchDir() {
    if (!path.empty()) (void)RemoveTree(path);
  }
};

// A Dockerfile in the context, at most kMaxDockerfileBytes.
StatusOr<std::string> ReadDockerfile(const std::string& path) {
  UniqueFd fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NOFOLLOW));
  if (!fd) return ErrnoStatus("options.dockerfile_path: open '" + path + "'");
  struct stat st;
  if (::fstat(fd.get(), &st) != 0 || !S_ISREG(st.st_mode)) {
    return InvalidArgument("options.dockerfile_path: not a regular file");
  }
  if (static_cast<uint64_t>(st.st_size) > kMaxDockerfileBytes) {
    return InvalidArgument("Dockerfile: " + std::to_string(st.st_size) +
                           " bytes, more than the " + std::to_string(kMaxDockerfileBytes) +
                           " accepted");
  }
  return ReadAll(fd.get(), "Dockerfile '" + path + "'");
}

}  // namespace

struct ImageBuilder::Run {
  ImageBuilder& builder;
  const v1::BuildOptions& options;
  const std::string& context_dir;
  const std::string& scratch_dir;
  const BuildEventSink& events;
  const ContainerService::CancelCheck& cancelled;
  FileDigests* context_digests;
  Dockerfile dockerfile;
  BuildVariables global_args;
  std::vector<BuildStage> stages;
  std::map<std::string, std::string> build_args;
  std::set<std::string> declared_args;  // ARG names of the global part and the stages built
  uint32_t step = 0;
  uint32_t total = 0;
  v1::BuildResult result;

  bool client_gone = false;  // an event could not be sent

  bool Emit(const v1::BuildEvent& event) {
    if (!events(event)) client_gone = true;
    return !client_gone;
  }

  // For the long parts of a step (a download, a pull, a copy): true once the caller is gone.
  std::function<bool()> CancelCheck() {
    return [this] { return client_gone || (cancelled && cancelled()); };
  }

  Status Cancelled() { return Status(StatusCode::kCancelled, "the client went away"); }

  Status BeginStep(const DockerfileInstruction& instruction) {
    v1::BuildEvent event;
    auto* begun = event.mutable_step();
    begun->set_number(++step);
    begun->set_total(total);
    begun->set_instruction(instruction.original);
    begun->set_line(static_cast<uint32_t>(instruction.line));
    return Emit(event) ? OkStatus() : Cancelled();
  }

  void EndStep(bool cached, const std::string& image_id) {
    v1::BuildEvent event;
    event.mutable_step_done()->set_cached(cached);
    event.mutable_step_done()->set_image_id(image_id);
    Emit(event);
  }

  std::string ArgsKey(const BuildStage& stage) const {
    std::string key;
    for (const auto& [name, value] : stage.args) key += name + "=" + value + "\x1f";
    return key;
  }

  // The stage's state becomes `image` (stored or from the cache).
  Status Adopt(BuildStage& stage, const v1::Image& image) {
    ASSIGN_OR_RETURN(std::string json, builder.images_->ReadImageConfig(image.id()));
    ASSIGN_OR_RETURN(stage.config, BuildImageConfig::FromJson(json));
    stage.parent_id = image.id();
    stage.layer_digests.clear();
    for (const auto& layer : image.layers()) stage.layer_digests.push_back(layer.digest());
    stage.pending_key.clear();
    return OkStatus();
  }

  // A layer step: from the cache under `key`, or `make` fills a fresh layer directory (or
  // names one, e.g. a RUN container's upper directory) and hands it to the store function
  // it gets (adopt: the directory itself becomes the layer's).
  Status LayerStep(BuildStage& stage, const std::string& key, const std::string& created_by,
                   const std::function<Status(const std::function<Status(const std::string&,
                                                                        bool)>&)>& make) {
    if (stage.layer_digests.size() >= kMaxLayers) {
      return ResourceExhausted("more than " + std::to_string(kMaxLayers) +
                               " layers; merge RUN steps");
    }
    const std::string parent = stage.parent_id.empty() ? "scratch" : stage.parent_id;
    const std::string step_key = Sha256Digest(stage.pending_key + "\x1e" + key);
    if (!options.no_cache()) {
      if (auto cached = builder.cache_->Lookup(parent, step_key)) {
        RETURN_IF_ERROR(Adopt(stage, *cached));
        result.set_cached_steps(result.cached_steps() + 1);
        EndStep(true, cached->id());
        return OkStatus();
      }
    }
    StatusOr<v1::Image> stored = Status(StatusCode::kInternal, "no layer made");
    RETURN_IF_ERROR(make([&](const std::string& layer_dir, bool adopt) {
      stored = builder.images_->StoreBuiltImage(
          stage.layer_digests, layer_dir,
          [&](const std::string& digest) {
            stage.config.AddLayer(digest);
            stage.config.AddHistory(created_by, false);
            return stage.config.ToJson();
          },
          adopt);
      return stored.status();
    }));
    RETURN_IF_ERROR(stored.status());
    if (!options.no_cache()) {
      if (Status recorded = builder.cache_->Record(parent, step_key, stored->id());
          !recorded.ok()) {
        spdlog::warn("build cache: {}", recorded.message());
      }
    }
    RETURN_IF_ERROR(Adopt(stage, *stored));
    EndStep(false, stored->id());
    return OkStatus();
  }

  // The end of a stage: its config changes since the last layer stored as an image.
  Status FinishStage(BuildStage& stage, bool last) {
    if (last) {
      for (const auto& [name, value] : options.labels()) {
        stage.config.SetLabel(name, value);
        stage.pending_key += "label " + name + "=" + value + "\n";
      }
    }
    if (stage.pending_key.empty() && !stage.parent_id.empty()) return OkStatus();
    const std::string parent = stage.parent_id.empty() ? "scratch" : stage.parent_id;
    const std::string step_key = Sha256Digest(stage.pending_key + "\x1e<end of stage>");
    if (!options.no_cache()) {
      if (auto cached = builder.cache_->Lookup(parent, step_key)) return Adopt(stage, *cached);
    }
    ASSIGN_OR_RETURN(v1::Image stored,
                     builder.images_->StoreBuiltImage(stage.layer_digests, "",
                                                      [&](const std::string&) {
                                                        return stage.config.ToJson();
                                                      }));
    if (!options.no_cache()) (void)builder.cache_->Record(parent, step_key, stored.id());
    return Adopt(stage, stored);
  }

  // As BuildKit and buildah: an image without PATH gets the default one.
  static void AddDefaultPath(BuildStage& stage) {
    for (const auto& entry : stage.config.GetStringArray("Env")) {
      if (entry.rfind("PATH=", 0) == 0) return;
    }
    stage.config.SetEnv("PATH", "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin");
    stage.pending_key += "default PATH\n";
  }

  Status From(const DockerfileInstruction& instruction, BuildStage& stage) {
    if (instruction.flags.count("platform")) {
      return Unimplemented("--platform is not supported: builds are for this host's platform");
    }
    std::vector<std::string> words = SplitRawWords(instruction.args, dockerfile.escape);
    if (words.size() != 1 && !(words.size() == 3 && ::strcasecmp(words[1].c_str(), "as") == 0)) {
      return InvalidArgument("expected FROM IMAGE [AS NAME], got '" + instruction.args + "'");
    }
    ASSIGN_OR_RETURN(std::string image, ExpandWord(words[0], global_args, dockerfile.escape));
    if (words.size() == 3) stage.name = StageNameKey(words[2]);
    if (image == "scratch") {
      AddDefaultPath(stage);
      return OkStatus();
    }
    for (const auto& earlier : stages) {
      if (!earlier.name.empty() && earlier.name == StageNameKey(image)) {
        stage.parent_id = earlier.parent_id;
        stage.layer_digests = earlier.layer_digests;
        ASSIGN_OR_RETURN(stage.config, BuildImageConfig::FromJson(earlier.config.ToJson()));
        return OkStatus();
      }
    }
    if (options.pull()) {
      if (!builder.puller_) return Unimplemented("--pull: this agent has no registry client");
      auto pulled = builder.puller_(
          image,
          [this](const v1::TransferProgress& progress) {
            v1::BuildEvent event;
            *event.mutable_pull_progress() = progress;
            Emit(event);
          },
          CancelCheck());
      if (!pulled.ok()) return pulled.status().Annotate("--pull of '" + image + "'");
    }
    auto base = builder.images_->Resolve(image, "FROM");
    if (!base.ok()) {
      return Status(base.status().code(),
                    "image '" + image + "' is not in the store (boxcar image pull or import it "
                    "first): " + base.status().message());
    }
    RETURN_IF_ERROR(Adopt(stage, *base));
    AddDefaultPath(stage);
    return OkStatus();
  }

  Status RunInstruction(const DockerfileInstruction& instruction, BuildStage& stage) {
    if (stage.parent_id.empty()) {
      return FailedPrecondition("the stage has no image yet (FROM scratch): nothing to run in");
    }
    if (!instruction.flags.empty()) {
      return Unimplemented("RUN --" + instruction.flags.begin()->first + " is not supported");
    }
    std::vector<std::string> shell = stage.config.GetStringArray("Shell");
    if (shell.empty()) shell = {"/bin/sh", "-c"};
    RunStepSpec spec;
    spec.image_id = stage.parent_id;
    spec.argv = CommandOf(instruction, shell);
    spec.env = stage.config.GetStringArray("Env");
    for (const auto& [name, value] : stage.args) {
      bool in_env = std::any_of(spec.env.begin(), spec.env.end(), [&](const std::string& e) {
        return e.substr(0, e.find('=')) == name;
      });
      if (!in_env) spec.env.push_back(name + "=" + value);
    }
    // The predefined proxy ARGs reach RUN without a declaration, and stay out of the cache
    // key and the history (as Docker).
    for (const std::string& proxy : PredefinedProxyArgs()) {
      auto given = build_args.find(proxy);
      if (given != build_args.end() && !stage.args.count(proxy)) {
        spec.env.push_back(proxy + "=" + given->second);
      }
    }
    spec.working_dir = stage.config.GetString("WorkingDir");
    spec.user = stage.config.GetString("User");
    spec.backend = options.backend();
    std::string created_by;
    if (!stage.args.empty()) {
      created_by = "|" + std::to_string(stage.args.size());
      for (const auto& [name, value] : stage.args) created_by += " " + name + "=" + value;
      created_by += " ";
    }
    for (size_t i = 0; i < spec.argv.size(); ++i) created_by += (i ? " " : "") + spec.argv[i];
    const std::string key = "RUN\x1f" + created_by + "\x1f" + ArgsKey(stage) +
                            options.backend();
    return LayerStep(stage, key, created_by, [&](const auto& store) {
      return RunBuildContainer(
          builder.containers_, builder.snapshotter_, spec,
          [&](const std::string& bytes) {
            v1::BuildEvent event;
            event.set_output(bytes);
            return Emit(event);
          },
          cancelled,
          [&](const std::string& upper_dir) {
            result.set_run_steps_executed(result.run_steps_executed() + 1);
            return store(upper_dir, false);
          });
    });
  }

  Status CopyInstruction(const DockerfileInstruction& instruction, BuildStage& stage) {
    const bool add = instruction.keyword == "ADD";
    const char escape = dockerfile.escape;
    const BuildVariables variables = stage.Variables();
    std::vector<std::string> words = instruction.exec_args;
    if (!instruction.exec_form) {
      ASSIGN_OR_RETURN(words, ExpandWords(instruction.args, variables, escape));
    } else {
      for (auto& word : words) {
        ASSIGN_OR_RETURN(word, ExpandWord(word, variables, escape));
      }
    }
    if (words.size() < 2) return InvalidArgument("needs at least one source and a destination");
    for (const auto& [flag, value] : instruction.flags) {
      if (flag == "checksum" && add) continue;
      // BuildKit's --link (a layer independent of the one below): the layer made is the same.
      if (flag == "link") continue;
      if (flag != "from" && flag != "chown" && flag != "chmod") {
        return Unimplemented("--" + flag + " is not supported");
      }
      if (flag == "from" && add) return InvalidArgument("ADD has no --from; use COPY --from");
    }
    // Where the sources come from: the context, or another stage / image.
    std::string root = context_dir;
    std::unique_ptr<ImageRootMount> from_root;
    std::string from_key;
    if (auto from = instruction.flags.find("from"); from != instruction.flags.end()) {
      ASSIGN_OR_RETURN(std::string name, ExpandWord(from->second, variables, escape));
      std::string image_id;
      for (const auto& earlier : stages) {
        if (&earlier != &stage &&
            (earlier.name == StageNameKey(name) || std::to_string(earlier.index) == name)) {
          image_id = earlier.parent_id;
        }
      }
      if (image_id.empty()) {
        auto image = builder.images_->Resolve(name, "COPY --from");
        if (!image.ok()) {
          return NotFound("--from=" + name + ": no earlier stage or image of that name");
        }
        image_id = image->id();
      }
      ASSIGN_OR_RETURN(std::vector<std::string> dirs, builder.images_->LayerDirectories(image_id));
      ASSIGN_OR_RETURN(from_root, ImageRootMount::Mount(dirs, scratch_dir));
      root = from_root->root();
      from_key = image_id;
    }
    std::string destination = words.back();
    words.pop_back();
    if (destination[0] != '/') {
      std::string base = stage.config.GetString("WorkingDir");
      if (base.empty()) base = "/";
      destination = base + (base.back() == '/' ? "" : "/") + destination;
    }
    std::vector<ContextSource> sources;
    for (const auto& pattern : words) {
      if (add && (pattern.rfind("http://", 0) == 0 || pattern.rfind("https://", 0) == 0)) {
        ASSIGN_OR_RETURN(std::string dir, MakeScratchDirectory("url", 0700));
        auto checksum = instruction.flags.find("checksum");
        ASSIGN_OR_RETURN(
            DownloadedFile file,
            DownloadUrl(pattern, dir, checksum == instruction.flags.end() ? "" : checksum->second,
                        0, CancelCheck()));
        sources.push_back({file.name, file.path, true});
        continue;
      }
      ASSIGN_OR_RETURN(auto matched, ResolveContextSources(root, pattern, !from_key.empty()));
      sources.insert(sources.end(), matched.begin(), matched.end());
    }
    ASSIGN_OR_RETURN(std::string digest,
                     SourcesDigest(sources, from_key.empty() ? context_digests : nullptr));
    ASSIGN_OR_RETURN(ImageRootfsView image_view, ViewOf(stage));
    CopyOptions copy;
    copy.destination = destination;
    copy.extract_archives = add;
    copy.cancelled = CancelCheck();
    if (auto chown = instruction.flags.find("chown"); chown != instruction.flags.end()) {
      ASSIGN_OR_RETURN(std::string owner, ExpandWord(chown->second, variables, escape));
      ASSIGN_OR_RETURN(copy.owner, image_view.ResolveOwner(owner));
    }
    if (auto chmod = instruction.flags.find("chmod"); chmod != instruction.flags.end()) {
      mode_t mode;
      if (!ParseOctalMode(chmod->second, &mode)) {
        return InvalidArgument("--chmod=" + chmod->second + ": expected an octal mode like 755");
      }
      copy.mode = mode;
    }
    std::string sources_text;
    for (const auto& source : sources) sources_text += " " + source.relative_path;
    const std::string created_by = "/bin/sh -c #(nop) " + instruction.keyword + " " +
                                   (from_key.empty() ? "" : "--from=" + from_key + " ") +
                                   digest + " in " + destination;
    const std::string key = instruction.original + "\x1f" + from_key + "\x1f" + sources_text +
                            "\x1f" + digest + "\x1f" + destination;
    return LayerStep(stage, key, created_by, [&](const auto& store) {
      ScratchDir layer;
      ASSIGN_OR_RETURN(layer.path, MakeScratchDirectory("copy", 0755));
      RETURN_IF_ERROR(CopyIntoLayer(sources, layer.path, copy, image_view));
      // The directory becomes the layer as it is: no second copy unpacked from the blob.
      return store(layer.path, true);
    });
  }

  // A new directory "PREFIX-XXXXXX" in the build's scratch directory, with `mode`.
  StatusOr<std::string> MakeScratchDirectory(const std::string& prefix, mode_t mode) {
    std::string pattern = scratch_dir + "/" + prefix + "-XXXXXX";
    std::vector<char> path(pattern.begin(), pattern.end());
    path.push_back('\0');
    if (!::mkdtemp(path.data())) return ErrnoStatus("mkdtemp '" + pattern + "'");
    if (::chmod(path.data(), mode) != 0) {
      Status failed = ErrnoStatus("chmod '" + std::string(path.data()) + "'");
      (void)::rmdir(path.data());
      return failed;
    }
    return std::string(path.data());
  }

  // The stage's image as its files are, read from its layers (scratch: none).
  StatusOr<ImageRootfsView> ViewOf(const BuildStage& stage) {
    if (stage.parent_id.empty()) return ImageRootfsView({});
    ASSIGN_OR_RETURN(auto dirs, builder.images_->LayerDirectories(stage.parent_id));
    return ImageRootfsView(std::move(dirs));
  }

  Status Instruction(const DockerfileInstruction& instruction, BuildStage& stage) {
    const std::string& keyword = instruction.keyword;
    if (keyword == "RUN") return RunInstruction(instruction, stage);
    if (keyword == "COPY" || keyword == "ADD") return CopyInstruction(instruction, stage);
    ArgSources arg_sources{&build_args, &global_args, &declared_args};
    std::string created_by;
    RETURN_IF_ERROR(ApplyMetadataInstruction(instruction, dockerfile.escape, arg_sources, stage,
                                             &created_by));
    stage.pending_key += instruction.original + "\x1f" + ArgsKey(stage) + "\n";
    if (keyword == "WORKDIR") return MakeWorkingDirectory(stage);
    EndStep(false, "");
    return OkStatus();
  }

  // As Docker: WORKDIR makes its directory when the image lacks it (a layer of its own).
  Status MakeWorkingDirectory(BuildStage& stage) {
    ASSIGN_OR_RETURN(ImageRootfsView image_view, ViewOf(stage));
    ASSIGN_OR_RETURN(std::string dir, image_view.Resolve(stage.config.GetString("WorkingDir"),
                                                         /*follow_last=*/true));
    if (auto existing = image_view.Stat(dir); existing && S_ISDIR(existing->st_mode)) {
      EndStep(false, "");
      return OkStatus();
    }
    return LayerStep(stage, "WORKDIR\x1f" + dir, "/bin/sh -c #(nop) mkdir " + dir + " (WORKDIR)",
                     [&](const auto& store) {
                       ScratchDir layer;
                       ASSIGN_OR_RETURN(layer.path, MakeScratchDirectory("workdir", 0755));
                       RETURN_IF_ERROR(MakeDirectoryInLayer(dir, layer.path, image_view));
                       return store(layer.path, true);
                     });
  }

  // The base image's ONBUILD triggers, run right after FROM.
  Status RunTriggers(const DockerfileInstruction& from, BuildStage& stage) {
    std::vector<std::string> triggers = stage.config.GetStringArray("OnBuild");
    if (triggers.empty()) return OkStatus();
    stage.config.SetStringArray("OnBuild", {});
    stage.pending_key += "onbuild cleared\n";
    for (const auto& trigger : triggers) {
      ASSIGN_OR_RETURN(Dockerfile parsed, ParseDockerfile(trigger));
      for (auto& instruction : parsed.instructions) {
        instruction.line = from.line;
        RETURN_IF_ERROR(AtLine(instruction, Instruction(instruction, stage))
                            .Annotate("ONBUILD trigger '" + trigger + "'"));
      }
    }
    return OkStatus();
  }

  Status Execute() {
    for (const auto& [name, value] : options.build_args()) build_args[name] = value;
    // BuildKit's automatic platform ARGs are global ones: FROM lines see them undeclared, a
    // stage gets one with `ARG NAME`. A --build-arg overrides one, as BuildKit's.
    for (const auto& [name, value] : AutomaticPlatformArgs(HostPlatform())) {
      auto given = build_args.find(name);
      global_args[name] = given != build_args.end() ? given->second : value;
    }
    const auto& instructions = dockerfile.instructions;
    // ARGs before the first FROM: the global ones, for FROM lines.
    size_t i = 0;
    for (; i < instructions.size() && instructions[i].keyword == "ARG"; ++i) {
      ASSIGN_OR_RETURN(auto declared,
                       ParseArgDeclarations(instructions[i].args, dockerfile.escape, global_args));
      for (const auto& [name, default_value] : declared) {
        declared_args.insert(name);
        auto given = build_args.find(name);
        if (given != build_args.end()) {
          global_args[name] = given->second;
        } else if (default_value) {
          global_args[name] = *default_value;
        } else {
          global_args.emplace(name, "");  // `ARG TARGETARCH` keeps the automatic value
        }
      }
    }
    if (i == instructions.size()) {
      return InvalidArgument("Dockerfile: no FROM instruction; a build starts with FROM IMAGE");
    }
    if (instructions[i].keyword != "FROM") {
      return AtLine(instructions[i],
                    InvalidArgument("comes before any FROM; a build starts with FROM IMAGE"));
    }
    // The stages to build: up to --target.
    ASSIGN_OR_RETURN(const size_t end, EndOfTargetStage(dockerfile, i, options.target()));
    total = static_cast<uint32_t>(end - i);
    for (; i < end; ++i) {
      const DockerfileInstruction& instruction = instructions[i];
      RETURN_IF_ERROR(BeginStep(instruction));
      if (instruction.keyword == "FROM") {
        if (!stages.empty()) RETURN_IF_ERROR(FinishStage(stages.back(), false));
        stages.emplace_back();
        stages.back().index = static_cast<int>(stages.size() - 1);
        RETURN_IF_ERROR(AtLine(instruction, From(instruction, stages.back())));
        EndStep(false, stages.back().parent_id);
        RETURN_IF_ERROR(RunTriggers(instruction, stages.back()));
        continue;
      }
      RETURN_IF_ERROR(AtLine(instruction, Instruction(instruction, stages.back())));
    }
    BuildStage& last = stages.back();
    RETURN_IF_ERROR(FinishStage(last, true));
    if (last.parent_id.empty()) {
      return InvalidArgument("the build produced an empty image (FROM scratch with no layers)");
    }
    result.set_image_id(last.parent_id);
    if (auto warning = UnconsumedBuildArgsWarning(build_args, declared_args)) {
      result.add_warnings(*warning);
    }
    for (const auto& tag : options.tags()) {
      auto tagged = builder.images_->Tag(last.parent_id, tag);
      if (!tagged.ok()) return tagged.status().Annotate("tag '" + tag + "'");
      result.add_references(tag);
    }
    return OkStatus();
  }
};

StatusOr<v1::BuildResult> ImageBuilder::Build(const v1::BuildOptions& options,
                                              const std::string& context_dir,
                                              const std::string& scratch_dir,
                                              const BuildEventSink& events,
                                              const ContainerService::CancelCheck& cancelled,
                                              FileDigests* context_digests) {
  std::string text = options.dockerfile();
  if (text.empty()) {
    // The context's own Dockerfile (a context sent as a tar).
    const std::string path =
        options.dockerfile_path().empty() ? "Dockerfile" : options.dockerfile_path();
    auto found = ResolveContextSources(context_dir, path);
    if (!found.ok()) {
      return InvalidArgument("options.dockerfile_path: " + found.status().message());
    }
    ASSIGN_OR_RETURN(text, ReadDockerfile(found->front().path));
  }
  ASSIGN_OR_RETURN(Dockerfile dockerfile, ParseDockerfile(text));
  Run run{*this,
          options,
          context_dir,
          scratch_dir,
          events,
          cancelled,
          context_digests,
          std::move(dockerfile),
          {},
          {},
          {},
          {},
          0,
          0,
          {}};
  RETURN_IF_ERROR(run.Execute());
  spdlog::info("built image {} ({} steps, {} cached, {} RUN executed)", ShortId(run.result.image_id()),
               run.step, run.result.cached_steps(), run.result.run_steps_executed());
  return run.result;
}

}  // namespace boxcar
