// Layers of empty mount points the agent owns (under its --root), placed over an image's
// layers so that a bind onto a file the image lacks (/etc/hosts, /sbin/docker-init) needs no
// file in the container's writable layer: nothing shows in `diff` or ends up in `commit`.
#pragma once

#include <sys/types.h>

#include <string>
#include <vector>

#include "common/status.h"

namespace boxcar {

// Makes `layer`/`top_dir` (a directory or a relative path of them, "usr/sbin") and in it an empty
// file of `mode` for each of `names` (existing ones are fine). Errors name `what` (e.g. "the init's
// mount point layer").
Status EnsureMountPointLayer(const std::string& layer, const std::string& top_dir,
                             const std::vector<std::string>& names, mode_t mode,
                             const std::string& what);

// Whether the top-level entry `name` of the image (`layer_dirs`, lowest first) is a directory
// or absent (a layer of mount points may then supply it).
bool ImageTopDirectoryIsDirectoryOrAbsent(const std::vector<std::string>& layer_dirs,
                                          const std::string& name);

// Whether the tree of `layer_dirs` (lowest first: an image's layers, a container's changes
// last) has `path` ("/etc/hosts"): the highest layer that names it decides, and an overlay
// whiteout there means deleted.
bool LayersHavePath(const std::vector<std::string>& layer_dirs, const std::string& path);

// The mount points a layer made by EnsureMountPointLayer holds, as paths in a container
// ("/etc/hosts"); none when it does not exist.
std::vector<std::string> MountPointLayerFiles(const std::string& layer);

}  // namespace boxcar
