// A container's writable root filesystem over read-only image layers. Overlayfs first;
// btrfs or others later behind the same interface (as liblxc's storage ops).
#pragma once

#include <string>
#include <vector>

#include "common/status.h"
#include "common/user_namespace.h"

namespace boxcar {

class Snapshotter {
 public:
  virtual ~Snapshotter() = default;

  virtual const std::string& name() const = 0;
  // Creates the writable layer for `key` (a container id). Nothing is mounted yet. With an
  // enabled `ids`, its root belongs to the mapped root, so container root can write to it.
  virtual Status Prepare(const std::string& key, const IdMapping& ids) = 0;
  // Gives the prepared (or Reset), unmounted snapshot `from` (without ids) to `to`, then
  // applies `ids` as Prepare would; on failure `from` is unchanged. Snapshotters that cannot
  // are kUnimplemented: the caller prepares `to` instead. (The agent prepares spare snapshots
  // ahead of time: a create then renames directories instead of allocating inodes.)
  virtual Status Rekey(const std::string& from, const std::string& to, const IdMapping& ids) {
    (void)from, (void)to, (void)ids;
    return Unimplemented("snapshotter " + name() + " cannot rekey a snapshot");
  }
  // Empties the unmounted snapshot `key` back into what Prepare makes without ids: its
  // changes gone, its root's owner, mode and extended attributes a fresh one's. (The agent
  // keeps a removed container's snapshot as a spare this way instead of deleting it and
  // preparing another.) A mounted snapshot is kFailedPrecondition; on any failure the caller
  // removes the snapshot. Snapshotters that cannot are kUnimplemented.
  virtual Status Reset(const std::string& key) {
    (void)key;
    return Unimplemented("snapshotter " + name() + " cannot reset a snapshot");
  }
  // Mounts the snapshot over `lower_dirs` (lowest layer first, as ImageStore::LayerDirectories
  // gives them: a layer the image lists twice is there twice); returns the rootfs directory.
  // With an enabled `ids` (the one given to Prepare), the layers' files show shifted into it.
  virtual StatusOr<std::string> Mount(const std::string& key,
                                      const std::vector<std::string>& lower_dirs,
                                      const IdMapping& ids) = 0;
  // Where Mount() puts the rootfs of `key`.
  virtual std::string RootfsDir(const std::string& key) const = 0;
  // The directory holding the changes of `key` (overlay's upper directory), for commit.
  virtual std::string ChangesDir(const std::string& key) const = 0;
  // Scratch space the mount of `key` needs beside its changes (overlay's work directory), ""
  // for snapshotters that need none.
  virtual std::string WorkDir(const std::string& key) const {
    (void)key;
    return "";
  }
  // Unmounting something not mounted is fine.
  virtual Status Unmount(const std::string& key) = 0;
  // Unmounts if needed and deletes everything of `key`; a missing key is fine.
  virtual Status Remove(const std::string& key) = 0;
  // Keys that have a snapshot on disk (for recovery after a restart).
  virtual std::vector<std::string> ListKeys() const = 0;
};

}  // namespace boxcar
