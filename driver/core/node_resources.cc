#include "core/node_resources.h"

#include <cstdio>

#include "core/instance_labels.h"

namespace boxcar::nova {

namespace {

constexpr uint64_t kMiB = 1024 * 1024;
constexpr uint64_t kGiB = 1024 * kMiB;

}  // namespace

int64_t KernelVersionNumber(const std::string& release) {
  int64_t parts[3] = {0, 0, 0};
  size_t position = 0;
  for (int i = 0; i < 3 && position < release.size(); ++i) {
    size_t end = position;
    while (end < release.size() && std::isdigit(static_cast<unsigned char>(release[end]))) ++end;
    if (end == position) break;
    parts[i] = std::stoll(release.substr(position, end - position)) % 1000;
    if (end >= release.size() || release[end] != '.') break;
    position = end + 1;
  }
  return parts[0] * 1000000 + parts[1] * 1000 + parts[2];
}

NodeResources NodeResourcesFor(const v1::InfoResponse& info,
                               const std::vector<v1::Container>& containers) {
  const v1::HostResources& host = info.host();
  NodeResources node;
  node.hypervisor_hostname = host.hostname();
  node.hypervisor_version = KernelVersionNumber(host.kernel_release());
  node.architecture = host.architecture();
  node.cpu_model = host.cpu_model();
  node.vcpus = host.cpus();
  node.memory_mb = host.memory_total_bytes() / kMiB;
  node.local_gb = host.disk_total_bytes() / kGiB;
  node.disk_available_least = host.disk_available_bytes() / kGiB;
  node.local_gb_used = (host.disk_total_bytes() - host.disk_available_bytes()) / kGiB;
  for (const auto& container : containers) {
    if (!IsInstanceContainer(container)) continue;
    if (container.state() != v1::CONTAINER_STATE_RUNNING &&
        container.state() != v1::CONTAINER_STATE_PAUSED) {
      continue;
    }
    const auto& limits = container.spec().limits();
    node.memory_mb_used += limits.memory_bytes() / kMiB;
    node.vcpus_used += static_cast<uint32_t>((limits.cpu_millis() + 999) / 1000);
  }
  node.uptime_seconds = host.uptime_seconds();
  node.load_averages[0] = host.load_average_1m();
  node.load_averages[1] = host.load_average_5m();
  node.load_averages[2] = host.load_average_15m();
  return node;
}

std::string UptimeLine(const NodeResources& node) {
  auto total_minutes = static_cast<int64_t>(node.uptime_seconds / 60);
  int64_t days = total_minutes / (24 * 60);
  int64_t hours = (total_minutes / 60) % 24;
  int64_t minutes = total_minutes % 60;
  char line[160];
  std::snprintf(line, sizeof line, "up %lld day%s, %02lld:%02lld, load average: %.2f, %.2f, %.2f",
                static_cast<long long>(days), days == 1 ? "" : "s", static_cast<long long>(hours),
                static_cast<long long>(minutes), node.load_averages[0], node.load_averages[1],
                node.load_averages[2]);
  return line;
}

}  // namespace boxcar::nova
