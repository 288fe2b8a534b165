// How a Nova instance is found among the agent's containers: its container is named after the
// instance uuid and carries labels that say whose it is (the agent may run other containers).
#pragma once

#include <map>
#include <string>

#include "boxcar/v1/containers.pb.h"
#include "common/status.h"
#include "core/nova_types.h"

namespace boxcar::nova {

inline constexpr char kInstanceUuidLabel[] = "org.openstack.nova.instance-uuid";
inline constexpr char kInstanceNameLabel[] = "org.openstack.nova.instance-name";
inline constexpr char kProjectLabel[] = "org.openstack.nova.project-id";
inline constexpr char kUserLabel[] = "org.openstack.nova.user-id";
inline constexpr char kFlavorLabel[] = "org.openstack.nova.flavor";
inline constexpr char kImageLabel[] = "org.openstack.nova.image-id";

// "nova-<uuid>"; refuses (naming instance.uuid) anything but a canonical lower-case uuid, so
// the name is always valid for the agent and never collides with another instance's.
StatusOr<std::string> ContainerNameFor(const std::string& instance_uuid);

// The labels a spawn attaches.
std::map<std::string, std::string> LabelsFor(const InstanceRequest& instance,
                                             const ImageRequest& image);

// Whether the container is a Nova instance's (it has the uuid label), and which.
bool IsInstanceContainer(const v1::Container& container);
std::string InstanceUuidOf(const v1::Container& container);
std::string InstanceNameOf(const v1::Container& container);

// A hostname valid per RFC 1123 that the agent accepts ([A-Za-z0-9][A-Za-z0-9.-]{0,62})
// from Nova's instance hostname, which is returned unchanged when it is one already. Else:
// ' ' and '_' become '-' (as Nova's sanitize_hostname), Latin-1 letters their ASCII base
// letter, other characters are left out; labels lose leading and trailing '-', the whole is
// cut to 63 characters. Empty when nothing usable is left (the agent then uses the short id).
std::string ContainerHostnameFor(const std::string& nova_hostname);

}  // namespace boxcar::nova
