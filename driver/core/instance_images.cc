#include "core/instance_images.h"

#include "core/image_mapping.h"
#include "core/instance_labels.h"

namespace boxcar::nova {

v1::OpenStackAuth OpenStackAuthFor(const GlanceCredentials& credentials) {
  v1::OpenStackAuth auth;
  auth.set_token(credentials.token);
  auth.set_glance_endpoint(credentials.glance_endpoint);
  auth.set_project_id(credentials.project_id);
  return auth;
}

StatusOr<std::string> InstanceImages::FindInStore(const std::string& image) {
  auto found = agent_->InspectImage(image);
  if (found.ok()) return found->id();
  if (found.status().code() == StatusCode::kNotFound) return std::string();
  return found.status();
}

StatusOr<ImageLookup> InstanceImages::Resolve(const ImageRequest& image,
                                              const GlanceCredentials& credentials) {
  RETURN_IF_ERROR(CheckBootableImage(image));
  ASSIGN_OR_RETURN(std::string reference, CacheReferenceFor(image));
  ImageLookup lookup;
  // Only the cache entry of this very Glance image (which Nova let the caller use). The image's
  // boxcar_config_digest property is no proof of its content — any owner writes any value,
  // naming another project's image — so it never selects a stored image; the agent's pull
  // knows data it has by Glance's own hash of it.
  ASSIGN_OR_RETURN(lookup.image_id, FindInStore(reference));
  if (!lookup.image_id.empty()) return lookup;

  if (options_.image_transfer == ImageTransfer::kCompute) {
    lookup.needs_upload = true;
    lookup.why = "[boxcar] image_transfer = compute";
    return lookup;
  }
  v1::PullRequest pull;
  pull.set_source("glance://" + image.id);
  pull.set_reference(reference);
  *pull.mutable_openstack() = OpenStackAuthFor(credentials);
  pull.set_ca_file(credentials.ca_file);
  auto pulled = agent_->Pull(pull);
  if (pulled.ok()) {
    lookup.image_id = pulled->id();
    return lookup;
  }
  if (pulled.status().code() == StatusCode::kUnimplemented &&
      options_.image_transfer == ImageTransfer::kAuto) {
    lookup.needs_upload = true;
    lookup.why = pulled.status().message();
    return lookup;
  }
  return pulled.status().Annotate("pull image " + image.id + " from Glance");
}

StatusOr<std::unique_ptr<ImageImportStream>> InstanceImages::StartUpload(
    const ImageRequest& image) {
  RETURN_IF_ERROR(CheckBootableImage(image));
  ASSIGN_OR_RETURN(std::string reference, CacheReferenceFor(image));
  v1::ImportHeader header;
  header.set_reference(reference);
  header.set_total_bytes(image.size_bytes);
  auto stream = agent_->StartImport(header);
  if (!stream.ok()) return stream.status().Annotate("import image " + image.id);
  return stream;
}

StatusOr<std::string> InstanceImages::FinishUpload(const ImageRequest& image,
                                                   ImageImportStream* stream) {
  auto imported = stream->Finish();
  if (!imported.ok()) {
    return imported.status().Annotate("import image " + image.id +
                                      " (its data must be a docker-archive or OCI archive)");
  }
  auto content = image.properties.find(kBoxcarImageIdProperty);
  if (content != image.properties.end() && !content->second.empty() &&
      content->second != imported->id()) {
    ASSIGN_OR_RETURN(std::string reference, CacheReferenceFor(image));
    (void)agent_->RemoveImage(reference, /*force=*/false);
    return DataLoss("image " + image.id + ": its data is image " + imported->id() + ", not the " +
                    content->second + " its " + kBoxcarImageIdProperty + " property names");
  }
  return imported->id();
}

StatusOr<std::string> InstanceImages::CommitSnapshot(const std::string& instance_uuid,
                                                     const std::string& snapshot_image_id) {
  ASSIGN_OR_RETURN(std::string name, ContainerNameFor(instance_uuid));
  ImageRequest snapshot;
  snapshot.id = snapshot_image_id;
  ASSIGN_OR_RETURN(std::string reference, CacheReferenceFor(snapshot));
  v1::CommitContainerRequest request;
  request.set_container(name);
  request.set_reference(reference);
  request.set_message("snapshot " + snapshot_image_id + " of instance " + instance_uuid);
  request.set_pause(true);
  auto committed = agent_->Commit(request);
  if (!committed.ok()) return committed.status().Annotate("snapshot of instance " + instance_uuid);
  return committed->image_id();
}

StatusOr<SnapshotPush> InstanceImages::PushSnapshot(const std::string& image_id,
                                                    const std::string& snapshot_image_id,
                                                    const GlanceCredentials& credentials) {
  SnapshotPush outcome;
  if (options_.image_transfer == ImageTransfer::kCompute) {
    outcome.needs_download = true;
    outcome.why = "[boxcar] image_transfer = compute";
    return outcome;
  }
  v1::PushRequest push;
  push.set_image(image_id);
  push.set_destination("glance://");
  push.set_glance_image_id(snapshot_image_id);
  *push.mutable_openstack() = OpenStackAuthFor(credentials);
  push.set_ca_file(credentials.ca_file);
  auto pushed = agent_->Push(push);
  if (pushed.ok()) {
    outcome.pushed = true;
    return outcome;
  }
  if (pushed.status().code() == StatusCode::kUnimplemented &&
      options_.image_transfer == ImageTransfer::kAuto) {
    outcome.needs_download = true;
    outcome.why = pushed.status().message();
    return outcome;
  }
  return pushed.status().Annotate("upload snapshot " + snapshot_image_id + " to Glance");
}

StatusOr<std::unique_ptr<ImageSaveStream>> InstanceImages::StartDownload(
    const std::string& image_id) {
  return agent_->StartSave(image_id, v1::ARCHIVE_FORMAT_DOCKER);
}

}  // namespace boxcar::nova
