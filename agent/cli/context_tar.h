// The build context as the CLI sends it: the directory's files as an uncompressed tar (ustar,
// with pax records for long names and large sizes), in name order, minus what .dockerignore
// excludes. Owners are written as 0:0 (COPY sets its own); modes, mtimes and symlink targets
// are kept. Sockets, devices and fifos are skipped.
#pragma once

#include <functional>
#include <string>

#include "cli/dockerignore.h"

namespace boxcar::cli {

// `sink` gets the tar in chunks and returns false to stop. Returns "" or an error message
// naming the path.
std::string WriteContextTar(const std::string& context_dir, const DockerIgnore& ignore,
                            const std::function<bool(const std::string&)>& sink);

}  // namespace boxcar::cli
