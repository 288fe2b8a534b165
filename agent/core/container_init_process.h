// Docker's --init on every backend: the agent's init binary (tini) bound read-only into the
// container at /sbin/docker-init and run as its PID 1, the payload's argv after "--". Nothing
// of this happens for a container without spec.init.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "common/status.h"
#include "launch/launch_spec.h"

namespace boxcar {

// Where the init binary appears inside the container, as Docker's docker-init.
inline constexpr const char* kInitPathInContainer = "/sbin/docker-init";
// Debian 12's tini package: statically linked, so it runs in any image.
inline constexpr const char* kDefaultInitPath = "/usr/bin/tini-static";

// FAILED_PRECONDITION naming `field`, the path and the package to install when `init_path` is
// not an executable regular file.
Status CheckInitBinary(const std::string& init_path, const std::string& field);

// The init's mount point, /sbin/docker-init, in a layer of its own below `root_dir` (the
// agent's --root), laid over the image's layers of an --init container: the bind then needs
// no file in the container's writable layer, so `diff` and `commit` see no trace of it, as with
// the /etc files' mount points (container_etc_files.h).
std::string InitMountPointLayer(const std::string& root_dir);
// Makes it when missing (at the agent's start).
Status EnsureInitMountPointLayer(const std::string& root_dir);
// The layer to lay over `layer_dirs` (the image's, lowest first) for an --init container:
// InitMountPointLayer when the image's /sbin is a directory or absent; where a symlinked /sbin
// leads (usr-merged images: /sbin -> usr/sbin; image_path_lookup.h resolves it inside the
// image, never out of it), a layer with that directory's mount point, under
// <root>/init-mount-points/, made on first use. nullopt when /sbin leads to no directory of
// the image (the shim then makes the mount point in the writable layer, as before).
StatusOr<std::optional<std::string>> InitMountPointLayerOver(
    const std::string& root_dir, const std::vector<std::string>& layer_dirs);

// Binds `init_path` at kInitPathInContainer (read-only) and runs it with the payload's argv
// after "--".
void AddInitProcess(const std::string& init_path, LaunchSpec* spec);

}  // namespace boxcar
