// A container's mounts (ContainerSpec.mounts) from the agent's side: checked at Create (each
// error names "spec.mounts[i].<field>"), completed with the volumes they need (named ones made
// when missing, anonymous ones for mounts without a source and for the image's VOLUME paths),
// and turned into the shim's LaunchMounts at every Start.
#pragma once

#include <string>
#include <vector>

#include "boxcar/v1/containers.pb.h"
#include "boxcar/v1/images.pb.h"
#include "common/status.h"
#include "launch/launch_spec.h"
#include "volumes/volume_store.h"

namespace boxcar {

// The mounts alone, before anything is made: types, absolute targets (never "/", no two the
// same), bind sources that exist on this host, volume names, tmpfs options.
Status ValidateMounts(const v1::ContainerSpec& spec);

// Makes the volumes `spec`'s mounts need, adds the `inherited` mounts (--volumes-from, with
// their volumes' anonymous flags) at targets no mount of the spec has, then the image's VOLUME
// paths no mount covers; `created` receives the names of the volumes made, for the caller to
// remove if the Create fails later. `volumes` null: volumes are refused (FAILED_PRECONDITION).
Status CompleteMounts(v1::ContainerSpec* spec, const v1::ImageConfig& image, VolumeStore* volumes,
                      std::vector<std::string>* created,
                      const std::vector<v1::Mount>& inherited = {});

// The mounts to attach at Start, parents before what lies below them.
StatusOr<std::vector<LaunchMount>> LaunchMountsOf(const v1::ContainerSpec& spec,
                                                  VolumeStore* volumes);

// The names of the volumes the spec mounts.
std::vector<std::string> VolumeNamesOf(const v1::ContainerSpec& spec);

// "/a//b/" -> "/a/b"; "." components dropped, ".." taken lexically and clamped at the root
// ("/../x" -> "/x", "/a/../b" -> "/b", "/.." -> "/"), as Docker's filepath.Clean, so that the
// checks of the root and of duplicates see what the mount will be.
std::string CleanContainerPath(const std::string& path);

}  // namespace boxcar
