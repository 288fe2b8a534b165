// Nova's config drive for a container. A VM gets an ISO labelled config-2; a container has no
// block device to read, so the files Nova's InstanceMetadata yields for the drive (meta_data.json,
// user_data, network_data.json, vendor data, injected files) are written into a directory of
// the instance under nova.conf's instances_path and bind-mounted read-only at /config-drive,
// where cloud-init's ConfigDrive datasource looks when there is no config-2 disk (as nova-lxd
// did). Each container gets a directory of its own, named in its mount: an evacuated
// instance's old host, cleaning up later, removes only its own even on a shared instances_path.
#pragma once

#include <string>
#include <vector>

#include "common/status.h"
#include "core/nova_types.h"

namespace boxcar::nova {

inline constexpr char kConfigDriveTarget[] = "/config-drive";

// Writes `files` into a new directory <instances_path>/<uuid>/config-drive.<random> (built
// under a .partial name and renamed, so a crash never leaves a half-written drive that a
// container would mount; partial leftovers of the instance are removed first) and returns its
// path. A file path that is absolute, empty or climbs out ("..") is INVALID_ARGUMENT and
// nothing is written.
StatusOr<std::string> WriteConfigDrive(const std::string& instances_path,
                                       const std::string& instance_uuid,
                                       const std::vector<ConfigDriveFile>& files);

// Removes a directory WriteConfigDrive made for `instance_uuid` (anything else is refused:
// the path comes from a container's spec), and the instance's directory once it is empty.
Status RemoveConfigDrive(const std::string& instances_path, const std::string& instance_uuid,
                         const std::string& drive_dir);

}  // namespace boxcar::nova
