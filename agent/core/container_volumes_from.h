// Docker's --volumes-from (ContainerSpec.volumes_from): "CONTAINER[:ro|:rw]" entries, checked
// at Create before anything is made, and the mounts they give the new container: the source
// container's binds and volumes (named and anonymous, never its tmpfs) at the same targets.
// The service looks the sources up (ContainerService::VolumesFromMounts); CompleteMounts then
// adds those whose target no explicit mount has, so the spec stored says every mount itself.
#pragma once

#include <string>
#include <vector>

#include "boxcar/v1/containers.pb.h"
#include "common/status.h"

namespace boxcar {

struct VolumesFromEntry {
  enum class Mode { kAsSource, kReadOnly, kReadWrite };
  std::string container;  // id, unique id prefix or name
  Mode mode = Mode::kAsSource;
};

// INVALID_ARGUMENT naming `field` for an empty container or a mode other than ro / rw.
StatusOr<VolumesFromEntry> ParseVolumesFrom(const std::string& text, const std::string& field);
// Every entry of spec.volumes_from, naming "spec.volumes_from[i]".
Status ValidateVolumesFrom(const v1::ContainerSpec& spec);
// The mounts `source` (the source container's stored spec) gives with `entry`'s mode, appended
// to `mounts` unless a mount already there has the target (the earlier one wins).
void AppendInheritedMounts(const v1::ContainerSpec& source, const VolumesFromEntry& entry,
                           std::vector<v1::Mount>* mounts);

}  // namespace boxcar
