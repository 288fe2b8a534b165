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
  for (const auto& mount : container.spec().mounts()) {
    if (mount.type() != v1::Mount::TYPE_VOLUME || mount.source().empty()) continue;
    grpc::ClientContext context;
    v1::InspectVolumeRequest request;
    request.set_name(mount.source());
    v1::Volume volume;
    if (agent.volumes().Inspect(&context, request, &volume).ok()) {
      sources.volume_mountpoints[mount.source()] = volume.mountpoint();
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
