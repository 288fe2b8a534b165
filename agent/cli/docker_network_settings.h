// A container's NetworkSettings as Docker's ContainerInspect has them
// (cli/docker_container_view.h):
// - IPAddress, IPPrefixLen, Gateway, MacAddress (and EndpointID) at the top only on Boxcar's
//   equivalent of Docker's default bridge, the built-in `boxcar0` network; "" and 0 on any other,
//   as Docker leaves them for user-defined networks.
// - Networks: one entry per attachment, with its address, prefix, MAC, gateway and aliases:
//   the spec's network (by name; "host", "none"; none for container:NAME), each network joined
//   with `network connect` (by its name), and each VIF a compute driver attached (by its host
//   interface, the tap of the Neutron port; NetworkID the bridge it joins, as Boxcar has no
//   network record for it), in the order attached. NetworkID is the network's name (Boxcar's
//   networks have no other id). A bridge network's address is its lease, held from Create to
//   Remove, so it shows also while the container is stopped; a CNI network's only while it runs.
// - SandboxKey: /proc/PID/ns/net of its own network namespace while it runs (what `nsenter
//   --net=` takes), "" otherwise.
#pragma once

#include <google/protobuf/repeated_ptr_field.h>
#include <rapidjson/document.h>

#include <set>
#include <string>

#include "boxcar/v1/containers.pb.h"
#include "cli/docker_container_view.h"
#include "cli/json_builder.h"

namespace boxcar::cli {

rapidjson::Value DockerNetworkSettings(const v1::Container& container,
                                       const DockerContainerSources& sources, JsonBuilder& json);

// {"80/tcp": [{"HostIp": ..., "HostPort": "8080"}], "443/tcp": null}: Docker's port map (keys
// sorted, as Go prints maps), the bindings of `ports` and the `unbound` keys with null;
// `any_address` for an empty host_ip.
rapidjson::Value PortMapOf(const google::protobuf::RepeatedPtrField<v1::PortMapping>& ports,
                           const std::set<std::string>& unbound, const std::string& any_address,
                           JsonBuilder& json);

// The image's exposed ports and those published: Docker's Config.ExposedPorts keys.
std::set<std::string> ExposedPortsOf(const v1::Container& container,
                                     const DockerContainerSources& sources);

}  // namespace boxcar::cli
