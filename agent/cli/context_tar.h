// The build context as the CLI sends it: the directory's files as an uncompressed tar (ustar,
// with pax records for long names and large sizes), in name order, minus what .dockerignore
// excludes. Owners are written as 0:0 (COPY sets its own); modes, mtimes and symlink targets
// are kept. Sockets, devices and fifos are skipped.
#pragma once

#include <sys/stat.h>

#include <functional>
#include <string>
#include <vector>

#include "cli/dockerignore.h"

namespace boxcar::cli {

// `sink` gets the tar in chunks and returns false to stop. With `send_file`, a regular file
// for which it returns false is left out (the agent kept it from the previous build);
// directories and symlinks always go. Returns "" or an error message naming the path.
std::string WriteContextTar(const std::string& context_dir, const DockerIgnore& ignore,
                            const std::function<bool(const std::string&)>& sink,
                            const std::function<bool(const std::string&)>& send_file = nullptr);

struct ContextFileStat {
  std::string path;  // relative to the context
  struct stat st;
};

// The regular files WriteContextTar sends, in its order, with their lstat. Returns "" or an
// error message naming the path.
std::string ListContextFiles(const std::string& context_dir, const DockerIgnore& ignore,
                             std::vector<ContextFileStat>* files);

}  // namespace boxcar::cli
