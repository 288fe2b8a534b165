// A tar stream from an untrusted client (what `boxcar cp ... CONTAINER:PATH` sends) created
// below a directory of a container. Every member's parent is looked up below that directory
// with openat2(RESOLVE_BENEATH | RESOLVE_NO_SYMLINKS): a tar cannot plant "evil -> /" and then
// write "evil/etc/passwd", nor name "../x" or "/x".
#pragma once

#include <cstdint>
#include <functional>
#include <string>

#include "common/status.h"
#include "core/tree_tar_writer.h"

namespace boxcar {

// The stream's next bytes; empty at its end.
using TarSource = std::function<StatusOr<std::string>()>;

// Creates the members of the tar from `source` below the directory `dir_fd`: regular files,
// directories, symlinks and hard links (to a member below `dir_fd`), with their modes, mtimes
// and owners (shifted by `ids` for a user-namespace container). An existing file or symlink
// is replaced; an existing directory is kept (its mode and owner updated). Refused with
// INVALID_ARGUMENT naming the member (as "field: member 'NAME': ..."): an absolute name, a
// ".." component, a parent that is a symlink or not a directory, a directory replaced by a
// file, devices, fifos and sockets; a stream that is not a tar, or is cut short. A refused
// stream changes nothing: it is kept whole first (an unnamed file in `spool_dir`) and every
// member checked against what the ones before it would leave (tar_extraction_plan.h). Only
// the file system failing midway (full, say), or the container changing the directory
// meanwhile, can leave the members before the failure. Returns how many members were created.
StatusOr<uint64_t> ExtractTarBelow(int dir_fd, const TarSource& source, const HostIdShift& ids,
                                   const std::string& field, const std::string& spool_dir);

}  // namespace boxcar
