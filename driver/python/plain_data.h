// Python dicts <-> the driver's plain structs. The adapter (boxcar/nova_data.py) builds the
// dicts from Nova objects; a missing key takes the struct's default, a value of the wrong
// type raises TypeError naming the key.
#pragma once

#include <pybind11/pybind11.h>

#include "core/container_instances.h"
#include "core/driver_options.h"
#include "core/grpc_agent_client.h"
#include "core/instance_images.h"
#include "core/instance_moves.h"
#include "core/nova_types.h"
#include "core/vif_mapping.h"

namespace boxcar::nova {

InstanceRequest InstanceFromDict(const pybind11::dict& instance);
FlavorRequest FlavorFromDict(const pybind11::dict& flavor);
ImageRequest ImageFromDict(const pybind11::dict& image);
GlanceCredentials CredentialsFromDict(const pybind11::dict& credentials);
std::vector<VifRequest> VifsFromList(const pybind11::list& vifs);
// Options: socket, rpc_timeout, transfer_timeout, backend, throttle_device,
// soft_reboot_timeout, image_transfer ("auto" | "agent" | "compute"), allow_unplugged_vifs,
// console_max_bytes, cleanup_retry_seconds.
void OptionsFromDict(const pybind11::dict& options, AgentClientOptions* client,
                     DriverOptions* driver);

pybind11::dict StateToDict(const InstanceState& state);
pybind11::dict ContainerToDict(const v1::Container& container);
pybind11::dict DiagnosticsToDict(const InstanceDiagnostics& diagnostics);
pybind11::dict NodeToDict(const NodeResources& node);
pybind11::dict InterfaceToDict(const InterfacePlan& plan);

}  // namespace boxcar::nova
