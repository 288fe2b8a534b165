#include "cli/build_command.h"

#include <limits.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <iostream>
#include <iterator>
#include <memory>
#include <optional>
#include <sstream>

#include "cli/context_tar.h"
#include "cli/human_format.h"
#include "cli/transfer_display.h"

namespace boxcar::cli {
namespace {

// Files per listing message: well below gRPC's 4 MB message limit with long paths.
constexpr int kListingBatch = 4096;
// How often a terminal sees the context's upload progress.
constexpr auto kContextProgressEvery = std::chrono::milliseconds(100);

struct BuildFlags {
  std::string context;
  std::string dockerfile;
  std::vector<std::string> tags;
  std::vector<std::string> build_args;
  std::vector<std::string> labels;
  std::string target;
  std::string backend;
  bool no_cache = false;
  bool pull = false;
  bool quiet = false;
};

bool ReadFile(const std::string& path, std::string* text) {
  if (path == "-") {
    text->assign(std::istreambuf_iterator<char>(std::cin), std::istreambuf_iterator<char>());
    return true;
  }
  std::ifstream in(path, std::ios::binary);
  if (!in) return false;
  std::stringstream buffer;
  buffer << in.rdbuf();
  *text = buffer.str();
  return true;
}

// "K=V" into `map`; "K" alone takes the value of the environment variable K (as Docker).
bool AddPairs(const std::vector<std::string>& pairs, const char* flag,
              google::protobuf::Map<std::string, std::string>* map) {
  for (const auto& pair : pairs) {
    size_t equals = pair.find('=');
    if (equals == 0 || pair.empty()) {
      std::fprintf(stderr, "boxcar: %s '%s': expected KEY=VALUE\n", flag, pair.c_str());
      return false;
    }
    if (equals == std::string::npos) {
      const char* value = std::getenv(pair.c_str());
      if (value) (*map)[pair] = value;
      continue;
    }
    (*map)[pair.substr(0, equals)] = pair.substr(equals + 1);
  }
  return true;
}

// A tar (plain, gzip, bzip2, xz or zstd) rather than a Dockerfile.
bool LooksLikeArchive(const std::string& bytes) {
  auto starts = [&](const char* magic, size_t size) {
    return bytes.size() >= size && bytes.compare(0, size, magic, size) == 0;
  };
  return starts("\x1f\x8b", 2) || starts("BZh", 3) || starts("\xfd" "7zXZ", 6) ||
         starts("\x28\xb5\x2f\xfd", 4) ||
         (bytes.size() >= 262 && bytes.compare(257, 5, "ustar") == 0);
}

int Build(AgentConnection& agent, const BuildFlags& flags) {
  v1::BuildRequest first;
  v1::BuildOptions& options = *first.mutable_options();
  // CONTEXT "-": stdin is a context tar (with its own Dockerfile, -f naming it inside) or the
  // Dockerfile itself (no context).
  const bool from_stdin = flags.context == "-";
  std::string stdin_context;
  if (from_stdin) {
    std::string input;
    ReadFile("-", &input);
    if (LooksLikeArchive(input)) {
      stdin_context = std::move(input);
      options.set_dockerfile_path(flags.dockerfile);
    } else if (flags.dockerfile.empty() || flags.dockerfile == "-") {
      options.set_dockerfile(std::move(input));
    } else if (!ReadFile(flags.dockerfile, options.mutable_dockerfile())) {
      std::fprintf(stderr, "boxcar: cannot read the Dockerfile '%s'\n", flags.dockerfile.c_str());
      return 1;
    }
  } else {
    struct stat context_stat;
    const bool found = ::stat(flags.context.c_str(), &context_stat) == 0;
    if (!found || !S_ISDIR(context_stat.st_mode)) {
      std::fprintf(stderr,
                   "boxcar build: context '%s': %s; give the directory to build from, or - "
                   "for stdin\n",
                   flags.context.c_str(), found ? "not a directory" : std::strerror(errno));
      return 1;
    }
    std::string dockerfile_path =
        flags.dockerfile.empty() ? flags.context + "/Dockerfile" : flags.dockerfile;
    if (!ReadFile(dockerfile_path, options.mutable_dockerfile())) {
      std::fprintf(stderr, "boxcar build: cannot read the Dockerfile '%s': %s\n",
                   dockerfile_path.c_str(), std::strerror(errno));
      return 1;
    }
  }
  for (const auto& tag : flags.tags) options.add_tags(tag);
  if (!AddPairs(flags.build_args, "--build-arg", options.mutable_build_args()) ||
      !AddPairs(flags.labels, "--label", options.mutable_labels())) {
    return 1;
  }
  options.set_target(flags.target);
  options.set_no_cache(flags.no_cache);
  options.set_pull(flags.pull);
  options.set_backend(flags.backend);

  DockerIgnore ignore;
  if (!from_stdin) {
    std::string text;
    if (ReadFile(flags.context + "/.dockerignore", &text)) ignore = DockerIgnore(text);
  }
  if (!from_stdin && !flags.no_cache) {
    // The same directory on the same host finds the agent's kept copy of its last context.
    char host[256] = "";
    (void)::gethostname(host, sizeof host - 1);
    char* real = ::realpath(flags.context.c_str(), nullptr);
    if (real) {
      options.set_context_reuse_key(std::string(host) + ":" + real);
      std::free(real);
    }
  }
  std::vector<ContextEntry> entries;
  if (!from_stdin) {
    if (std::string error = ListContext(flags.context, ignore, &entries); !error.empty()) {
      std::fprintf(stderr, "boxcar: build context: %s\n", error.c_str());
      return 1;
    }
  }
  grpc::ClientContext context;
  auto stream = agent.builds().Build(&context);
  bool sent = stream->Write(first);
  for (size_t at = 0; sent && at < stdin_context.size(); at += 1 << 20) {
    v1::BuildRequest chunk;
    chunk.set_context_chunk(stdin_context.substr(at, 1 << 20));
    sent = stream->Write(chunk);
  }
  // A directory context is listed first: the agent asks only for the files that changed
  // since its previous build (--no-cache sends everything).
  std::vector<ContextEntry*> files;  // the regular ones, in listing order
  for (auto& entry : entries) {
    if (S_ISREG(entry.st.st_mode)) files.push_back(&entry);
  }
  if (sent && !options.context_reuse_key().empty()) {
    v1::BuildRequest listing;
    for (size_t i = 0; sent && i <= files.size(); ++i) {
      if (i == files.size() || listing.context_listing().files_size() == kListingBatch) {
        listing.mutable_context_listing()->set_last(i == files.size());
        sent = stream->Write(listing);
        listing.Clear();
        if (i == files.size()) break;
      }
      v1::ContextFile& file = *listing.mutable_context_listing()->add_files();
      const struct stat& st = files[i]->st;
      file.set_path(files[i]->path);
      file.set_size(static_cast<uint64_t>(st.st_size));
      file.set_mode(st.st_mode);
      file.set_mtime_ns(st.st_mtim.tv_sec * 1000000000LL + st.st_mtim.tv_nsec);
      file.set_ctime_ns(st.st_ctim.tv_sec * 1000000000LL + st.st_ctim.tv_nsec);
      file.set_inode(st.st_ino);
    }
    v1::BuildEvent answer;
    if (sent && stream->Read(&answer) && answer.has_context_wanted()) {
      for (ContextEntry* file : files) file->send = false;
      for (uint32_t index : answer.context_wanted().indices()) {
        if (index < files.size()) files[index]->send = true;
      }
    } else {
      sent = false;  // the agent refused the listing: Finish() says why
    }
  }
  if (sent && !from_stdin) {
    v1::BuildRequest chunk;
    // On a terminal, the bytes sent so far (every 100 ms); the files sent and kept are in the
    // result's summary line.
    const bool terminal = !flags.quiet && ::isatty(2);
    uint64_t bytes_sent = 0;
    auto last_shown = std::chrono::steady_clock::now();
    std::string error = WriteContextTar(flags.context, entries, [&](const std::string& bytes) {
      chunk.set_context_chunk(bytes);
      bytes_sent += bytes.size();
      if (terminal) {
        const auto now = std::chrono::steady_clock::now();
        if (now - last_shown > kContextProgressEvery) {
          last_shown = now;
          std::fprintf(stderr, "\rsending the build context  %s   ",
                       HumanBytes(bytes_sent).c_str());
        }
      }
      return stream->Write(chunk);
    });
    if (!error.empty() && error.find("the agent stopped") == std::string::npos) {
      context.TryCancel();
      if (terminal) std::fputs("\n", stderr);
      std::fprintf(stderr, "boxcar: build context: %s\n", error.c_str());
      return 1;
    }
    if (terminal) {
      std::fprintf(stderr, "\rsent the build context  %s   \n", HumanBytes(bytes_sent).c_str());
    }
  }
  stream->WritesDone();
  v1::BuildEvent event;
  std::string image_id;
  // A FROM image's --pull, shown as `image pull` shows it; closed by the next event.
  std::optional<TransferDisplay> pull_display;
  while (stream->Read(&event)) {
    if (event.has_pull_progress()) {
      if (!pull_display) pull_display.emplace(flags.quiet);
      pull_display->Update(event.pull_progress());
      continue;
    }
    if (pull_display) {
      pull_display->Finish();
      pull_display.reset();
    }
    if (event.has_step() && !flags.quiet) {
      std::printf("STEP %u/%u: %s\n", event.step().number(), event.step().total(),
                  event.step().instruction().c_str());
    } else if (event.has_output() && !flags.quiet) {
      std::fwrite(event.output().data(), 1, event.output().size(), stdout);
    } else if (event.has_step_done() && !flags.quiet) {
      if (event.step_done().cached()) std::printf("--> CACHED\n");
      if (!event.step_done().image_id().empty()) {
        std::printf("--> %s\n", event.step_done().image_id().substr(7, 12).c_str());
      }
    } else if (event.has_result()) {
      image_id = event.result().image_id();
      for (const auto& warning : event.result().warnings()) {
        std::fprintf(stderr, "[Warning] %s\n", warning.c_str());
      }
      if (!flags.quiet) {
        for (const auto& reference : event.result().references()) {
          std::printf("Successfully tagged %s\n", reference.c_str());
        }
        std::printf("%u RUN steps executed, %u steps from the cache\n",
                    event.result().run_steps_executed(), event.result().cached_steps());
        if (!options.context_reuse_key().empty()) {
          std::printf("context: %u files sent, %u kept by the agent from the last build\n",
                      event.result().context_files_sent(), event.result().context_files_reused());
        }
      }
    }
    std::fflush(stdout);
  }
  grpc::Status status = stream->Finish();
  if (!status.ok()) return agent.Report(status);
  std::printf("%s\n", image_id.c_str());
  return 0;
}

}  // namespace

void AddBuildCommand(CLI::App& app, std::function<AgentConnection&()> connect,
                     std::function<int()>& action) {
  auto flags = std::make_shared<BuildFlags>();
  CLI::App* build = app.add_subcommand("build", "Build an image from a Dockerfile");
  build->add_option("context", flags->context,
                    "Context directory, or - (stdin: a context tar, or the Dockerfile alone)")
      ->required();
  build->add_option("-t,--tag", flags->tags, "name[:tag] of the image (repeatable)");
  build->add_option("-f,--file", flags->dockerfile, "Dockerfile (default CONTEXT/Dockerfile; - for stdin)");
  build->add_option("--build-arg", flags->build_args, "KEY=VALUE for an ARG (repeatable)");
  build->add_option("--label", flags->labels, "KEY=VALUE label of the image (repeatable)");
  build->add_option("--target", flags->target, "Build up to this stage");
  build->add_option("--backend", flags->backend, "Backend of the RUN containers");
  build->add_flag("--no-cache", flags->no_cache, "Run every step again");
  build->add_flag("--pull", flags->pull, "Pull every FROM image from its registry first");
  build->add_flag("-q,--quiet", flags->quiet, "Print only the image id");
  build->callback([&, connect, flags] { action = [=] { return Build(connect(), *flags); }; });
}

}  // namespace boxcar::cli
