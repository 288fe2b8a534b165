// The Glance translator as an ImageTransport: `pull glance://ID` downloads a Glance image
// (container_format docker, disk_format raw: a docker-archive or OCI archive) straight into
// the store's archive import, verified against Glance's hash before anything is committed;
// `push IMAGE glance://[NAME]` uploads the image as a docker-archive into a new (or a given,
// queued) Glance image with boxcar_* properties (glance_image_mapping.h). Acts only with the
// request's credentials, never logs them.
#pragma once

#include "distribution/image_transport.h"
#include "store/image_store.h"

namespace boxcar {

class GlanceTransport : public ImageTransport {
 public:
  explicit GlanceTransport(ImageStore* store) : store_(store) {}
  const char* name() const override { return "glance"; }
  StatusOr<v1::Image> Pull(const v1::PullRequest& request, const TransferProgressSink& progress,
                           const TransferCancelCheck& cancelled) override;
  StatusOr<v1::PushResult> Push(const v1::PushRequest& request,
                                const TransferProgressSink& progress,
                                const TransferCancelCheck& cancelled) override;

 private:
  // Records in the store that Glance's hash `archive_digest` names `image_id` (a warning when
  // that fails).
  void RecordArchiveDigest(const std::string& archive_digest, const std::string& image_id);

  ImageStore* store_;
};

}  // namespace boxcar
