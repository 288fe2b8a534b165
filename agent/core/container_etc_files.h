// A container's generated /etc/hosts, /etc/resolv.conf and /etc/hostname from the core's side
// (their content: net/container_name_files.h). As Docker, they live in the container's state
// directory and are bind-mounted over the image's files at every start, read-write, so that
// nothing the agent writes lands in the writable layer: `diff`, `commit` and the RUN layers
// of `build` never see them, and the image's own files stay untouched underneath.
//
// A bind needs a mount point. Where the image has none, the shim would create an empty file
// in the writable layer; instead, one small directory of empty mount points
// (<root>/etc-mount-points/etc/{hosts,resolv.conf,hostname}), shared by every container and
// never written, joins the overlay as its topmost lower layer (Docker's "init" layer). Its
// regular files also hide what an image may have there (a symlink, even a dangling one; a
// directory), so the bind always lands on a plain file inside the rootfs.
#pragma once

#include <string>
#include <vector>

#include "boxcar/v1/containers.pb.h"
#include "common/status.h"
#include "launch/launch_spec.h"

namespace boxcar {

// The layer of mount points below `root_dir` (the agent's --root).
std::string EtcMountPointsLayer(const std::string& root_dir);
// Makes it when missing (at the agent's start).
Status EnsureEtcMountPointsLayer(const std::string& root_dir);

// Whether the image (its layer directories, lowest first) has /etc as a real directory, or
// no /etc at all; not when it is a symlink or a file there (the container's etc would then be
// a path the image controls: no file is mounted, as the agent wrote none into such an etc
// before).
bool ImageEtcIsDirectoryOrAbsent(const std::vector<std::string>& layer_dirs);

// The binds of the files in `files_dir` over /etc/<name>, except where `spec`'s own mounts
// already target that path (-v /x:/etc/hosts wins, as with Docker); read-only with the
// rootfs (--read-only), as Docker's.
std::vector<LaunchMount> EtcFileMounts(const std::string& files_dir, const v1::ContainerSpec& spec);

}  // namespace boxcar
