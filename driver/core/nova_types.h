// What the Python adapter hands the driver: Nova's objects reduced to plain data (strings,
// numbers, maps), so the mapping below can be tested without Nova.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <vector>

namespace boxcar::nova {

// nova.objects.Flavor.
struct FlavorRequest {
  std::string name;
  uint64_t memory_mb = 0;
  uint32_t vcpus = 0;
  uint64_t root_gb = 0;
  uint64_t ephemeral_gb = 0;
  std::map<std::string, std::string> extra_specs;
};

// nova.objects.ImageMeta (what Glance says of the image).
struct ImageRequest {
  std::string id;
  std::string name;
  std::string container_format;
  std::string disk_format;
  uint64_t size_bytes = 0;
  // Glance's properties, each as a string (os_command_line, boxcar_config_digest, ...).
  std::map<std::string, std::string> properties;
};

// One VIF of the instance's network_info.
struct VifRequest {
  std::string id;                      // the Neutron port id
  std::string type;                    // vif_type: "bridge", "ovs", ...
  std::string mac_address;             // "fa:16:3e:.."
  std::string devname;                 // the host-side device Neutron expects, "tap" + port id[:11]
  std::string bridge;                  // network.bridge or details.bridge_name
  uint32_t mtu = 0;                    // network.meta.mtu; 0 = the bridge's
  std::vector<std::string> addresses;  // "10.0.0.5/24", "2001:db8::5/64"
  std::string gateway_v4;
  std::string gateway_v6;
  std::vector<std::string> dns_servers;
  bool create_bridge = false;          // network.meta.should_create_bridge
};

// One file of the instance's config drive: its path in the drive ("openstack/latest/
// meta_data.json") and its bytes.
struct ConfigDriveFile {
  std::string path;
  std::string content;
};

// nova.objects.Instance.
struct InstanceRequest {
  std::string uuid;
  std::string name;  // "instance-00000001": what list_instances reports
  std::string hostname;
  std::string project_id;
  std::string user_id;
  std::string vm_state;
  FlavorRequest flavor;
  std::map<std::string, std::string> metadata;
  std::vector<VifRequest> vifs;
  // The config drive's files when Nova requires one (configdrive.required_by); empty: none.
  std::vector<ConfigDriveFile> config_drive_files;
};

// The caller's identity for Glance: the request context's Keystone token and where Glance is,
// and nova.conf's [glance] cafile (the CA of Glance's certificate; empty: the system's CAs).
struct GlanceCredentials {
  std::string token;
  std::string glance_endpoint;
  std::string project_id;
  std::string ca_file;
};

}  // namespace boxcar::nova
