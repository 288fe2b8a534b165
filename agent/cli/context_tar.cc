#include "cli/context_tar.h"

#include "cli/tar_writer.h"

#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <vector>

namespace boxcar::cli {
namespace {

std::vector<std::string> SortedEntries(const std::string& dir) {
  std::vector<std::string> names;
  DIR* stream = ::opendir(dir.c_str());
  if (!stream) return names;
  while (struct dirent* entry = ::readdir(stream)) {
    std::string name = entry->d_name;
    if (name != "." && name != "..") names.push_back(name);
  }
  ::closedir(stream);
  std::sort(names.begin(), names.end());
  return names;
}

// Calls `visit` for every entry WriteContextTar sends (directories before their contents,
// in name order); `visit` returns "" or an error that stops the walk.
using Visitor = std::function<std::string(const std::string& path, const std::string& host,
                                          const struct stat& st)>;

std::string Walk(const std::string& root, const std::string& relative, const DockerIgnore& ignore,
                 const Visitor& visit) {
  std::string dir = relative.empty() ? root : root + "/" + relative;
  for (const auto& name : SortedEntries(dir)) {
    std::string path = relative.empty() ? name : relative + "/" + name;
    std::string host = root + "/" + path;
    struct stat st;
    if (::lstat(host.c_str(), &st) != 0) {
      return "lstat '" + host + "': " + std::strerror(errno);
    }
    bool excluded = ignore.Excluded(path);
    if (S_ISDIR(st.st_mode)) {
      if (excluded && !ignore.HasExceptions()) continue;
      if (!excluded) {
        if (std::string error = visit(path, host, st); !error.empty()) return error;
      }
      if (std::string error = Walk(root, path, ignore, visit); !error.empty()) return error;
      continue;
    }
    if (excluded || !(S_ISREG(st.st_mode) || S_ISLNK(st.st_mode))) continue;
    if (std::string error = visit(path, host, st); !error.empty()) return error;
  }
  return "";
}

}  // namespace

std::string WriteContextTar(const std::string& context_dir, const DockerIgnore& ignore,
                            const std::function<bool(const std::string&)>& sink,
                            const std::function<bool(const std::string&)>& send_file) {
  TarWriter tar(sink);
  const char* stopped = "the agent stopped reading";
  std::string error = Walk(context_dir, "", ignore,
                           [&](const std::string& path, const std::string& host,
                               const struct stat& st) -> std::string {
    if (S_ISDIR(st.st_mode)) return tar.Header(path + "/", st, '5', "") ? "" : stopped;
    if (S_ISLNK(st.st_mode)) {
      char target[4096];
      ssize_t length = ::readlink(host.c_str(), target, sizeof target);
      if (length < 0) return "readlink '" + host + "': " + std::strerror(errno);
      return tar.Header(path, st, '2', std::string(target, static_cast<size_t>(length)))
                 ? ""
                 : stopped;
    }
    if (send_file && !send_file(path)) return "";
    std::string failed;
    if (!tar.Header(path, st, '0', "") ||
        !tar.File(host, static_cast<uint64_t>(st.st_size), &failed)) {
      return failed.empty() ? stopped : failed;
    }
    return "";
  });
  if (!error.empty()) return error;
  if (!tar.Finish()) return "the agent stopped reading the context";
  return "";
}

std::string ListContextFiles(const std::string& context_dir, const DockerIgnore& ignore,
                             std::vector<ContextFileStat>* files) {
  return Walk(context_dir, "", ignore,
              [&](const std::string& path, const std::string&, const struct stat& st) {
                if (S_ISREG(st.st_mode)) files->push_back({path, st});
                return std::string();
              });
}

}  // namespace boxcar::cli
