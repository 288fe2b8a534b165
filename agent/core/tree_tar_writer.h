// A file system tree as a tar stream (what `boxcar cp CONTAINER:PATH` reads): walked by
// descriptors from an O_PATH descriptor of its top, never following a symlink, so a container
// swapping a directory for a link mid-walk cannot lead the walk out of its root.
#pragma once

#include <cstdint>
#include <functional>
#include <set>
#include <string>
#include <string_view>

#include "common/status.h"

namespace boxcar {

// The ids a user-namespace container's files carry on the host: host `first_uid` is uid 0 in
// the tar (and in the container). `size` 0: no shift.
struct HostIdShift {
  uint32_t first_uid = 0;
  uint32_t first_gid = 0;
  uint32_t size = 0;
};

// Receives the tar's bytes in order, in pieces of up to 1 MiB; a failure ends the walk. The
// sink may swap `*piece` with a string of its own (a message's field: no copy), whose memory
// the writer then reuses for the next piece whatever it holds.
using TarSink = std::function<Status(std::string* piece)>;

// Archives the object `top_fd` (O_PATH | O_NOFOLLOW) as `member_name`, and for a directory
// everything below it as `member_name`/... (pax format: long names, large files). Regular
// files, directories and symlinks with their modes, owners and mtimes; devices and fifos as
// entries without data; sockets skipped. Below the top, a directory on a pseudo filesystem
// (proc, sysfs, devpts, cgroup, ...: a running container's /proc and /sys) is archived
// without its contents.
Status WriteTreeAsTar(int top_fd, const std::string& member_name, const HostIdShift& ids,
                      const TarSink& sink);

// What a container's whole filesystem as a tar (`boxcar export`) leaves out or shares.
struct RootTarOptions {
  // Members (relative: "etc/hosts") left out, with everything below them.
  std::set<std::string> left_out;
};

// Archives what the directory `root_fd` holds as Docker's export names it ("bin", "bin/sh":
// no "./" and no member for the root itself). Files with more than one link are archived once,
// later names as hard links to the first, as tar does. Otherwise as WriteTreeAsTar.
Status WriteRootAsTar(int root_fd, const HostIdShift& ids, const RootTarOptions& options,
                      const TarSink& sink);

}  // namespace boxcar
