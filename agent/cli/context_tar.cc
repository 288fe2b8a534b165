#include "cli/context_tar.h"

#include "cli/tar_writer.h"
#include "common/directory_tree.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <vector>

namespace boxcar::cli {
namespace {

std::string Walk(const std::string& root, const std::string& relative, const DockerIgnore& ignore,
                 std::vector<ContextEntry>* entries) {
  std::string dir = relative.empty() ? root : root + "/" + relative;
  for (const auto& name : ListDirectoryNames(dir)) {
    std::string path = relative.empty() ? name : relative + "/" + name;
    std::string host = root + "/" + path;
    struct stat st;
    if (::lstat(host.c_str(), &st) != 0) {
      return "lstat '" + host + "': " + std::strerror(errno);
    }
    bool excluded = ignore.Excluded(path);
    if (S_ISDIR(st.st_mode)) {
      if (excluded && !ignore.HasExceptions()) continue;
      if (!excluded) entries->push_back({path, st});
      if (std::string error = Walk(root, path, ignore, entries); !error.empty()) return error;
      continue;
    }
    if (excluded || !(S_ISREG(st.st_mode) || S_ISLNK(st.st_mode))) continue;
    entries->push_back({path, st});
  }
  return "";
}

}  // namespace

std::string ListContext(const std::string& context_dir, const DockerIgnore& ignore,
                        std::vector<ContextEntry>* entries) {
  return Walk(context_dir, "", ignore, entries);
}

std::string WriteContextTar(const std::string& context_dir,
                            const std::vector<ContextEntry>& entries,
                            const std::function<bool(const std::string&)>& sink) {
  TarWriter tar(sink);
  const char* stopped = "the agent stopped reading";
  for (const auto& entry : entries) {
    const struct stat& st = entry.st;
    const std::string host = context_dir + "/" + entry.path;
    if (S_ISDIR(st.st_mode)) {
      if (!tar.Header(entry.path + "/", st, '5', "")) return stopped;
    } else if (S_ISLNK(st.st_mode)) {
      char target[4096];
      ssize_t length = ::readlink(host.c_str(), target, sizeof target);
      if (length < 0) return "readlink '" + host + "': " + std::strerror(errno);
      if (!tar.Header(entry.path, st, '2', std::string(target, static_cast<size_t>(length)))) {
        return stopped;
      }
    } else if (entry.send) {
      std::string failed;
      if (!tar.Header(entry.path, st, '0', "") ||
          !tar.File(host, static_cast<uint64_t>(st.st_size), &failed)) {
        return failed.empty() ? stopped : failed;
      }
    }
  }
  if (!tar.Finish()) return "the agent stopped reading the context";
  return "";
}

}  // namespace boxcar::cli
