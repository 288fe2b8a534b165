#include "plain_data.h"

#include <pybind11/stl.h>

#include "core/instance_labels.h"
#include "core/vif_mapping.h"

namespace py = pybind11;

namespace boxcar::nova {

namespace {

template <typename T>
void Take(const py::dict& dict, const char* key, T* out) {
  if (!dict.contains(key)) return;
  py::object value = dict[key];
  if (value.is_none()) return;
  try {
    *out = value.cast<T>();
  } catch (const py::cast_error&) {
    throw py::type_error(std::string("boxcar driver: '") + key + "' has the wrong type (" +
                         std::string(py::str(value.get_type())) + ")");
  }
}

// Maps whose values may be of any type (Glance properties): each value as str().
std::map<std::string, std::string> StringMap(const py::dict& dict, const char* key) {
  std::map<std::string, std::string> result;
  if (!dict.contains(key) || dict[key].is_none()) return result;
  for (auto item : py::reinterpret_borrow<py::dict>(dict[key])) {
    result[py::str(item.first)] = py::str(item.second);
  }
  return result;
}

}  // namespace

FlavorRequest FlavorFromDict(const py::dict& flavor) {
  FlavorRequest request;
  Take(flavor, "name", &request.name);
  Take(flavor, "memory_mb", &request.memory_mb);
  Take(flavor, "vcpus", &request.vcpus);
  Take(flavor, "root_gb", &request.root_gb);
  Take(flavor, "ephemeral_gb", &request.ephemeral_gb);
  request.extra_specs = StringMap(flavor, "extra_specs");
  return request;
}

InstanceRequest InstanceFromDict(const py::dict& dict) {
  InstanceRequest instance;
  Take(dict, "uuid", &instance.uuid);
  Take(dict, "name", &instance.name);
  Take(dict, "hostname", &instance.hostname);
  Take(dict, "project_id", &instance.project_id);
  Take(dict, "user_id", &instance.user_id);
  Take(dict, "vm_state", &instance.vm_state);
  instance.metadata = StringMap(dict, "metadata");
  if (dict.contains("flavor") && !dict["flavor"].is_none())
    instance.flavor = FlavorFromDict(dict["flavor"]);
  if (dict.contains("vifs") && !dict["vifs"].is_none()) instance.vifs = VifsFromList(dict["vifs"]);
  // (path, bytes) pairs.
  std::vector<std::pair<std::string, std::string>> drive;
  Take(dict, "config_drive_files", &drive);
  for (auto& [path, content] : drive) {
    instance.config_drive_files.push_back({std::move(path), std::move(content)});
  }
  return instance;
}

std::vector<VifRequest> VifsFromList(const py::list& list) {
  std::vector<VifRequest> vifs;
  for (auto item : list) {
    py::dict dict = py::reinterpret_borrow<py::dict>(item);
    VifRequest vif;
    Take(dict, "id", &vif.id);
    Take(dict, "type", &vif.type);
    Take(dict, "mac_address", &vif.mac_address);
    Take(dict, "devname", &vif.devname);
    Take(dict, "bridge", &vif.bridge);
    Take(dict, "mtu", &vif.mtu);
    Take(dict, "addresses", &vif.addresses);
    Take(dict, "gateway_v4", &vif.gateway_v4);
    Take(dict, "create_bridge", &vif.create_bridge);
    Take(dict, "gateway_v6", &vif.gateway_v6);
    Take(dict, "dns_servers", &vif.dns_servers);
    vifs.push_back(std::move(vif));
  }
  return vifs;
}

ImageRequest ImageFromDict(const py::dict& dict) {
  ImageRequest image;
  Take(dict, "id", &image.id);
  Take(dict, "name", &image.name);
  Take(dict, "container_format", &image.container_format);
  Take(dict, "disk_format", &image.disk_format);
  Take(dict, "size", &image.size_bytes);
  image.properties = StringMap(dict, "properties");
  return image;
}

GlanceCredentials CredentialsFromDict(const py::dict& dict) {
  GlanceCredentials credentials;
  Take(dict, "token", &credentials.token);
  Take(dict, "glance_endpoint", &credentials.glance_endpoint);
  Take(dict, "project_id", &credentials.project_id);
  Take(dict, "ca_file", &credentials.ca_file);
  return credentials;
}

void OptionsFromDict(const py::dict& dict, AgentClientOptions* client, DriverOptions* driver) {
  Take(dict, "socket", &client->socket_path);
  int64_t seconds = client->rpc_timeout.count();
  Take(dict, "rpc_timeout", &seconds);
  client->rpc_timeout = std::chrono::seconds(seconds);
  seconds = client->transfer_timeout.count();
  Take(dict, "transfer_timeout", &seconds);
  client->transfer_timeout = std::chrono::seconds(seconds);
  Take(dict, "backend", &driver->backend);
  Take(dict, "throttle_device", &driver->throttle_device);
  Take(dict, "instances_path", &driver->instances_path);
  Take(dict, "pids_limit", &driver->pids_limit);
  Take(dict, "soft_reboot_timeout", &driver->soft_reboot_timeout_seconds);
  Take(dict, "allow_unplugged_vifs", &driver->allow_unplugged_vifs);
  Take(dict, "console_max_bytes", &driver->console_max_bytes);
  double cleanup_seconds = driver->cleanup_retry_for.count() / 1000.0;
  Take(dict, "cleanup_retry_seconds", &cleanup_seconds);
  driver->cleanup_retry_for =
      std::chrono::milliseconds(static_cast<int64_t>(cleanup_seconds * 1000));
  std::string transfer = "auto";
  Take(dict, "image_transfer", &transfer);
  if (transfer == "auto") {
    driver->image_transfer = ImageTransfer::kAuto;
  } else if (transfer == "agent") {
    driver->image_transfer = ImageTransfer::kAgent;
  } else if (transfer == "compute") {
    driver->image_transfer = ImageTransfer::kCompute;
  } else {
    throw py::value_error("boxcar driver: image_transfer '" + transfer +
                          "' is not auto, agent or compute");
  }
}

py::dict StateToDict(const InstanceState& state) {
  py::dict dict;
  dict["power_state"] = static_cast<int>(state.power_state);
  dict["container_id"] = state.container_id;
  dict["container_state"] = state.container_state;
  return dict;
}

py::dict ContainerToDict(const v1::Container& container) {
  py::dict dict;
  dict["id"] = container.id();
  dict["name"] = container.name();
  dict["instance_uuid"] = InstanceUuidOf(container);
  dict["instance_name"] = InstanceNameOf(container);
  dict["state"] = ContainerStateName(container.state());
  dict["image_id"] = container.image_id();
  py::dict labels;
  for (const auto& [key, value] : container.spec().labels()) labels[py::str(key)] = value;
  dict["labels"] = labels;
  return dict;
}

py::dict DiagnosticsToDict(const InstanceDiagnostics& diagnostics) {
  py::dict dict = StateToDict(diagnostics.state);
  dict["uptime_seconds"] = diagnostics.uptime_seconds;
  dict["cpu_time_ns"] = diagnostics.cpu_time_ns;
  dict["memory_usage_bytes"] = diagnostics.memory_usage_bytes;
  dict["memory_limit_bytes"] = diagnostics.memory_limit_bytes;
  dict["cpu_limit_millis"] = diagnostics.cpu_limit_millis;
  dict["pids_current"] = diagnostics.pids_current;
  dict["block_read_bytes"] = diagnostics.block_read_bytes;
  dict["block_write_bytes"] = diagnostics.block_write_bytes;
  return dict;
}

py::dict NodeToDict(const NodeResources& node) {
  py::dict dict;
  dict["hypervisor_hostname"] = node.hypervisor_hostname;
  dict["hypervisor_type"] = node.hypervisor_type;
  dict["hypervisor_version"] = node.hypervisor_version;
  dict["architecture"] = node.architecture;
  dict["cpu_model"] = node.cpu_model;
  dict["vcpus"] = node.vcpus;
  dict["memory_mb"] = node.memory_mb;
  dict["local_gb"] = node.local_gb;
  dict["vcpus_used"] = node.vcpus_used;
  dict["memory_mb_used"] = node.memory_mb_used;
  dict["local_gb_used"] = node.local_gb_used;
  dict["disk_available_least"] = node.disk_available_least;
  dict["uptime"] = UptimeLine(node);
  return dict;
}

py::dict InterfaceToDict(const InterfacePlan& plan) {
  py::dict dict;
  dict["port_id"] = plan.port_id;
  dict["host_ifname"] = plan.host_ifname;
  dict["container_ifname"] = plan.container_ifname;
  dict["bridge"] = plan.bridge;
  dict["mac_address"] = plan.mac_address;
  dict["mtu"] = plan.mtu;
  dict["addresses"] = plan.addresses;
  dict["gateway_v4"] = plan.gateway_v4;
  dict["gateway_v6"] = plan.gateway_v6;
  dict["dns_servers"] = plan.dns_servers;
  dict["create_bridge"] = plan.create_bridge;
  return dict;
}

}  // namespace boxcar::nova
