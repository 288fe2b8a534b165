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

// One entry of the context tar: a directory, regular file or symlink.
struct ContextEntry {
  std::string path;  // relative to the context
  struct stat st;    // its lstat
  bool send = true;  // a regular file's content goes in the tar (false: the agent kept it)
};

// Every entry the context tar carries, in its order (directories before their contents, in
// name order), minus what .dockerignore excludes. Returns "" or an error naming the path.
std::string ListContext(const std::string& context_dir, const DockerIgnore& ignore,
                        std::vector<ContextEntry>* entries);

// The tar of `entries` (ListContext of `context_dir`); `sink` gets it in chunks and returns
// false to stop. Regular files whose `send` is false are left out. Returns "" or an error
// message naming the path.
std::string WriteContextTar(const std::string& context_dir,
                            const std::vector<ContextEntry>& entries,
                            const std::function<bool(const std::string&)>& sink);

}  // namespace boxcar::cli
