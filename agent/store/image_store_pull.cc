// ImageStore::BlobPull: an image assembled from blobs a registry client fetches one by one.
// It reuses the archive import's machinery: blobs through BlobStore writers (hashed while they
// arrive), layers through EarlyLayerUnpacks (unpacked while they arrive), and StoreArchive to
// check the config against the layers and record everything in one transaction.
#include "store/image_store.h"

namespace boxcar {

StatusOr<std::unique_ptr<ImageStore::BlobPull>> ImageStore::BeginBlobPull() {
  return std::unique_ptr<BlobPull>(new BlobPull(this));
}

ImageStore::BlobPull::BlobPull(ImageStore* store) : store_(store) {
  ++store_->imports_in_flight_;  // Check leaves this pull's blobs alone until it ends
  early_unpacks_ = std::make_unique<EarlyLayerUnpacks>(
      store->limits_, [store] { return store->MakeUnpackDirectory(); },
      [store](const std::string& digest) { return store->HasLayerOfBlob(digest); });
}

ImageStore::BlobPull::~BlobPull() {
  early_unpacks_.reset();  // waits for the unpackers, removes what they made
  if (!finished_) store_->ReleaseArchiveBlobs(stored_blobs_);
  --store_->imports_in_flight_;
}

void ImageStore::BlobPull::Keep(const std::string& digest) {
  store_->blobs_->Pin(digest);
  KeepPinned(digest);
}

void ImageStore::BlobPull::KeepPinned(const std::string& digest) {
  std::lock_guard<std::mutex> lock(mutex_);
  stored_blobs_.push_back(digest);
}

bool ImageStore::BlobPull::KeepExistingLayer(const std::string& digest) {
  if (!store_->HasLayerOfBlob(digest) || !store_->blobs_->Contains(digest)) return false;
  Keep(digest);
  // A prune may have deleted it between the check and the pin.
  return store_->blobs_->Contains(digest);
}

bool ImageStore::BlobPull::KeepExistingBlob(const std::string& digest) {
  if (!store_->blobs_->Contains(digest)) return false;
  Keep(digest);
  return store_->blobs_->Contains(digest);
}

StatusOr<std::unique_ptr<ImageStore::BlobPull::LayerDownload>> ImageStore::BlobPull::BeginLayer(
    const std::string& digest, uint64_t size) {
  if (!IsSha256Digest(digest)) return InvalidArgument("layer digest '" + digest + "'");
  ASSIGN_OR_RETURN(auto writer, store_->blobs_->NewWriter());
  return std::unique_ptr<LayerDownload>(new LayerDownload(this, digest, size, std::move(writer)));
}

ImageStore::BlobPull::LayerDownload::~LayerDownload() {
  // Without Commit: the unpacker sees the end of a layer that was never stored, and its
  // directory is removed by EarlyLayerUnpacks. The writer first: it stops lending blocks.
  writer_.reset();
  unpack_.reset();
}

Status ImageStore::BlobPull::LayerDownload::Write(const char* bytes, size_t size) {
  if (size == 0) return OkStatus();
  if (!opened_) {
    opened_ = true;
    // Named like an OCI layout member, so the early unpacks see the blob's digest.
    std::lock_guard<std::mutex> lock(pull_->mutex_);
    unpack_ = pull_->early_unpacks_->Open("blobs/sha256/" + digest_.substr(7), size_,
                                          std::string_view(bytes, size));
    unpack_lent_ = TakeBlobBlocks(unpack_.get(), writer_.get());
  }
  RETURN_IF_ERROR(writer_->Write(bytes, size));
  if (unpack_ && !unpack_lent_) unpack_->Write(bytes, size);
  return OkStatus();
}

Status ImageStore::BlobPull::LayerDownload::Commit() {
  ASSIGN_OR_RETURN(std::string digest, writer_->CommitPinned(digest_));
  pull_->KeepPinned(digest);
  if (unpack_) {
    unpack_->Finish(digest, writer_->bytes_written());
    unpack_.reset();
  }
  return OkStatus();
}

Status ImageStore::BlobPull::StoreBlob(const std::string& content, const std::string& digest) {
  ASSIGN_OR_RETURN(auto writer, store_->blobs_->NewWriter());
  RETURN_IF_ERROR(writer->Write(content.data(), content.size()));
  ASSIGN_OR_RETURN(std::string stored, writer->CommitPinned(digest));
  KeepPinned(stored);
  return OkStatus();
}

StatusOr<v1::Image> ImageStore::BlobPull::Finish(const std::vector<std::string>& references,
                                                 const std::vector<std::string>& repo_digests,
                                                 const std::string& config_digest,
                                                 const std::vector<std::string>& layer_digests,
                                                 LayerProgress* progress) {
  finished_ = true;  // StoreArchive releases the blobs, whatever the outcome
  PendingLayers unpacked;
  unpacked.layers = early_unpacks_->Finish();
  ImageArchive archive;
  archive.images.push_back({config_digest, layer_digests, {}, repo_digests});
  std::vector<std::string> stored;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    stored = stored_blobs_;
  }
  auto image = store_->StoreArchive(references.empty() ? "" : references.front(),
                                    std::move(archive), stored, progress, std::move(unpacked));
  if (!image.ok()) return image;
  for (size_t i = 1; i < references.size(); ++i) {
    RETURN_IF_ERROR(store_->Tag(image->id(), references[i]).status());
  }
  return references.size() > 1 ? store_->Resolve(image->id(), "image") : image;
}

}  // namespace boxcar
