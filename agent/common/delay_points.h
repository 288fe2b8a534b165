// Fault injection for race tests: an agent started with BOXCAR_DELAY_AT=<point>:<milliseconds>
// sleeps that long each time a thread reaches the named point, widening a window that is
// otherwise microseconds wide so that a test can show a race reliably (and its fix). Unset
// (always, outside tests), a point costs one load and compare.
//
// Points: blob.after_rename (a committed blob is visible under its name, before the writer's
// caller has its digest); bootable.before_upload (boxcar-registry's publisher has written a
// bootable image's archive and is about to upload it); glance_write.created.<kind>
// (boxcar-registry created a Glance image of kind blob, manifest or bootable and is about to
// fill it); cni.before_exit_del (a container on a CNI network has exited, its exit is
// recorded, the plugins' DEL is about to run).
#pragma once

namespace boxcar {

void DelayPoint(const char* name);

}  // namespace boxcar
