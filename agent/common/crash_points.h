// Fault injection for the crash tests: an agent started with BOXCAR_CRASH_AT=<point> kills
// itself with SIGKILL when it reaches the named point, exactly as `kill -9` would, so that a
// test can restart it and check that recovery leaves nothing behind. Unset (always, outside
// tests), a point costs one load and compare.
//
// Points: create.after_directories, create.after_record, start.after_mount,
// start.after_cgroups, start.after_launch, start.after_record, remove.after_record,
// remove.after_snapshot, remove.half_recycled (its directories half renamed into a spare),
// store.before_record, store.after_record (imports and commits),
// cni.after_pin, cni.after_first_add (a start on a CNI network),
// libvirt.after_create_domain (the libvirt backend's start).
#pragma once

namespace boxcar {

void CrashPoint(const char* name);

}  // namespace boxcar
