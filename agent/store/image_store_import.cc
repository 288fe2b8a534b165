// ImageStore's import path: a stream (rootfs tarball or image archive) becomes blobs, layers
// and image records; nothing is visible until every layer is checked and recorded.
#include <dirent.h>
#include <rapidjson/document.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <algorithm>
#include <set>

#include "common/crash_points.h"
#include "common/directory_tree.h"
#include "common/env_entries.h"
#include "common/sha256.h"
#include "common/user_spec.h"
#include "store/image_manifest.h"
#include "store/image_store.h"

namespace boxcar {

StatusOr<std::unique_ptr<ImageStore::ImageImport>> ImageStore::BeginImport(
    const v1::ImportHeader& header) {
  if (!header.reference().empty()) {
    RETURN_IF_ERROR(ParseImageReference(header.reference(), "header.reference").status());
  }
  if (!header.expected_digest().empty() && !IsSha256Digest(header.expected_digest())) {
    return InvalidArgument("header.expected_digest: '" + header.expected_digest() +
                           "' is not sha256:<64 lower-case hex>");
  }
  if (!header.config().working_dir().empty() && header.config().working_dir()[0] != '/') {
    return InvalidArgument("header.config.working_dir: must be absolute");
  }
  RETURN_IF_ERROR(CheckEnvEntries(header.config().env(), "header.config.env"));
  RETURN_IF_ERROR(CheckUserSpec(header.config().user(), "header.config.user"));
  ASSIGN_OR_RETURN(auto writer, blobs_->NewWriter());
  ++imports_in_flight_;  // the ImageImport's destructor counts it out
  return std::unique_ptr<ImageImport>(new ImageImport(this, header.reference(),
                                                      header.expected_digest(), header.config(),
                                                      header.message(), std::move(writer)));
}

namespace {

// Enough of an import's first bytes to see its first entries (directories come first).
constexpr size_t kDecisionBytes = 64 << 10;

}  // namespace

ImageStore::ImageImport::~ImageImport() {
  if (archive_ && !finished_) {
    archive_->Abort();
    store_->ReleaseArchiveBlobs(archive_->stored_blobs());
  }
  --store_->imports_in_flight_;
}

Status ImageStore::ImageImport::Write(const void* bytes, size_t size) {
  if (decided_ && archive_) return Write(std::string(static_cast<const char*>(bytes), size));
  bytes_received_ += size;
  if (!decided_) {
    head_.append(static_cast<const char*>(bytes), size);
    return head_.size() < kDecisionBytes ? OkStatus() : Decide();
  }
  return writer_->Write(bytes, size);
}

Status ImageStore::ImageImport::Write(std::string&& chunk) {
  if (!decided_ || !archive_) return Write(chunk.data(), chunk.size());
  bytes_received_ += chunk.size();
  if (archive_hasher_) archive_hasher_->Update(chunk.data(), chunk.size());
  return archive_->Write(std::move(chunk));
}

Status ImageStore::ImageImport::Decide() {
  decided_ = true;
  std::string head = std::move(head_);
  if (!StartsLikeImageArchive(head)) return writer_->Write(head.data(), head.size());
  writer_.reset();
  ImageStore* store = store_;
  early_unpacks_ = std::make_unique<EarlyLayerUnpacks>(
      store->limits_, [store] { return store->MakeUnpackDirectory(); },
      [store](const std::string& digest) { return store->HasLayerOfBlob(digest); });
  archive_ = std::make_unique<ImageArchiveStream>(store_->blobs_, early_unpacks_.get());
  if (!expected_digest_.empty()) {
    archive_hasher_.emplace();
    archive_hasher_->Update(head);
  }
  return archive_->Write(std::move(head));
}

StatusOr<v1::Image> ImageStore::ImageImport::Finish(LayerProgress* progress) {
  if (bytes_received_ == 0) return InvalidArgument("chunk: the import stream carried no data");
  if (!decided_) RETURN_IF_ERROR(Decide());
  return archive_ ? FinishArchiveStream(progress) : FinishWholeStream(progress);
}

StatusOr<v1::Image> ImageStore::ImageImport::FinishArchiveStream(LayerProgress* progress) {
  finished_ = true;
  if (archive_hasher_) {
    std::string digest = archive_hasher_->FinishDigest();
    if (digest != expected_digest_) {
      archive_->Abort();
      store_->ReleaseArchiveBlobs(archive_->stored_blobs());
      return InvalidArgument("header.expected_digest: digest mismatch: expected " +
                             expected_digest_ + ", got " + digest);
    }
  }
  auto archive = archive_->Finish();
  PendingLayers unpacked;
  unpacked.layers = early_unpacks_->Finish();
  return store_->StoreArchive(reference_, std::move(archive), archive_->stored_blobs(), progress,
                              std::move(unpacked));
}

StatusOr<v1::Image> ImageStore::ImageImport::FinishWholeStream(LayerProgress* progress) {
  auto digest = writer_->CommitPinned(expected_digest_);
  if (!digest.ok()) {
    if (digest.status().code() == StatusCode::kInvalidArgument) {
      return digest.status().Annotate("header.expected_digest");
    }
    return digest.status();
  }
  // Pinned until the import ends (the deletes below leave it alone until then): another
  // import of the same bytes, ending, would delete it from under this one. Then kept only if
  // a layer record uses it (a rootfs tarball's layer; never an archive).
  struct ReleaseWhenDone {
    ImageStore* store;
    std::string digest;
    ~ReleaseWhenDone() { store->ReleaseArchiveBlobs({digest}); }
  } release_when_done{store_, *digest};
  if (LooksLikeImageArchive(store_->blobs_->BlobPath(*digest))) {
    return store_->FinishArchiveImport(reference_, *digest, progress);
  }
  if (reference_.empty()) {
    store_->DeleteUnreferencedBlobs({*digest});
    return InvalidArgument(
        "header.reference: a rootfs tarball needs a reference such as busybox:latest");
  }
  ASSIGN_OR_RETURN(ImageReference reference, ParseImageReference(reference_, "header.reference"));
  return store_->FinishImport(reference, *digest, config_, comment_, progress);
}

void ImageStore::ReleaseArchiveBlobs(const std::vector<std::string>& digests) {
  for (const auto& digest : digests) blobs_->Unpin(digest);
  DeleteUnreferencedBlobs(digests);
}

void ImageStore::DeleteUnreferencedBlobs(const std::vector<std::string>& digests) {
  std::lock_guard<std::mutex> lock(db_->mutex());
  for (const auto& digest : digests) {
    auto used = db_->Prepare(
        "SELECT (SELECT COUNT(*) FROM layers WHERE blob_digest = ?1) + (SELECT COUNT(*) FROM "
        "images WHERE id = ?1)");
    if (!used.ok()) continue;
    used->Bind(1, digest);
    if (auto row = used->Step(); row.ok() && *row && used->ColumnInt(0) == 0)
      (void)blobs_->Delete(digest);
  }
}

StatusOr<v1::Image> ImageStore::FinishArchiveImport(const std::string& reference,
                                                    const std::string& archive_digest,
                                                    LayerProgress* progress) {
  std::vector<std::string> stored_blobs;
  auto archive = ReadImageArchive(blobs_->BlobPath(archive_digest), blobs_, &stored_blobs);
  // The archive itself is not an image blob.
  (void)blobs_->Delete(archive_digest);
  return StoreArchive(reference, std::move(archive), stored_blobs, progress);
}

StatusOr<v1::Image> ImageStore::StoreArchive(const std::string& reference,
                                             StatusOr<ImageArchive> archive,
                                             const std::vector<std::string>& stored_blobs,
                                             LayerProgress* progress, PendingLayers unpacked) {
  // Manifests and indexes are not kept; after a failure, nothing is.
  struct DeleteStoredBlobs {
    ImageStore* store;
    const std::vector<std::string>& digests;
    ~DeleteStoredBlobs() { store->ReleaseArchiveBlobs(digests); }
  } delete_stored_blobs{this, stored_blobs};
  if (!archive.ok()) return archive.status();
  if (progress) {
    for (const auto& image : archive->images)
      progress->total += static_cast<uint32_t>(image.layer_digests.size());
  }
  // Every image is checked and unpacked before any is recorded: an archive imports whole or
  // not at all.
  std::vector<PreparedImage> prepared;
  for (size_t i = 0; i < archive->images.size(); ++i) {
    std::vector<std::string> references;
    if (i == 0 && !reference.empty()) {
      references.push_back(reference);
    } else {
      for (const auto& tag : archive->images[i].references) {
        // An OCI ref.name is often only a tag ("latest"): it names no repository.
        if (tag.find(':') != std::string::npos && ParseImageReference(tag, "tag").ok())
          references.push_back(tag);
      }
    }
    auto image = PrepareImage(archive->images[i], references, prepared, &unpacked, progress);
    if (!image.ok()) {
      return archive->images.size() == 1
                 ? image.status()
                 : image.status().Annotate("image " + std::to_string(i + 1) + " of " +
                                           std::to_string(archive->images.size()));
    }
    prepared.push_back(std::move(*image));
  }
  ASSIGN_OR_RETURN(std::vector<v1::Image> stored, RecordImages(prepared));
  return stored.front();
}

bool ImageStore::HasLayerOfBlob(const std::string& digest) {
  std::lock_guard<std::mutex> lock(db_->mutex());
  auto select = db_->Prepare("SELECT 1 FROM layers WHERE blob_digest = ?1 OR diff_id = ?1");
  if (!select.ok()) return false;
  select->Bind(1, digest);
  auto found = select->Step();
  return found.ok() && *found;
}

StatusOr<std::string> ImageStore::MakeUnpackDirectory() {
  std::string dir = root_dir_ + "/tmp/unpack-XXXXXX";
  if (::mkdtemp(dir.data()) == nullptr) return ErrnoStatus("create '" + dir + "'");
  // It becomes the layer root (the container's "/" unless a "./" member says otherwise):
  // mkdtemp's 0700 would lock non-root payloads out.
  if (::chmod(dir.c_str(), 0755) != 0) {
    Status failed = ErrnoStatus("chmod '" + dir + "'");
    (void)RemoveTree(dir);
    return failed;
  }
  return dir;
}

ImageStore::PendingLayers::~PendingLayers() {
  for (const auto& layer : layers) (void)RemoveTree(layer.dir);
}

StatusOr<ImageStore::PreparedImage> ImageStore::PrepareImage(
    const ArchivedImage& archived, const std::vector<std::string>& references,
    const std::vector<PreparedImage>& earlier, PendingLayers* unpacked_by_caller,
    LayerProgress* progress) {
  PreparedImage prepared;
  prepared.references = references;
  for (const auto& repo_digest : archived.repo_digests) {
    ASSIGN_OR_RETURN(std::string canonical, CanonicalRepoDigest(repo_digest, "repo digest"));
    prepared.repo_digests.push_back(std::move(canonical));
  }
  v1::Image& image = prepared.image;
  ASSIGN_OR_RETURN(std::string config_json, blobs_->ReadBlob(archived.config_digest));
  image.set_id(archived.config_digest);
  std::vector<std::string> diff_ids;
  RETURN_IF_ERROR(ParseImageConfig(config_json, image.mutable_config(), &diff_ids)
                      .Annotate("image config " + archived.config_digest));
  if (diff_ids.size() != archived.layer_digests.size()) {
    return InvalidArgument("image " + archived.config_digest + ": the manifest lists " +
                           std::to_string(archived.layer_digests.size()) + " layers, the config " +
                           std::to_string(diff_ids.size()) + " diff ids");
  }
  auto pending = [&](const std::string& diff_id) {
    auto in = [&](const PendingLayers& layers) {
      return std::any_of(layers.layers.begin(), layers.layers.end(),
                         [&](const auto& layer) { return layer.diff_id == diff_id; });
    };
    return in(prepared.new_layers) ||
           std::any_of(earlier.begin(), earlier.end(),
                       [&](const auto& other) { return in(other.new_layers); });
  };
  // Unpack the layers not yet in the store, outside the lock; check each diff id.
  uint64_t total_size = 0;
  for (size_t i = 0; i < diff_ids.size(); ++i) {
    // Reported once the layer is dealt with, whichever way (known, taken, unpacked).
    struct StepWhenDone {
      LayerProgress* progress;
      ~StepWhenDone() {
        if (progress) progress->Step();
      }
    } step_when_done{progress};
    ASSIGN_OR_RETURN(uint64_t blob_size, blobs_->BlobSize(archived.layer_digests[i]));
    total_size += blob_size;
    auto* layer = image.add_layers();
    layer->set_digest(archived.layer_digests[i]);
    layer->set_diff_id(diff_ids[i]);
    layer->set_size_bytes(blob_size);
    bool known = false;
    {
      // A layer already in the store keeps its blob (perhaps another compression of the same
      // content); the image records that one.
      std::lock_guard<std::mutex> lock(db_->mutex());
      ASSIGN_OR_RETURN(
          auto existing,
          db_->Prepare("SELECT blob_digest, size_bytes FROM layers WHERE diff_id = ?"));
      existing.Bind(1, diff_ids[i]);
      ASSIGN_OR_RETURN(known, existing.Step());
      if (known) {
        total_size += static_cast<uint64_t>(existing.ColumnInt(1)) - blob_size;
        layer->set_digest(existing.ColumnText(0));
        layer->set_size_bytes(static_cast<uint64_t>(existing.ColumnInt(1)));
      }
    }
    if (known || pending(diff_ids[i])) continue;
    if (unpacked_by_caller) {
      auto& offered = unpacked_by_caller->layers;
      auto by_caller = std::find_if(offered.begin(), offered.end(), [&](const auto& layer) {
        return layer.diff_id == diff_ids[i] && layer.blob_digest == archived.layer_digests[i];
      });
      if (by_caller != offered.end()) {
        prepared.new_layers.layers.push_back(std::move(*by_caller));
        offered.erase(by_caller);
        continue;
      }
    }
    ASSIGN_OR_RETURN(std::string dir, MakeUnpackDirectory());
    prepared.new_layers.layers.push_back(
        {dir, diff_ids[i], archived.layer_digests[i], blob_size, 0});
    auto unpacked = UnpackLayer(blobs_->BlobPath(archived.layer_digests[i]), dir, limits_,
                                archived.layer_digests[i]);
    if (!unpacked.ok()) {
      return unpacked.status().Annotate("layer " + std::to_string(i) + " (" +
                                        archived.layer_digests[i] + ")");
    }
    if (unpacked->diff_id != diff_ids[i]) {
      return InvalidArgument("layer " + std::to_string(i) + " (" + archived.layer_digests[i] +
                             "): its content hashes to " + unpacked->diff_id +
                             " but the image config says " + diff_ids[i]);
    }
    prepared.new_layers.layers.back().unpacked_bytes = unpacked->unpacked_bytes;
  }
  image.set_size_bytes(total_size);
  image.set_created_unix_seconds(::time(nullptr));
  return prepared;
}

StatusOr<std::vector<v1::Image>> ImageStore::RecordImages(std::vector<PreparedImage>& prepared) {
  std::lock_guard<std::mutex> lock(db_->mutex());
  SqliteTransaction transaction(*db_);
  RETURN_IF_ERROR(transaction.begun());
  // Layer directories moved into layers/: moved back on failure (and then removed with the
  // prepared images).
  std::vector<std::pair<std::string, std::string>> renamed;
  auto fail = [&](Status failure) {
    for (const auto& [from, to] : renamed) ::rename(to.c_str(), from.c_str());
    return failure;
  };
  auto run = [&](const std::string& sql, const std::vector<std::string>& texts,
                 int64_t number = -1) -> Status {
    ASSIGN_OR_RETURN(auto statement, db_->Prepare(sql));
    int index = 1;
    for (const auto& text : texts) statement.Bind(index++, text);
    if (number >= 0) statement.Bind(index, number);
    return statement.Run();
  };
  for (auto& [image, references, new_layers, repo_digests] : prepared) {
    for (auto& layer : new_layers.layers) {
      auto insert = db_->Prepare(
          "INSERT OR IGNORE INTO layers(diff_id, blob_digest, size_bytes, unpacked_bytes) "
          "VALUES(?, ?, ?, ?)");
      if (!insert.ok()) return fail(insert.status());
      insert->Bind(1, layer.diff_id)
          .Bind(2, layer.blob_digest)
          .Bind(3, static_cast<int64_t>(layer.blob_size));
      insert->Bind(4, static_cast<int64_t>(layer.unpacked_bytes));
      if (Status ran = insert->Run(); !ran.ok()) return fail(ran);
      if (db_->Changes() == 0) {
        // Another import recorded the same layer meanwhile: this image uses that one, and
        // this directory goes with the prepared image.
        auto existing =
            db_->Prepare("SELECT blob_digest, size_bytes FROM layers WHERE diff_id = ?");
        if (!existing.ok()) return fail(existing.status());
        existing->Bind(1, layer.diff_id);
        auto found = existing->Step();
        if (!found.ok() || !*found) return fail(Internal("layer " + layer.diff_id + " vanished"));
        for (auto& image_layer : *image.mutable_layers()) {
          if (image_layer.diff_id() != layer.diff_id) continue;
          image_layer.set_digest(existing->ColumnText(0));
          image_layer.set_size_bytes(static_cast<uint64_t>(existing->ColumnInt(1)));
        }
        continue;
      }
      std::string layer_dir = LayerDirectory(db_->LastInsertRowId());
      (void)RemoveTree(layer_dir);  // an orphan of a crash: its row never committed
      if (::rename(layer.dir.c_str(), layer_dir.c_str()) != 0) {
        return fail(ErrnoStatus("rename '" + layer.dir + "' to '" + layer_dir + "'"));
      }
      renamed.emplace_back(layer.dir, layer_dir);
    }
    {
      auto insert = db_->Prepare("INSERT OR IGNORE INTO images(id, record) VALUES(?, ?)");
      if (!insert.ok()) return fail(insert.status());
      insert->Bind(1, image.id()).BindBlob(2, image.SerializeAsString());
      if (Status ran = insert->Run(); !ran.ok()) return fail(ran);
    }
    for (int i = 0; i < image.layers_size(); ++i) {
      Status linked =
          run("INSERT OR IGNORE INTO image_layers(image_id, diff_id, position) VALUES(?, ?, ?)",
              {image.id(), image.layers(i).diff_id()}, i);
      if (!linked.ok()) return fail(linked);
    }
    for (const auto& reference : references) {
      auto parsed = ParseImageReference(reference, "reference");
      if (!parsed.ok()) return fail(parsed.status());
      Status tagged = run("INSERT OR REPLACE INTO image_refs(reference, image_id) VALUES(?, ?)",
                          {parsed->ToString(), image.id()});
      if (!tagged.ok()) return fail(tagged);
    }
    for (const auto& repo_digest : repo_digests) {
      Status recorded =
          run("INSERT OR REPLACE INTO image_repo_digests(repo_digest, image_id) VALUES(?, ?)",
              {repo_digest, image.id()});
      if (!recorded.ok()) return fail(recorded);
    }
  }
  CrashPoint("store.before_record");
  if (Status committed = transaction.Commit(); !committed.ok()) return fail(committed);
  CrashPoint("store.after_record");
  std::set<std::string> moved;
  for (const auto& [from, to] : renamed) moved.insert(from);
  std::vector<v1::Image> images;
  for (auto& [image, references, new_layers, repo_digests] : prepared) {
    std::erase_if(new_layers.layers, [&](const auto& layer) { return moved.count(layer.dir); });
    ASSIGN_OR_RETURN(v1::Image stored, LoadImage(image.id()));
    images.push_back(std::move(stored));
  }
  return images;
}

StatusOr<v1::Image> ImageStore::StoreImage(const ArchivedImage& archived,
                                           const std::vector<std::string>& references,
                                           PendingLayers unpacked_by_caller) {
  std::vector<PreparedImage> prepared;
  ASSIGN_OR_RETURN(PreparedImage image,
                   PrepareImage(archived, references, prepared, &unpacked_by_caller));
  prepared.push_back(std::move(image));
  ASSIGN_OR_RETURN(std::vector<v1::Image> stored, RecordImages(prepared));
  return stored.front();
}

StatusOr<v1::Image> ImageStore::FinishImport(const ImageReference& reference,
                                             const std::string& blob_digest,
                                             const v1::ImageConfig& config,
                                             const std::string& comment, LayerProgress* progress) {
  // A rootfs tarball's diff id, which its generated config needs, is known only once it is
  // unpacked: unpack it here and hand the directory to StoreImage.
  ASSIGN_OR_RETURN(std::string unpack_dir, MakeUnpackDirectory());
  if (progress) progress->total = 1;
  auto unpacked = UnpackLayer(blobs_->BlobPath(blob_digest), unpack_dir, limits_, blob_digest);
  if (!unpacked.ok()) {
    (void)RemoveTree(unpack_dir);
    DeleteUnreferencedBlobs({blob_digest});
    // Neither an OCI layout nor a docker-archive, and not a tar either: say what is accepted.
    if (IsNotTarArchive(unpacked.status())) {
      return InvalidArgument(
          "chunk: the file is not an OCI layout tar, a docker-archive or a rootfs tarball "
          "(plain, gzip or zstd tar): " +
          NotTarArchiveReason(unpacked.status()));
    }
    return unpacked.status().Annotate("rootfs tarball");
  }
  if (progress) progress->Step();
  auto blob_size = blobs_->BlobSize(blob_digest);
  auto config_digest =
      blob_size.ok() ? blobs_->WriteBlob(BuildOciConfigJson(config, {unpacked->diff_id}, comment))
                     : StatusOr<std::string>(blob_size.status());
  if (!config_digest.ok()) {
    (void)RemoveTree(unpack_dir);
    DeleteUnreferencedBlobs({blob_digest});
    return config_digest.status();
  }
  ArchivedImage image{*config_digest, {blob_digest}, {}};
  PendingLayers layer;
  layer.layers.push_back(
      {unpack_dir, unpacked->diff_id, blob_digest, *blob_size, unpacked->unpacked_bytes});
  auto stored = StoreImage(image, {reference.ToString()}, std::move(layer));
  // The tarball of a layer the store already had (in another compression), or everything
  // after a failure.
  DeleteUnreferencedBlobs({blob_digest, *config_digest});
  return stored;
}

}  // namespace boxcar
