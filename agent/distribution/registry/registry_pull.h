// One pull from a registry into the store: the manifest (an index resolved to the platform's
// manifest), then the config and the layers, several at once, each stored and unpacked while it
// downloads, verified by digest, and resumed with a Range request when its connection is cut.
#pragma once

#include "distribution/image_transport.h"
#include "distribution/registry/registry_client.h"
#include "distribution/registry/registry_manifest.h"
#include "store/image_store.h"

namespace boxcar {

struct RegistryPullOptions {
  uint32_t parallel_layers = 3;
  // Attempts of a blob download that make no progress before the pull gives up.
  int max_stalled_attempts = 4;
};

class RegistryPull {
 public:
  RegistryPull(ImageStore* store, RegistryClient* client, RegistryReference reference,
               RegistryPullOptions options, const TransferProgressSink& progress,
               const TransferCancelCheck& cancelled)
      : store_(store),
        client_(client),
        reference_(std::move(reference)),
        options_(options),
        progress_(progress),
        cancelled_(cancelled) {}

  // `extra_reference` (may be empty) tags the image besides the source's own name.
  StatusOr<v1::Image> Run(const Platform& platform, const std::string& extra_reference);

 private:
  // The image manifest's JSON, through an index when the reference names one;
  // `top_digest` is the digest of the manifest the reference names (the index, if any): the
  // image's repo digest, as Docker records it.
  StatusOr<std::string> FetchImageManifest(const Platform& platform, std::string* top_digest);
  // GET of a manifest by tag or digest, verified against `expected_digest` when given.
  StatusOr<HttpResponse> FetchManifest(const std::string& key, const std::string& expected_digest);
  // A small blob (the config) into memory, verified.
  StatusOr<std::string> FetchSmallBlob(const Descriptor& descriptor);
  // The config and the layers, `parallel_layers` transfers at once, the config first.
  Status PullBlobs(ImageStore::BlobPull* pull, const ImageManifestBlobs& blobs);
  // The config into the store, unless it is there already.
  Status StoreConfig(ImageStore::BlobPull* pull, const Descriptor& config);
  Status PullLayer(ImageStore::BlobPull* pull, const Descriptor& layer,
                   const std::function<bool()>& stop);
  void Report(const std::string& digest, v1::TransferState state, uint64_t done, uint64_t total);
  std::string BlobPath(const std::string& digest) const;
  std::vector<std::string> Scopes() const;

  ImageStore* store_;
  RegistryClient* client_;
  RegistryReference reference_;
  RegistryPullOptions options_;
  const TransferProgressSink& progress_;
  const TransferCancelCheck& cancelled_;
};

}  // namespace boxcar
