// The OCI / Docker image config JSON, in one place: built for single-layer rootfs imports and
// commits, parsed for the run-time defaults and layer diff ids of every stored image.
#pragma once

#include <string>
#include <vector>

#include "boxcar/v1/images.pb.h"
#include "common/status.h"

namespace boxcar {

// The OCI image config JSON for a single-layer rootfs image (no timestamp: importing the
// same tarball with the same config yields the same image id); `comment`, when not empty, is
// its history entry's (`image import --message`).
std::string BuildOciConfigJson(const v1::ImageConfig& config,
                               const std::vector<std::string>& diff_ids,
                               const std::string& comment = "");

// The run-time defaults and the layer diff ids of an OCI / Docker image config.
Status ParseImageConfig(const std::string& json, v1::ImageConfig* config,
                        std::vector<std::string>* diff_ids);

}  // namespace boxcar
