// `boxcar system df`: what the agent's images, containers and volumes take on disk. Images
// count their layers' stored blobs (as `image ls` shows them), a layer that two images have
// once in each and as shared; containers their writable layers and volumes their data, both
// as apparent sizes (common/tree_size.h), as Docker counts them.
#pragma once

#include "boxcar/v1/system.pb.h"
#include "common/status.h"
#include "core/container_service.h"
#include "core/volume_service.h"
#include "store/image_store.h"

namespace boxcar {

// `volumes` may be null (an agent without volumes).
StatusOr<v1::DiskUsageResponse> MeasureDiskUsage(ImageStore& images, ContainerService& containers,
                                                 VolumeService* volumes);

}  // namespace boxcar
