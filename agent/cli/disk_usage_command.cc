#include "cli/disk_usage_command.h"

#include <cstdio>
#include <memory>
#include <string>
#include <vector>

#include "cli/container_filters.h"
#include "cli/human_format.h"
#include "cli/json_output.h"

namespace boxcar::cli {

namespace {

struct DfFlags {
  bool verbose = false;
  bool json = false;
};

// "12.3 MiB (45%)", as Docker shows the reclaimable part.
std::string WithShare(uint64_t part, uint64_t whole) {
  const unsigned percent = whole == 0 ? 0 : static_cast<unsigned>(part * 100 / whole);
  return HumanBytes(part) + " (" + std::to_string(percent) + "%)";
}

bool IsActive(v1::ContainerState state) {
  return state == v1::CONTAINER_STATE_RUNNING || state == v1::CONTAINER_STATE_PAUSED;
}

void PrintSummary(const v1::DiskUsageResponse& usage) {
  size_t active_images = 0;
  for (const auto& image : usage.images()) active_images += image.containers() > 0;
  size_t active_containers = 0;
  uint64_t container_bytes = 0, container_reclaimable = 0;
  for (const auto& container : usage.containers()) {
    container_bytes += container.writable_bytes();
    if (IsActive(container.state())) {
      ++active_containers;
    } else {
      container_reclaimable += container.writable_bytes();
    }
  }
  size_t active_volumes = 0;
  uint64_t volume_bytes = 0, volume_reclaimable = 0;
  for (const auto& volume : usage.volumes()) {
    volume_bytes += volume.size_bytes();
    if (volume.containers() > 0) {
      ++active_volumes;
    } else {
      volume_reclaimable += volume.size_bytes();
    }
  }
  PrintTable(
      {{"TYPE", "TOTAL", "ACTIVE", "SIZE", "RECLAIMABLE"},
       {"Images", std::to_string(usage.images_size()), std::to_string(active_images),
        HumanBytes(usage.images_bytes()),
        WithShare(usage.images_reclaimable_bytes(), usage.images_bytes())},
       {"Containers", std::to_string(usage.containers_size()), std::to_string(active_containers),
        HumanBytes(container_bytes), WithShare(container_reclaimable, container_bytes)},
       {"Local Volumes", std::to_string(usage.volumes_size()), std::to_string(active_volumes),
        HumanBytes(volume_bytes), WithShare(volume_reclaimable, volume_bytes)}});
}

void PrintEach(const v1::DiskUsageResponse& usage) {
  std::printf("\nImages space usage:\n\n");
  std::vector<std::vector<std::string>> images = {
      {"REFERENCE", "IMAGE ID", "CREATED", "SIZE", "SHARED SIZE", "UNIQUE SIZE", "CONTAINERS"}};
  for (const auto& image : usage.images()) {
    const std::string reference = image.references().empty() ? "<none>" : image.references(0);
    images.push_back({reference, image.id().substr(7, 12),
                      HumanDuration(NowUnixSeconds() - image.created_unix_seconds()) + " ago",
                      HumanBytes(image.size_bytes()), HumanBytes(image.shared_bytes()),
                      HumanBytes(image.size_bytes() - image.shared_bytes()),
                      std::to_string(image.containers())});
  }
  PrintTable(images);
  std::printf("\nContainers space usage:\n\n");
  std::vector<std::vector<std::string>> containers = {
      {"CONTAINER ID", "IMAGE", "SIZE", "STATUS", "NAMES"}};
  for (const auto& container : usage.containers()) {
    containers.push_back({container.id().substr(0, 12), container.image(),
                          HumanBytes(container.writable_bytes()), StateName(container.state()),
                          container.name()});
  }
  PrintTable(containers);
  std::printf("\nLocal Volumes space usage:\n\n");
  std::vector<std::vector<std::string>> volumes = {{"VOLUME NAME", "LINKS", "SIZE"}};
  for (const auto& volume : usage.volumes()) {
    volumes.push_back(
        {volume.name(), std::to_string(volume.containers()), HumanBytes(volume.size_bytes())});
  }
  PrintTable(volumes);
}

int DiskUsage(AgentConnection& agent, const DfFlags& flags) {
  grpc::ClientContext context;
  v1::DiskUsageResponse usage;
  grpc::Status status = agent.system().DiskUsage(&context, {}, &usage);
  if (!status.ok()) return agent.Report(status);
  if (flags.json) {
    std::printf("%s\n", MessageToJson(usage, true).c_str());
    return 0;
  }
  PrintSummary(usage);
  if (flags.verbose) PrintEach(usage);
  return 0;
}

}  // namespace

void AddSystemDfCommand(CLI::App* system, std::function<AgentConnection&()> connect,
                        std::function<int()>& action) {
  auto flags = std::make_shared<DfFlags>();
  CLI::App* df = system->add_subcommand(
      "df", "Show the disk space of images, containers (writable layers) and volumes");
  df->add_flag("-v,--verbose", flags->verbose, "Each image, container and volume too");
  df->add_flag("--json", flags->json, "Print JSON");
  df->callback([&, connect, flags] { action = [=] { return DiskUsage(connect(), *flags); }; });
}

}  // namespace boxcar::cli
