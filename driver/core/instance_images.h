// The images of instances: what a spawn boots (found in the store by content or by Glance id,
// else pulled from Glance through the agent with the caller's token, else handed to
// nova-compute to stream in), and snapshots (a commit of the container, pushed to the Glance
// image Nova created, or handed to nova-compute to stream out).
#pragma once

#include <memory>
#include <string>

#include "common/status.h"
#include "core/agent_client.h"
#include "core/driver_options.h"
#include "core/nova_types.h"

namespace boxcar::nova {

// Where a spawn's image is: in the store (`image_id`), or nova-compute must stream it in
// (StartUpload) because the agent cannot fetch it (`why` says what the agent answered).
struct ImageLookup {
  std::string image_id;
  bool needs_upload = false;
  std::string why;
};

// Where a snapshot went: to Glance through the agent, or nova-compute must stream it out
// (StartDownload).
struct SnapshotPush {
  bool pushed = false;
  bool needs_download = false;
  std::string why;
};

class InstanceImages {
 public:
  InstanceImages(AgentClient* agent, const DriverOptions& options)
      : agent_(agent), options_(options) {}

  // Refuses images Boxcar cannot boot, then looks in the store: the image's
  // boxcar_config_digest property (its content), then its cache reference ("glance/<id>"). A miss
  // pulls "glance://<id>" through the agent (tagged with the cache reference), unless the
  // transfer mode says nova-compute streams it.
  StatusOr<ImageLookup> Resolve(const ImageRequest& image, const GlanceCredentials& credentials);

  // An import tagged with the image's cache reference; FinishUpload checks what arrived.
  StatusOr<std::unique_ptr<ImageImportStream>> StartUpload(const ImageRequest& image);
  // Finishes the import; an image whose boxcar_config_digest property names other content is
  // refused and untagged again (nothing of it stays).
  StatusOr<std::string> FinishUpload(const ImageRequest& image, ImageImportStream* stream);

  // Commits the instance's container as "glance/<snapshot id>": booting the snapshot on this
  // host later needs no transfer. Returns the new image's id.
  StatusOr<std::string> CommitSnapshot(const std::string& instance_uuid,
                                       const std::string& snapshot_image_id);
  // Uploads `image_id` into the Glance image `snapshot_image_id` through the agent.
  StatusOr<SnapshotPush> PushSnapshot(const std::string& image_id,
                                      const std::string& snapshot_image_id,
                                      const GlanceCredentials& credentials);
  // The image as a docker-archive, for nova-compute to upload.
  StatusOr<std::unique_ptr<ImageSaveStream>> StartDownload(const std::string& image_id);

 private:
  // The image in the store under `image`, or "" when the store has none.
  StatusOr<std::string> FindInStore(const std::string& image);

  AgentClient* agent_;
  DriverOptions options_;
};

// v1::OpenStackAuth from the caller's credentials.
v1::OpenStackAuth OpenStackAuthFor(const GlanceCredentials& credentials);

}  // namespace boxcar::nova
