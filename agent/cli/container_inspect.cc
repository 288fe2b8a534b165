#include "cli/container_inspect.h"

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
                      const std::string& format) {
  return InspectEach(
      agent, names, format, agent.containers(), &v1::Containers::Stub::Inspect,
      [](v1::InspectContainerRequest* request, const std::string& name) {
        request->set_container(name);
      },
      [&](const v1::Container& container) {
        return DockerContainerView(container, SourcesOf(agent, container));
      });
}

}  // namespace boxcar::cli
