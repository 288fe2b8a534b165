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

std::string WriteTree(const std::string& root, const std::string& relative,
                      const DockerIgnore& ignore, TarWriter& tar) {
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
      if (!excluded && !tar.Header(path + "/", st, '5', "")) return "the agent stopped reading";
      if (std::string error = WriteTree(root, path, ignore, tar); !error.empty()) return error;
      continue;
    }
    if (excluded) continue;
    if (S_ISREG(st.st_mode)) {
      std::string error;
      if (!tar.Header(path, st, '0', "") || !tar.File(host, static_cast<uint64_t>(st.st_size), &error)) {
        return error.empty() ? "the agent stopped reading" : error;
      }
    } else if (S_ISLNK(st.st_mode)) {
      char target[4096];
      ssize_t length = ::readlink(host.c_str(), target, sizeof target);
      if (length < 0) return "readlink '" + host + "': " + std::strerror(errno);
      if (!tar.Header(path, st, '2', std::string(target, static_cast<size_t>(length)))) {
        return "the agent stopped reading";
      }
    }
  }
  return "";
}

}  // namespace

std::string WriteContextTar(const std::string& context_dir, const DockerIgnore& ignore,
                            const std::function<bool(const std::string&)>& sink) {
  TarWriter tar(sink);
  std::string error = WriteTree(context_dir, "", ignore, tar);
  if (!error.empty()) return error;
  if (!tar.Finish()) return "the agent stopped reading the context";
  return "";
}

}  // namespace boxcar::cli
