#include "cli/container_inspect.h"

#include <cstdio>
#include <map>
#include <optional>

#include "cli/docker_container_view.h"
#include "cli/for_each_name.h"

namespace boxcar::cli {

namespace {

// What Docker prints and the Container does not hold: its image's config and where its
// volumes are. A lookup that fails (an image removed since, say) leaves those keys to what the
// container knows.
DockerContainerSources SourcesOf(AgentConnection& agent, const v1::Container& container) {
  DockerContainerSources sources;
  {
    grpc::ClientContext context;
    v1::InspectImageRequest request;
    request.set_image(container.image_id());
    v1::Image image;
    if (agent.images().Inspect(&context, request, &image).ok()) sources.image = std::move(image);
  }
  // One List for all of a container's named volumes, and none without any.
  bool has_named_volume = false;
  for (const auto& mount : container.spec().mounts()) {
    has_named_volume |= mount.type() == v1::Mount::TYPE_VOLUME && !mount.source().empty();
  }
  if (!has_named_volume) return sources;
  grpc::ClientContext context;
  v1::ListVolumesResponse volumes;
  if (!agent.volumes().List(&context, v1::ListVolumesRequest(), &volumes).ok()) return sources;
  for (const auto& mount : container.spec().mounts()) {
    if (mount.type() != v1::Mount::TYPE_VOLUME || mount.source().empty()) continue;
    for (const v1::Volume& volume : volumes.volumes()) {
      if (volume.name() == mount.source()) {
        sources.volume_mountpoints[mount.source()] = volume.mountpoint();
      }
    }
  }
  return sources;
}

}  // namespace

int InspectContainers(AgentConnection& agent, const std::vector<std::string>& names,
                      const std::string& format, bool with_size) {
  // Each container's writable layer, measured by the agent (as `system df` shows it); asked
  // once for all the names.
  std::optional<std::map<std::string, uint64_t>> writable_bytes;
  auto size_of = [&](const std::string& id) -> std::optional<uint64_t> {
    if (!writable_bytes) {
      writable_bytes.emplace();
      grpc::ClientContext context;
      v1::DiskUsageResponse usage;
      grpc::Status status = agent.system().DiskUsage(&context, v1::DiskUsageRequest(), &usage);
      if (!status.ok()) {
        std::fprintf(stderr, "boxcar: inspect --size: %s\n", status.error_message().c_str());
      }
      for (const auto& container : usage.containers()) {
        (*writable_bytes)[container.id()] = container.writable_bytes();
      }
    }
    auto found = writable_bytes->find(id);
    if (found == writable_bytes->end()) return std::nullopt;
    return found->second;
  };
  return InspectEach(
      agent, names, format, agent.containers(), &v1::Containers::Stub::Inspect,
      [](v1::InspectContainerRequest* request, const std::string& name) {
        request->set_container(name);
      },
      [&](const v1::Container& container) {
        DockerContainerSources sources = SourcesOf(agent, container);
        if (with_size) {
          // As Docker's: the writable layer, and the whole root filesystem it shows (the image
          // counted as `boxcar images` counts it).
          const std::optional<uint64_t> writable = size_of(container.id());
          sources.size_rw_bytes = static_cast<int64_t>(writable.value_or(0));
          sources.size_root_fs_bytes =
              *sources.size_rw_bytes +
              static_cast<int64_t>(sources.image ? sources.image->size_bytes() : 0);
        }
        return DockerContainerView(container, sources);
      });
}

}  // namespace boxcar::cli
