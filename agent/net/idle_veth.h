// A veth pair made ahead of its container, inside the network namespace a prewarmed shim
// already owns: creating the pair (two netdevice registrations and a move between namespaces)
// is the dear part of plugging a container into a bridge network, and it happens before the
// request arrives. The idle pair has its container end "eth0" down, without MAC or address,
// and its host end (IdleVethName) down and on no bridge, so it belongs to no network until a
// start claims it. Nothing has to clean it up: the pair goes with the namespace when the
// shim exits (a discarded helper, or every helper of an agent killed with -9).
#pragma once

#include <cstdint>
#include <string>

#include "common/status.h"
#include "net/route_socket.h"
#include "net/veth_link.h"

namespace boxcar {

// The host end of an idle pair: "bw" + the last 11 characters of the helper's slot name.
std::string IdleVethName(const std::string& slot_name);
inline constexpr const char* kIdleVethPrefix = "bw";
// The MTU idle pairs are made with; a network with another one makes its veths afresh.
inline constexpr uint32_t kIdleVethMtu = 1500;

Status CreateIdleVeth(const RouteSocket& host_socket, const std::string& host_name,
                      int container_netns_fd);

// Turns the idle pair `idle_host_name` (inside config.container_netns_fd) into what
// CreateContainerVeth makes from `config`: the host end renamed to config.host_name, on the
// bridge and up in one request; eth0's MAC, address, link and default route from inside. On
// failure the pair is deleted (the caller may then make a fresh one).
Status ClaimIdleVeth(const RouteSocket& host_socket, const std::string& idle_host_name,
                     const VethConfig& config);

}  // namespace boxcar
