#include "cli/cp_command.h"

#include <dirent.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <memory>
#include <optional>
#include <tuple>
#include <vector>

#include "cli/tar_extract_to_dir.h"
#include "cli/tar_writer.h"

namespace boxcar::cli {

namespace {

constexpr size_t kStdinChunk = 1 << 20;

struct ContainerPath {
  std::string container;
  std::string path;
};

// "NAME:PATH" names a container's path; a host path with a colon is written "./a:b" or "/a:b".
std::optional<ContainerPath> ParseContainerPath(const std::string& argument) {
  if (argument.empty() || argument[0] == '/' || argument[0] == '.') return std::nullopt;
  size_t colon = argument.find(':');
  if (colon == std::string::npos || colon == 0) return std::nullopt;
  if (argument.substr(0, colon).find('/') != std::string::npos) return std::nullopt;
  return ContainerPath{argument.substr(0, colon), argument.substr(colon + 1)};
}

bool EndsWith(const std::string& text, const std::string& suffix) {
  return text.size() >= suffix.size() &&
         text.compare(text.size() - suffix.size(), suffix.size(), suffix) == 0;
}

// "a/b/" -> ("a", "b"); "b" -> (".", "b"); "/b" -> ("/", "b").
std::pair<std::string, std::string> SplitPath(std::string path) {
  while (path.size() > 1 && path.back() == '/') path.pop_back();
  size_t slash = path.rfind('/');
  if (slash == std::string::npos) return {".", path};
  return {slash == 0 ? "/" : path.substr(0, slash), path.substr(slash + 1)};
}

int Fail(const std::string& message) {
  std::fprintf(stderr, "boxcar cp: %s\n", message.c_str());
  return 1;
}

// Container -> host (or stdout).
int CopyOut(AgentConnection& agent, const ContainerPath& source, const std::string& dest) {
  grpc::ClientContext context;
  v1::CopyFromRequest request;
  request.set_container(source.container);
  request.set_path(source.path);
  auto reader = agent.containers().CopyFrom(&context, request);
  v1::CopyFromResponse response;
  if (!reader->Read(&response) || !response.has_stat()) {
    grpc::Status status = reader->Finish();
    return status.ok() ? Fail("the agent sent no answer") : agent.Report(status);
  }
  const v1::PathStat stat = response.stat();
  const bool source_is_dir = S_ISDIR(stat.mode());
  const bool contents = EndsWith(source.path, "/.");
  std::unique_ptr<TarExtractToDir> extract;
  if (dest != "-") {
    const std::string from_top = contents ? "." : (stat.name() == "/" ? "." : stat.name());
    struct stat existing;
    std::string dir, to_top;
    if (::stat(dest.c_str(), &existing) == 0 && S_ISDIR(existing.st_mode)) {
      // Into an existing directory: under the source's own name (its contents for "/.").
      dir = dest;
      to_top = contents ? "." : stat.name();
    } else if (::lstat(dest.c_str(), &existing) == 0) {
      if (source_is_dir) return Fail("cannot copy a directory onto the file '" + dest + "'");
      std::tie(dir, to_top) = SplitPath(dest);
    } else {
      if (EndsWith(dest, "/") && !source_is_dir)
        return Fail("'" + dest + "': no such directory");
      std::tie(dir, to_top) = SplitPath(dest);
      struct stat parent;
      if (::stat(dir.c_str(), &parent) != 0 || !S_ISDIR(parent.st_mode))
        return Fail("'" + dir + "': no such directory");
    }
    extract = std::make_unique<TarExtractToDir>(dir, from_top, to_top);
  }
  std::string error;
  while (error.empty() && reader->Read(&response)) {
    const std::string& chunk = response.chunk();
    if (extract) {
      error = extract->Feed(chunk);
    } else if (std::fwrite(chunk.data(), 1, chunk.size(), stdout) != chunk.size()) {
      error = std::string("write to stdout: ") + std::strerror(errno);
    }
  }
  if (!error.empty()) {
    context.TryCancel();
    reader->Finish();
    return Fail(error);
  }
  grpc::Status status = reader->Finish();
  if (!status.ok()) return agent.Report(status);
  if (extract) {
    if (std::string finished = extract->Finish(); !finished.empty()) return Fail(finished);
  }
  std::fflush(stdout);
  return 0;
}

// A host path as a tar whose top member is `top`, everything below a directory included.
std::string WriteHostTree(const std::string& path, const std::string& name, TarWriter& tar) {
  struct stat st;
  if (::lstat(path.c_str(), &st) != 0) return "'" + path + "': " + std::strerror(errno);
  if (S_ISDIR(st.st_mode)) {
    if (name != "." && !tar.Header(name + "/", st, '5', "")) return "the agent stopped reading";
    std::vector<std::string> children;
    std::unique_ptr<DIR, int (*)(DIR*)> dir(::opendir(path.c_str()), ::closedir);
    if (!dir) return "'" + path + "': " + std::strerror(errno);
    while (struct dirent* child = ::readdir(dir.get())) {
      std::string child_name = child->d_name;
      if (child_name != "." && child_name != "..") children.push_back(child_name);
    }
    std::sort(children.begin(), children.end());
    for (const auto& child : children) {
      std::string error =
          WriteHostTree(path + "/" + child, name == "." ? child : name + "/" + child, tar);
      if (!error.empty()) return error;
    }
    return "";
  }
  if (S_ISREG(st.st_mode)) {
    std::string error;
    if (!tar.Header(name, st, '0', "") ||
        !tar.File(path, static_cast<uint64_t>(st.st_size), &error)) {
      return error.empty() ? "the agent stopped reading" : error;
    }
    return "";
  }
  if (S_ISLNK(st.st_mode)) {
    std::string target(static_cast<size_t>(st.st_size) + 256, '\0');
    ssize_t n = ::readlink(path.c_str(), target.data(), target.size());
    if (n < 0) return "readlink '" + path + "': " + std::strerror(errno);
    target.resize(static_cast<size_t>(n));
    return tar.Header(name, st, '2', target) ? "" : "the agent stopped reading";
  }
  std::fprintf(stderr, "boxcar cp: skipping '%s': only files, directories and symlinks\n",
               path.c_str());
  return "";
}

// Host (or stdin) -> container.
int CopyIn(AgentConnection& agent, const std::string& source, const ContainerPath& dest) {
  // Where the tar goes and what its top member is called, from what the destination is.
  std::string target_dir = dest.path, top;
  const bool from_stdin = source == "-";
  struct stat source_stat {};
  if (!from_stdin && ::lstat(source.c_str(), &source_stat) != 0)
    return Fail("'" + source + "': " + std::strerror(errno));
  const bool source_is_dir = S_ISDIR(source_stat.st_mode);
  const bool contents = EndsWith(source, "/.");
  {
    grpc::ClientContext context;
    v1::StatPathRequest request;
    request.set_container(dest.container);
    request.set_path(dest.path);
    v1::PathStat existing;
    grpc::Status status = agent.containers().StatPath(&context, request, &existing);
    const bool exists = status.ok();
    if (!exists && status.error_code() != grpc::StatusCode::NOT_FOUND) return agent.Report(status);
    const bool is_dir = exists && (S_ISDIR(existing.mode()) || S_ISLNK(existing.mode()));
    if (from_stdin) {
      if (!exists) return Fail("'" + dest.path + "': no such directory in the container");
    } else if (is_dir) {
      top = contents ? "." : SplitPath(source).second;
    } else if (exists) {
      if (source_is_dir) return Fail("cannot copy a directory onto the file '" + dest.path + "'");
      std::tie(target_dir, top) = SplitPath(dest.path);
    } else {
      if (EndsWith(dest.path, "/") && !source_is_dir)
        return Fail("'" + dest.path + "': no such directory in the container");
      std::tie(target_dir, top) = SplitPath(dest.path);
    }
  }
  grpc::ClientContext context;
  v1::CopyToResponse response;
  auto writer = agent.containers().CopyTo(&context, &response);
  v1::CopyToRequest header;
  header.mutable_header()->set_container(dest.container);
  header.mutable_header()->set_path(target_dir);
  std::string error;
  if (writer->Write(header)) {
    std::function<bool(const std::string&)> sink = [&](const std::string& bytes) {
      v1::CopyToRequest chunk;
      chunk.set_chunk(bytes);
      return writer->Write(chunk);
    };
    if (from_stdin) {
      std::string buffer(kStdinChunk, '\0');
      for (;;) {
        size_t n = std::fread(buffer.data(), 1, buffer.size(), stdin);
        if (n == 0) break;
        if (!sink(buffer.substr(0, n))) break;
      }
    } else {
      TarWriter tar(sink);
      error = WriteHostTree(contents ? source.substr(0, source.size() - 2) : source, top, tar);
      if (error.empty() && !tar.Finish()) error = "the agent stopped reading";
    }
  }
  writer->WritesDone();
  grpc::Status status = writer->Finish();
  if (!status.ok()) return agent.Report(status);
  if (!error.empty()) return Fail(error);
  return 0;
}

struct CpOptions {
  std::string source;
  std::string dest;
};

int Cp(AgentConnection& agent, const CpOptions& options) {
  auto from = ParseContainerPath(options.source);
  auto to = ParseContainerPath(options.dest);
  if (from && to) {
    return Fail(
        "copying between containers is not supported; copy to the host first (boxcar cp "
        "CONTAINER:PATH DIR), then from there into the other container");
  }
  if (!from && !to) return Fail("one of the paths must be CONTAINER:PATH");
  if (from) {
    if (from->path.empty() || from->path[0] != '/') from->path = "/" + from->path;
    return CopyOut(agent, *from, options.dest);
  }
  if (to->path.empty() || to->path[0] != '/') to->path = "/" + to->path;
  return CopyIn(agent, options.source, *to);
}

}  // namespace

void AddCpCommand(CLI::App& app, std::function<AgentConnection&()> connect,
                  std::function<int()>& action) {
  auto options = std::make_shared<CpOptions>();
  CLI::App* cp = app.add_subcommand(
      "cp", "Copy files between a container and the host (CONTAINER:PATH; - is a tar stream)");
  cp->add_option("source", options->source, "CONTAINER:SRC_PATH, a host path or -")->required();
  cp->add_option("dest", options->dest, "CONTAINER:DEST_PATH, a host path or -")->required();
  cp->callback([&, connect, options] { action = [=] { return Cp(connect(), *options); }; });
}

}  // namespace boxcar::cli
