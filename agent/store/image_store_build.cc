// ImageStore::StoreBuiltImage: the image of one build step.
#include "store/image_store.h"
#include "store/layer_writer.h"

namespace boxcar {

StatusOr<v1::Image> ImageStore::StoreBuiltImage(
    const std::vector<std::string>& layer_digests, const std::string& new_layer_dir,
    const std::function<std::string(const std::string& new_layer_digest)>& config_json,
    bool adopt_layer_dir) {
  // Blobs written before the records exist: system check must not take them for orphans.
  ++imports_in_flight_;
  struct CountOut {
    std::atomic<int>& count;
    ~CountOut() { --count; }
  } count_out{imports_in_flight_};
  ArchivedImage archived;
  archived.layer_digests = layer_digests;
  std::vector<std::string> written;
  std::string new_digest;
  PendingLayers adopted;
  if (!new_layer_dir.empty()) {
    ASSIGN_OR_RETURN(WrittenLayer layer, WriteLayerFromDirectory(new_layer_dir, {}, blobs_));
    new_digest = layer.digest;
    archived.layer_digests.push_back(layer.digest);
    written.push_back(layer.digest);
    // StoreImage moves it into layers/ if the store lacks the layer, else removes it.
    if (adopt_layer_dir) adopted.layers.push_back({new_layer_dir, layer.digest, layer.digest, layer.size, 0});
  }
  auto config_digest = blobs_->WriteBlob(config_json(new_digest));
  if (!config_digest.ok()) {
    DeleteUnreferencedBlobs(written);
    return config_digest.status();
  }
  written.push_back(*config_digest);
  archived.config_digest = *config_digest;
  auto stored = StoreImage(archived, {}, std::move(adopted));
  if (!stored.ok()) DeleteUnreferencedBlobs(written);
  return stored;
}

}  // namespace boxcar
