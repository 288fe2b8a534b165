// One push of a stored image to a registry: each blob (layers, then the config) is asked for
// with HEAD first and skipped when the registry has it, mounted from another repository of the
// same registry where the image came from one, else uploaded (monolithic up to the chunk
// size, in PATCH chunks beyond); then the manifest, which Boxcar states as OCI.
#pragma once

#include "distribution/image_transport.h"
#include "distribution/registry/registry_client.h"
#include "store/blob_store.h"

namespace boxcar {

struct RegistryPushOptions {
  // Blobs up to this size go in one PUT; larger ones in PATCH chunks of this size.
  uint64_t chunk_bytes = 32ull << 20;
  // Blobs uploaded at once.
  uint32_t parallel_blobs = 3;
};

class RegistryPush {
 public:
  RegistryPush(const BlobStore* blobs, RegistryClient* client, RegistryReference destination,
               RegistryPushOptions options, const TransferProgressSink& progress,
               const TransferCancelCheck& cancelled)
      : blobs_(blobs),
        client_(client),
        destination_(std::move(destination)),
        options_(options),
        progress_(progress),
        cancelled_(cancelled) {}

  // `mount_sources`: repositories of the same registry the image is known in.
  StatusOr<v1::PushResult> Run(const v1::Image& image,
                               const std::vector<std::string>& mount_sources);

 private:
  Status PushBlob(const std::string& digest, const std::vector<std::string>& mount_sources,
                  const std::function<bool()>& stop);
  // Uploads a blob's bytes to an upload session at `location`.
  Status Upload(const std::string& digest, uint64_t size, std::string location,
                const std::function<bool()>& stop);
  void Report(const std::string& digest, v1::TransferState state, uint64_t done, uint64_t total);
  std::vector<std::string> Scopes(const std::string& mount_source = "") const;

  const BlobStore* blobs_;
  RegistryClient* client_;
  RegistryReference destination_;
  RegistryPushOptions options_;
  const TransferProgressSink& progress_;
  const TransferCancelCheck& cancelled_;
};

}  // namespace boxcar
