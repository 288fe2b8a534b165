#include "backends/libvirt/libvirt_domain_xml.h"

#include <linux/capability.h>

#include <sstream>

namespace boxcar {

namespace {

constexpr uint64_t kCpuPeriodMicros = 100000;

// libvirt's default capability policy drops these before the shim runs (lxc_container.c):
// a container that keeps one must have it turned on.
constexpr struct {
  int number;
  const char* name;
} kDroppedByLibvirt[] = {
    {CAP_SYS_BOOT, "sys_boot"},   {CAP_SYS_MODULE, "sys_module"},
    {CAP_SYS_TIME, "sys_time"},   {CAP_AUDIT_CONTROL, "audit_control"},
    {CAP_MAC_ADMIN, "mac_admin"},
};

std::string LibvirtDroppedCapabilitiesKept(uint64_t kept) {
  std::string elements;
  for (const auto& capability : kDroppedByLibvirt) {
    if (kept & (uint64_t{1} << capability.number))
      elements += "<" + std::string(capability.name) + " state='on'/>";
  }
  return elements;
}

// The value of attribute `name` in `xml` (first occurrence, either quote), unescaped only for
// the entities XmlEscape makes.
std::string AttributeValue(const std::string& xml, const std::string& name) {
  for (char quote : {'"', '\''}) {
    std::string key = " " + name + "=" + quote;
    auto start = xml.find(key);
    if (start == std::string::npos) continue;
    start += key.size();
    auto end = xml.find(quote, start);
    if (end == std::string::npos) return "";
    std::string value = xml.substr(start, end - start);
    std::string unescaped;
    for (size_t i = 0; i < value.size(); ++i) {
      if (value[i] != '&') {
        unescaped += value[i];
        continue;
      }
      auto semicolon = value.find(';', i);
      std::string entity = value.substr(i, semicolon - i + 1);
      unescaped += entity == "&amp;"    ? "&"
                   : entity == "&lt;"   ? "<"
                   : entity == "&gt;"   ? ">"
                   : entity == "&quot;" ? "\""
                   : entity == "&apos;" ? "'"
                                        : entity;
      i = semicolon;
    }
    return unescaped;
  }
  return "";
}

}  // namespace

std::string XmlEscape(const std::string& text) {
  std::string escaped;
  for (char c : text) {
    switch (c) {
      case '&':
        escaped += "&amp;";
        break;
      case '<':
        escaped += "&lt;";
        break;
      case '>':
        escaped += "&gt;";
        break;
      case '"':
        escaped += "&quot;";
        break;
      case '\'':
        escaped += "&apos;";
        break;
      default:
        escaped += c;
    }
  }
  return escaped;
}

std::string LibvirtDomainXml(const LibvirtDomainSpec& spec) {
  const uint64_t memory = spec.memory_bytes != 0 ? spec.memory_bytes : spec.host_memory_bytes;
  std::ostringstream xml;
  xml << "<domain type='lxc'>\n"
      << "  <name>" << XmlEscape(spec.name) << "</name>\n"
      << "  <metadata>\n"
      << "    <boxcar:container xmlns:boxcar='" << kLibvirtMetadataUri << "' id='"
      << XmlEscape(spec.container_id) << "' root='" << XmlEscape(spec.agent_root) << "'/>\n"
      << "  </metadata>\n"
      << "  <memory unit='KiB'>" << (memory + 1023) / 1024 << "</memory>\n";
  const bool swap_limit = spec.memory_bytes != 0 && spec.memory_swap_bytes > 0;
  if (spec.memory_reservation_bytes != 0 || swap_limit) {
    xml << "  <memtune>\n";
    if (spec.memory_reservation_bytes != 0) {
      xml << "    <soft_limit unit='KiB'>" << (spec.memory_reservation_bytes + 1023) / 1024
          << "</soft_limit>\n";
    }
    if (swap_limit) {
      xml << "    <swap_hard_limit unit='KiB'>" << (spec.memory_swap_bytes + 1023) / 1024
          << "</swap_hard_limit>\n";
    }
    xml << "  </memtune>\n";
  }
  if (spec.blkio_weight != 0) {
    xml << "  <blkiotune>\n    <weight>" << spec.blkio_weight << "</weight>\n  </blkiotune>\n";
  }
  if (spec.cpu_millis != 0) {
    xml << "  <cputune>\n"
        << "    <period>" << kCpuPeriodMicros << "</period>\n"
        << "    <quota>" << kCpuPeriodMicros * spec.cpu_millis / 1000 << "</quota>\n"
        << "  </cputune>\n";
  } else if (spec.cpu_period_us != 0 || spec.cpu_quota_us > 0) {
    xml << "  <cputune>\n"
        << "    <period>" << (spec.cpu_period_us ? spec.cpu_period_us : kCpuPeriodMicros)
        << "</period>\n";
    if (spec.cpu_quota_us > 0) xml << "    <quota>" << spec.cpu_quota_us << "</quota>\n";
    xml << "  </cputune>\n";
  }
  xml << "  <os>\n"
      << "    <type>exe</type>\n"
      << "    <init>" << kLibvirtShimDirInside << "/boxcar-shim</init>\n"
      << "    <initarg>--control-socket</initarg>\n"
      << "    <initarg>" << kLibvirtStateDirInside << "/" << kLibvirtControlSocketName
      << "</initarg>\n"
      << "  </os>\n"
      // boxcar-shim makes the container's device nodes, which libvirt's default policy forbids;
      // it then narrows the bounding set itself (shim/hardening.h).
      << "  <features>\n"
      << (spec.host_network ? "" : "    <privnet/>\n")
      << "    <capabilities policy='default'><mknod state='on'/>"
      << LibvirtDroppedCapabilitiesKept(spec.kept_capabilities) << "</capabilities>\n"
      << "  </features>\n"
      << "  <on_poweroff>destroy</on_poweroff>\n"
      << "  <on_reboot>destroy</on_reboot>\n"
      << "  <on_crash>destroy</on_crash>\n"
      << "  <devices>\n"
      << "    <filesystem type='mount'><source dir='" << XmlEscape(spec.domain_root_dir)
      << "'/><target dir='/'/></filesystem>\n"
      << "    <filesystem type='mount'><source dir='" << XmlEscape(spec.rootfs_dir)
      << "'/><target dir='" << kLibvirtRootfsDirInside << "'/></filesystem>\n"
      << "    <filesystem type='mount'><source dir='" << XmlEscape(spec.shim_dir)
      << "'/><target dir='" << kLibvirtShimDirInside << "'/><readonly/></filesystem>\n"
      << "    <filesystem type='mount'><source dir='" << XmlEscape(spec.state_dir)
      << "'/><target dir='" << kLibvirtStateDirInside << "'/></filesystem>\n";
  for (const auto& bind : spec.binds) {
    xml << "    <filesystem type='mount'><source dir='" << XmlEscape(bind.source_dir)
        << "'/><target dir='" << XmlEscape(bind.target_dir) << "'/></filesystem>\n";
  }
  for (const auto& path : spec.host_char_devices) {
    xml << "    <hostdev mode='capabilities' type='misc'><source><char>" << XmlEscape(path)
        << "</char></source></hostdev>\n";
  }
  for (const auto& path : spec.host_block_devices) {
    xml << "    <hostdev mode='capabilities' type='storage'><source><block>" << XmlEscape(path)
        << "</block></source></hostdev>\n";
  }
  xml
      << "    <console type='pty'/>\n"
      << "  </devices>\n"
      << "</domain>\n";
  return xml.str();
}

StatusOr<LibvirtDomainOwner> ParseLibvirtMetadata(const std::string& metadata_xml) {
  LibvirtDomainOwner owner;
  owner.container_id = AttributeValue(metadata_xml, "id");
  owner.agent_root = AttributeValue(metadata_xml, "root");
  if (owner.container_id.empty()) {
    return NotFound("libvirt domain metadata names no Boxcar container");
  }
  return owner;
}

StatusOr<LibvirtDomainOwner> ParseLibvirtDomainOwner(const std::string& domain_xml) {
  // The element that declares Boxcar's namespace, from its '<' to its '>'.
  const auto uri = domain_xml.find(kLibvirtMetadataUri);
  const auto start = uri == std::string::npos ? uri : domain_xml.rfind('<', uri);
  const auto end = start == std::string::npos ? start : domain_xml.find('>', uri);
  if (end == std::string::npos) return NotFound("libvirt domain XML has no Boxcar metadata");
  return ParseLibvirtMetadata(domain_xml.substr(start, end - start + 1));
}

}  // namespace boxcar
