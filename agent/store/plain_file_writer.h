// The unpacker's fast path for the members most layers are made of: regular files without
// extended attributes, ACLs or holes (and symlinks, below), written through the fd of their already checked parent
// directory instead of by libarchive's archive_write_disk, which would walk and check the path
// again (SECURE_SYMLINKS: an openat, fstatat and close per component), stat the file and set
// and reset the umask and fd flags: ~16 system calls a file where this makes 4 (openat,
// write, futimens, close), 5 when the file needs a chown. Other members still go through
// libarchive.
#pragma once

#include <archive.h>
#include <archive_entry.h>

#include <functional>
#include <string>

#include "common/status.h"

namespace boxcar {

bool IsPlainFile(archive_entry* entry);

// Creates `name` in `parent_fd` with O_EXCL (never through a symlink; what is in the way is
// removed by `remove_existing`, then the create is tried once more), writes the member's data
// from `reader`, then its owner, mode and times as ARCHIVE_EXTRACT_OWNER, _PERM and _TIME do
// (the unpacking thread's umask is 0; a failed chown drops setuid/setgid, as libarchive does).
// A member owned by the agent's own uid and gid (root:root, most files of most layers) is not
// chowned: a new file has those owners already, unless `parent_setgid` (it takes the parent's
// group then).
// `stream_ended`: see CopyData in layer_unpacker.cc (a layer cut right after the data).
Status WritePlainFile(archive* reader, archive_entry* entry, int parent_fd, bool parent_setgid,
                      const std::string& name, const std::string& member, bool* stream_ended,
                      const std::function<Status()>& remove_existing);

// A symlink without extended attributes or ACLs. Its target is the caller's to check
// (SymlinkEscapes); creating a symlink follows nothing.
bool IsPlainSymlink(archive_entry* entry);

// Creates the symlink `name` -> the member's target in `parent_fd` (what is in the way is
// removed by `remove_existing`, then the create is tried once more), then sets its owner (as
// WritePlainFile does; a failed chown is ignored, as libarchive does) and times, never
// following it: symlinkat, and a utimensat (plus an fchownat for a foreign owner) instead of
// libarchive's ~16 system calls. busybox's layer is ~400 of them.
Status WritePlainSymlink(archive_entry* entry, int parent_fd, bool parent_setgid,
                         const std::string& name, const std::string& member,
                         const std::function<Status()>& remove_existing);

}  // namespace boxcar
