// `boxcar image save`: stored images as one tar, an OCI image layout (what skopeo calls
// oci-archive, umoci and podman read), a docker-archive (docker load, skopeo), or both at once
// (Docker 25's layout: the docker manifest names the OCI blobs). The
// same images always give the same bytes: fixed member order, times, owners and modes, and
// manifests built by BuildImageManifest.
#pragma once

#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "boxcar/v1/images.pb.h"
#include "common/status.h"
#include "store/blob_store.h"

namespace boxcar {

enum class ImageArchiveFormat { kOciLayout, kDockerArchive, kOciAndDocker };

// Receives the archive in order; false aborts the export (kCancelled).
using ArchiveSink = std::function<bool(std::string_view bytes)>;

// `tmp_dir` holds decompressed copies of compressed layers while a docker-archive is written
// (its layers are plain tar, as `docker save` writes them); they are removed before return.
Status WriteImageArchive(const BlobStore& blobs, const std::vector<v1::Image>& images,
                         ImageArchiveFormat format, const std::string& tmp_dir,
                         const ArchiveSink& sink);

}  // namespace boxcar
