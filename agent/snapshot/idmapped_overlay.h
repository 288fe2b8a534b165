// The overlay of a container in a user namespace. Layer directories are owned by host root and
// shared by every container of every image; instead of copying or chowning them, each one
// joins the overlay as an idmapped mount (mount_setattr(MOUNT_ATTR_IDMAP)), so a file owned
// by 0 on disk shows as the mapping's host uid, i.e. as root inside the container. The upper
// directory is not idmapped: it is owned by the mapped ids on disk (see Prepare), and what
// the container writes there carries its host ids.
#pragma once

#include <string>
#include <vector>

#include "common/status.h"
#include "common/user_namespace.h"

namespace boxcar {

// Mounts overlayfs on `target` with `lower_dirs` (lowest first, each once: DistinctLowerDirs)
// idmapped by `mapping` and the given upper and work directories. Needs Linux 6.13+ (layers
// passed to overlayfs as descriptors with fsconfig(FSCONFIG_SET_FD, "lowerdir+")); no limit on
// the number of layers.
Status MountIdmappedOverlay(const std::vector<std::string>& lower_dirs,
                            const std::string& upper_dir, const std::string& work_dir,
                            const std::string& target, const IdMapping& mapping);

}  // namespace boxcar
