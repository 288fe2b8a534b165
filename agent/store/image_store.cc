#include "store/image_store.h"

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

#include "common/directory_tree.h"
#include "common/sha256.h"
#include "store/image_manifest.h"
#include "common/crash_points.h"

namespace boxcar {

namespace {

constexpr const char* kImageHint =
    " (see `boxcar image ls`, or import one with `boxcar image import`)";

void WriteStringArray(rapidjson::Writer<rapidjson::StringBuffer>& writer, const char* key,
                      const google::protobuf::RepeatedPtrField<std::string>& values) {
  if (values.empty()) return;
  writer.Key(key);
  writer.StartArray();
  for (const auto& value : values) writer.String(value.c_str());
  writer.EndArray();
}

}  // namespace

std::string BuildOciConfigJson(const v1::ImageConfig& config,
                               const std::vector<std::string>& diff_ids) {
  rapidjson::StringBuffer buffer;
  rapidjson::Writer<rapidjson::StringBuffer> writer(buffer);
  writer.StartObject();
  writer.Key("architecture");
  writer.String("amd64");
  writer.Key("os");
  writer.String("linux");
  writer.Key("config");
  writer.StartObject();
  WriteStringArray(writer, "Entrypoint", config.entrypoint());
  WriteStringArray(writer, "Cmd", config.cmd());
  WriteStringArray(writer, "Env", config.env());
  if (!config.working_dir().empty()) {
    writer.Key("WorkingDir");
    writer.String(config.working_dir().c_str());
  }
  if (!config.user().empty()) {
    writer.Key("User");
    writer.String(config.user().c_str());
  }
  if (!config.stop_signal().empty()) {
    writer.Key("StopSignal");
    writer.String(config.stop_signal().c_str());
  }
  if (!config.exposed_ports().empty()) {
    std::set<std::string> ports(config.exposed_ports().begin(), config.exposed_ports().end());
    writer.Key("ExposedPorts");
    writer.StartObject();
    for (const auto& port : ports) {
      writer.Key(port.c_str());
      writer.StartObject();
      writer.EndObject();
    }
    writer.EndObject();
  }
  if (!config.labels().empty()) {
    // Sorted, so the config (and the image id) does not depend on map order.
    std::map<std::string, std::string> labels(config.labels().begin(), config.labels().end());
    writer.Key("Labels");
    writer.StartObject();
    for (const auto& [key, value] : labels) {
      writer.Key(key.c_str());
      writer.String(value.c_str());
    }
    writer.EndObject();
  }
  writer.EndObject();
  writer.Key("rootfs");
  writer.StartObject();
  writer.Key("type");
  writer.String("layers");
  writer.Key("diff_ids");
  writer.StartArray();
  for (const auto& diff_id : diff_ids) writer.String(diff_id.c_str());
  writer.EndArray();
  writer.EndObject();
  writer.Key("history");
  writer.StartArray();
  writer.StartObject();
  writer.Key("created_by");
  writer.String("boxcar image import (rootfs tarball)");
  writer.EndObject();
  writer.EndArray();
  writer.EndObject();
  return std::string(buffer.GetString(), buffer.GetSize());
}

StatusOr<std::unique_ptr<ImageStore>> ImageStore::Open(const std::string& root_dir,
                                                       SqliteDatabase* db, BlobStore* blobs,
                                                       UnpackLimits limits) {
  RETURN_IF_ERROR(MakeDirectories(root_dir + "/layers", 0700));
  RETURN_IF_ERROR(MakeDirectories(root_dir + "/tmp", 0700));
  (void)MarkTopDirectory(root_dir + "/tmp");  // each unpack directory in a group of its own
  return std::unique_ptr<ImageStore>(new ImageStore(root_dir, db, blobs, limits));
}

std::string ImageStore::LayerDirectory(int64_t number) const {
  return root_dir_ + "/layers/" + std::to_string(number);
}

StatusOr<std::unique_ptr<ImageStore::RootfsImport>> ImageStore::BeginRootfsImport(
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
  ASSIGN_OR_RETURN(auto writer, blobs_->NewWriter());
  ++imports_in_flight_;  // the RootfsImport's destructor counts it out
  return std::unique_ptr<RootfsImport>(new RootfsImport(
      this, header.reference(), header.expected_digest(), header.config(), std::move(writer)));
}

namespace {

// Enough of an import's first bytes to see its first entries (directories come first).
constexpr size_t kDecisionBytes = 64 << 10;

}  // namespace

ImageStore::RootfsImport::~RootfsImport() {
  if (archive_ && !finished_) {
    archive_->Abort();
    store_->ReleaseArchiveBlobs(archive_->stored_blobs());
  }
  --store_->imports_in_flight_;
}

Status ImageStore::RootfsImport::Write(const void* bytes, size_t size) {
  if (decided_ && archive_) return Write(std::string(static_cast<const char*>(bytes), size));
  bytes_received_ += size;
  if (!decided_) {
    head_.append(static_cast<const char*>(bytes), size);
    return head_.size() < kDecisionBytes ? OkStatus() : Decide();
  }
  return writer_->Write(bytes, size);
}

Status ImageStore::RootfsImport::Write(std::string&& chunk) {
  if (!decided_ || !archive_) return Write(chunk.data(), chunk.size());
  bytes_received_ += chunk.size();
  if (archive_hasher_) archive_hasher_->Update(chunk.data(), chunk.size());
  return archive_->Write(std::move(chunk));
}

Status ImageStore::RootfsImport::Decide() {
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

StatusOr<v1::Image> ImageStore::RootfsImport::Finish(LayerProgress* progress) {
  if (bytes_received_ == 0) return InvalidArgument("chunk: the import stream carried no data");
  if (!decided_) RETURN_IF_ERROR(Decide());
  return archive_ ? FinishArchiveStream(progress) : FinishWholeStream(progress);
}

StatusOr<v1::Image> ImageStore::RootfsImport::FinishArchiveStream(LayerProgress* progress) {
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

StatusOr<v1::Image> ImageStore::RootfsImport::FinishWholeStream(LayerProgress* progress) {
  auto digest = writer_->Commit(expected_digest_);
  if (!digest.ok()) {
    if (digest.status().code() == StatusCode::kInvalidArgument) {
      return digest.status().Annotate("header.expected_digest");
    }
    return digest.status();
  }
  if (LooksLikeImageArchive(store_->blobs_->BlobPath(*digest))) {
    return store_->FinishArchiveImport(reference_, *digest, progress);
  }
  if (reference_.empty()) {
    store_->DeleteUnreferencedBlobs({*digest});
    return InvalidArgument(
        "header.reference: a rootfs tarball needs a reference such as busybox:latest");
  }
  ASSIGN_OR_RETURN(ImageReference reference, ParseImageReference(reference_, "header.reference"));
  return store_->FinishImport(reference, *digest, config_, progress);
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

namespace {

// The run-time defaults and the layer diff ids of an OCI / Docker image config.
Status ParseImageConfig(const std::string& json, v1::ImageConfig* config,
                        std::vector<std::string>* diff_ids) {
  rapidjson::Document document;
  document.Parse(json.c_str(), json.size());
  if (document.HasParseError() || !document.IsObject()) return InvalidArgument("malformed JSON");
  if (!document.HasMember("rootfs") || !document["rootfs"].IsObject() ||
      !document["rootfs"].HasMember("diff_ids") || !document["rootfs"]["diff_ids"].IsArray()) {
    return InvalidArgument("rootfs.diff_ids is missing");
  }
  for (const auto& diff_id : document["rootfs"]["diff_ids"].GetArray()) {
    if (!diff_id.IsString() || !IsSha256Digest(diff_id.GetString())) {
      return InvalidArgument("a diff id is not sha256:<hex>");
    }
    diff_ids->push_back(diff_id.GetString());
  }
  if (!document.HasMember("config") || !document["config"].IsObject()) return OkStatus();
  const auto& runtime = document["config"];
  auto strings = [&](const char* key, google::protobuf::RepeatedPtrField<std::string>* out) {
    if (runtime.HasMember(key) && runtime[key].IsArray()) {
      for (const auto& item : runtime[key].GetArray()) {
        if (item.IsString()) out->Add(item.GetString());
      }
    }
  };
  strings("Entrypoint", config->mutable_entrypoint());
  strings("Cmd", config->mutable_cmd());
  strings("Env", config->mutable_env());
  if (runtime.HasMember("WorkingDir") && runtime["WorkingDir"].IsString())
    config->set_working_dir(runtime["WorkingDir"].GetString());
  if (runtime.HasMember("User") && runtime["User"].IsString())
    config->set_user(runtime["User"].GetString());
  if (runtime.HasMember("StopSignal") && runtime["StopSignal"].IsString())
    config->set_stop_signal(runtime["StopSignal"].GetString());
  if (runtime.HasMember("Labels") && runtime["Labels"].IsObject()) {
    for (const auto& label : runtime["Labels"].GetObject()) {
      if (label.value.IsString())
        (*config->mutable_labels())[label.name.GetString()] = label.value.GetString();
    }
  }
  // {"80/tcp": {}, ...}: the keys are the ports, sorted (JSON objects have no order to keep).
  if (runtime.HasMember("ExposedPorts") && runtime["ExposedPorts"].IsObject()) {
    std::set<std::string> ports;
    for (const auto& port : runtime["ExposedPorts"].GetObject())
      ports.insert(port.name.GetString());
    config->mutable_exposed_ports()->Add(ports.begin(), ports.end());
  }
  return OkStatus();
}

}  // namespace

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
  for (auto& [image, references, new_layers] : prepared) {
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
  }
  CrashPoint("store.before_record");
  if (Status committed = transaction.Commit(); !committed.ok()) return fail(committed);
  CrashPoint("store.after_record");
  std::set<std::string> moved;
  for (const auto& [from, to] : renamed) moved.insert(from);
  std::vector<v1::Image> images;
  for (auto& [image, references, new_layers] : prepared) {
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
                                             LayerProgress* progress) {
  // A rootfs tarball's diff id, which its generated config needs, is known only once it is
  // unpacked: unpack it here and hand the directory to StoreImage.
  ASSIGN_OR_RETURN(std::string unpack_dir, MakeUnpackDirectory());
  if (progress) progress->total = 1;
  auto unpacked = UnpackLayer(blobs_->BlobPath(blob_digest), unpack_dir, limits_, blob_digest);
  if (!unpacked.ok()) {
    (void)RemoveTree(unpack_dir);
    DeleteUnreferencedBlobs({blob_digest});
    return unpacked.status().Annotate("rootfs tarball");
  }
  if (progress) progress->Step();
  auto blob_size = blobs_->BlobSize(blob_digest);
  auto config_digest = blob_size.ok()
                           ? blobs_->WriteBlob(BuildOciConfigJson(config, {unpacked->diff_id}))
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

StatusOr<v1::Image> ImageStore::LoadImage(const std::string& id) {
  ASSIGN_OR_RETURN(auto select, db_->Prepare("SELECT record FROM images WHERE id = ?"));
  select.Bind(1, id);
  ASSIGN_OR_RETURN(bool found, select.Step());
  if (!found) return NotFound("image: no image with id '" + id + "'" + kImageHint);
  v1::Image image;
  if (!image.ParseFromString(select.ColumnBlob(0)))
    return DataLoss("image record '" + id + "' is corrupt");
  ASSIGN_OR_RETURN(
      auto refs,
      db_->Prepare("SELECT reference FROM image_refs WHERE image_id = ? ORDER BY reference"));
  refs.Bind(1, id);
  for (;;) {
    ASSIGN_OR_RETURN(bool row, refs.Step());
    if (!row) break;
    image.add_references(refs.ColumnText(0));
  }
  return image;
}

StatusOr<v1::Image> ImageStore::Resolve(const std::string& image, const std::string& field) {
  if (image.empty()) return InvalidArgument(field + ": an image reference or id is required");
  std::lock_guard<std::mutex> lock(db_->mutex());
  if (IsSha256Digest(image)) {
    auto loaded = LoadImage(image);
    if (!loaded.ok() && loaded.status().code() == StatusCode::kNotFound) {
      return NotFound(field + ": no image '" + image + "'" + kImageHint);
    }
    return loaded;
  }
  if (auto at = image.find('@'); at != std::string::npos) {
    return ResolveByDigest(image.substr(0, at), image.substr(at + 1), field);
  }
  auto reference = ParseImageReference(image, field);
  if (reference.ok()) {
    ASSIGN_OR_RETURN(auto select,
                     db_->Prepare("SELECT image_id FROM image_refs WHERE reference = ?"));
    select.Bind(1, reference->ToString());
    ASSIGN_OR_RETURN(bool found, select.Step());
    if (found) return LoadImage(select.ColumnText(0));
  }
  std::string prefix = image.rfind("sha256:", 0) == 0 ? image.substr(7) : image;
  if (IsHexPrefix(prefix)) {
    ASSIGN_OR_RETURN(auto select, db_->Prepare("SELECT id FROM images WHERE substr(id, 8, ?) = ?"));
    select.Bind(1, static_cast<int64_t>(prefix.size())).Bind(2, prefix);
    std::vector<std::string> matches;
    for (;;) {
      ASSIGN_OR_RETURN(bool row, select.Step());
      if (!row) break;
      matches.push_back(select.ColumnText(0));
    }
    if (matches.size() == 1) return LoadImage(matches[0]);
    if (matches.size() > 1) {
      return InvalidArgument(field + ": image id prefix '" + prefix +
                             "' is ambiguous; give more characters");
    }
  }
  if (!reference.ok() && !IsHexPrefix(prefix)) return reference.status();
  return NotFound(field + ": no image '" + image + "'" + kImageHint);
}

StatusOr<v1::Image> ImageStore::ResolveByDigest(const std::string& name, const std::string& digest,
                                                const std::string& field) {
  // Called with the database lock held.
  if (!IsSha256Digest(digest)) {
    return InvalidArgument(field + ": '" + digest + "' after '@' is not sha256:<64 hex>");
  }
  ASSIGN_OR_RETURN(ImageReference parsed, ParseImageReference(name, field));
  ASSIGN_OR_RETURN(auto select,
                   db_->Prepare("SELECT DISTINCT image_id FROM image_refs WHERE reference LIKE ? "
                                "ESCAPE '\\'"));
  std::string pattern;
  for (char c : parsed.name) {
    if (c == '%' || c == '_' || c == '\\') pattern += '\\';
    pattern += c;
  }
  select.Bind(1, pattern + ":%");
  std::vector<std::string> ids;
  for (;;) {
    ASSIGN_OR_RETURN(bool row, select.Step());
    if (!row) break;
    ids.push_back(select.ColumnText(0));
  }
  for (const auto& id : ids) {
    ASSIGN_OR_RETURN(v1::Image image, LoadImage(id));
    if (image.id() == digest) return image;
    auto manifest = BuildImageManifest(*blobs_, image);
    if (manifest.ok() && manifest->digest == digest) return image;
  }
  return NotFound(field + ": no image '" + name + "' with digest " + digest + kImageHint);
}

StatusOr<std::vector<v1::Image>> ImageStore::List() {
  std::lock_guard<std::mutex> lock(db_->mutex());
  ASSIGN_OR_RETURN(auto select, db_->Prepare("SELECT id FROM images ORDER BY rowid"));
  std::vector<std::string> ids;
  for (;;) {
    ASSIGN_OR_RETURN(bool row, select.Step());
    if (!row) break;
    ids.push_back(select.ColumnText(0));
  }
  std::vector<v1::Image> images;
  for (const auto& id : ids) {
    ASSIGN_OR_RETURN(v1::Image image, LoadImage(id));
    images.push_back(std::move(image));
  }
  return images;
}

StatusOr<v1::RemoveImageResponse> ImageStore::Remove(const std::string& image_text, bool force) {
  ASSIGN_OR_RETURN(v1::Image image, Resolve(image_text, "image"));
  std::lock_guard<std::mutex> lock(db_->mutex());
  ASSIGN_OR_RETURN(auto users, db_->Prepare("SELECT COUNT(*) FROM containers WHERE image_id = ?"));
  users.Bind(1, image.id());
  ASSIGN_OR_RETURN(bool counted, users.Step());
  int64_t container_count = counted ? users.ColumnInt(0) : 0;
  if (container_count > 0 && !force) {
    return FailedPrecondition("image: '" + image_text + "' is used by " +
                              std::to_string(container_count) +
                              " container(s); remove them first (boxcar rm) or untag with --force");
  }

  // A reference removes just that tag; an id removes every tag.
  std::vector<std::string> untag;
  auto reference = ParseImageReference(image_text, "image");
  for (const auto& existing : image.references()) {
    if (!reference.ok() || existing == reference->ToString()) untag.push_back(existing);
  }
  if (reference.ok() && untag.empty())
    untag.assign(image.references().begin(), image.references().end());

  v1::RemoveImageResponse response;
  SqliteTransaction transaction(*db_);
  RETURN_IF_ERROR(transaction.begun());
  for (const auto& tag : untag) {
    ASSIGN_OR_RETURN(auto remove, db_->Prepare("DELETE FROM image_refs WHERE reference = ?"));
    remove.Bind(1, tag);
    RETURN_IF_ERROR(remove.Run());
    response.add_untagged(tag);
  }
  bool delete_image =
      container_count == 0 && untag.size() == static_cast<size_t>(image.references_size());
  if (delete_image) {
    ASSIGN_OR_RETURN(auto remove, db_->Prepare("DELETE FROM images WHERE id = ?"));
    remove.Bind(1, image.id());
    RETURN_IF_ERROR(remove.Run());
    response.set_deleted_id(image.id());
  }
  RETURN_IF_ERROR(transaction.Commit());
  if (delete_image) {
    (void)blobs_->Delete(image.id());
    RETURN_IF_ERROR(DeleteUnusedLayers());
  }
  return response;
}

StatusOr<v1::Image> ImageStore::Tag(const std::string& image_text,
                                    const std::string& reference_text) {
  ASSIGN_OR_RETURN(ImageReference reference, ParseImageReference(reference_text, "reference"));
  ASSIGN_OR_RETURN(v1::Image image, Resolve(image_text, "image"));
  std::lock_guard<std::mutex> lock(db_->mutex());
  ASSIGN_OR_RETURN(
      auto tag,
      db_->Prepare("INSERT OR REPLACE INTO image_refs(reference, image_id) VALUES(?, ?)"));
  tag.Bind(1, reference.ToString()).Bind(2, image.id());
  RETURN_IF_ERROR(tag.Run());
  return LoadImage(image.id());
}

Status ImageStore::DeleteUnusedLayers(uint64_t* reclaimed) {
  // Called with the database lock held.
  struct Unused {
    int64_t number;
    std::string blob_digest;
  };
  std::vector<Unused> unused;
  {
    ASSIGN_OR_RETURN(auto select, db_->Prepare("SELECT number, blob_digest, size_bytes + "
                                               "unpacked_bytes FROM layers WHERE diff_id NOT IN "
                                               "(SELECT diff_id FROM image_layers)"));
    for (;;) {
      ASSIGN_OR_RETURN(bool row, select.Step());
      if (!row) break;
      unused.push_back({select.ColumnInt(0), select.ColumnText(1)});
      if (reclaimed) *reclaimed += static_cast<uint64_t>(select.ColumnInt(2));
    }
  }
  for (const auto& layer : unused) {
    ASSIGN_OR_RETURN(auto remove, db_->Prepare("DELETE FROM layers WHERE number = ?"));
    remove.Bind(1, layer.number);
    RETURN_IF_ERROR(remove.Run());
    // The row goes first: a crash now leaves an orphan directory, which RemoveOrphans clears.
    RETURN_IF_ERROR(RemoveTree(LayerDirectory(layer.number)));
    RETURN_IF_ERROR(blobs_->Delete(layer.blob_digest));
  }
  return OkStatus();
}

StatusOr<v1::PruneImagesResponse> ImageStore::Prune(bool all) {
  std::lock_guard<std::mutex> lock(db_->mutex());
  // Containers hold their image: Create checks, under this same lock, that it still exists.
  ASSIGN_OR_RETURN(auto select,
                   db_->Prepare(std::string("SELECT id FROM images WHERE id NOT IN (SELECT "
                                            "image_id FROM containers)") +
                                (all ? "" : " AND id NOT IN (SELECT image_id FROM image_refs)") +
                                " ORDER BY id"));
  std::vector<std::string> ids;
  for (;;) {
    ASSIGN_OR_RETURN(bool row, select.Step());
    if (!row) break;
    ids.push_back(select.ColumnText(0));
  }
  v1::PruneImagesResponse response;
  if (ids.empty()) return response;
  {
    SqliteTransaction transaction(*db_);
    RETURN_IF_ERROR(transaction.begun());
    for (const auto& id : ids) {
      ASSIGN_OR_RETURN(auto remove, db_->Prepare("DELETE FROM images WHERE id = ?"));
      remove.Bind(1, id);
      RETURN_IF_ERROR(remove.Run());  // references and layer links go by ON DELETE CASCADE
    }
    RETURN_IF_ERROR(transaction.Commit());
  }
  uint64_t reclaimed = 0;
  for (const auto& id : ids) {
    auto size = blobs_->BlobSize(id);
    if (size.ok()) reclaimed += *size;
    (void)blobs_->Delete(id);
    response.add_deleted_ids(id);
  }
  RETURN_IF_ERROR(DeleteUnusedLayers(&reclaimed));
  response.set_reclaimed_bytes(reclaimed);
  return response;
}

StatusOr<std::string> ImageStore::ManifestDigest(const v1::Image& image) {
  ASSIGN_OR_RETURN(ImageManifest manifest, BuildImageManifest(*blobs_, image));
  return manifest.digest;
}

Status ImageStore::Save(const std::vector<std::string>& images, ImageArchiveFormat format,
                        const ArchiveSink& sink) {
  std::vector<v1::Image> resolved;
  std::set<std::string> seen;
  for (const auto& image : images) {
    ASSIGN_OR_RETURN(v1::Image found, Resolve(image, "images"));
    if (seen.insert(found.id()).second) resolved.push_back(std::move(found));
  }
  return WriteImageArchive(*blobs_, resolved, format, root_dir_ + "/tmp", sink);
}

StatusOr<std::vector<std::string>> ImageStore::LayerDirectories(const std::string& image_id) {
  std::lock_guard<std::mutex> lock(db_->mutex());
  ASSIGN_OR_RETURN(
      auto select,
      db_->Prepare("SELECT l.number FROM image_layers il JOIN layers l ON il.diff_id = l.diff_id "
                   "WHERE il.image_id = ? ORDER BY il.position"));
  select.Bind(1, image_id);
  std::vector<std::string> dirs;
  for (;;) {
    ASSIGN_OR_RETURN(bool row, select.Step());
    if (!row) break;
    dirs.push_back(LayerDirectory(select.ColumnInt(0)));
  }
  if (dirs.empty()) return NotFound("image '" + image_id + "' has no layers on disk");
  return dirs;
}

Status ImageStore::RemoveOrphans() {
  std::lock_guard<std::mutex> lock(db_->mutex());
  for (const auto& name : ListDirectoryNames(root_dir_ + "/tmp")) {
    RETURN_IF_ERROR(RemoveTree(root_dir_ + "/tmp/" + name));
  }
  std::set<std::string> known_layers;
  std::set<std::string> known_blobs;
  {
    ASSIGN_OR_RETURN(auto select, db_->Prepare("SELECT number, blob_digest FROM layers"));
    for (;;) {
      ASSIGN_OR_RETURN(bool row, select.Step());
      if (!row) break;
      known_layers.insert(std::to_string(select.ColumnInt(0)));
      known_blobs.insert(select.ColumnText(1));
    }
    ASSIGN_OR_RETURN(auto images, db_->Prepare("SELECT id FROM images"));
    for (;;) {
      ASSIGN_OR_RETURN(bool row, images.Step());
      if (!row) break;
      known_blobs.insert(images.ColumnText(0));
    }
  }
  for (const auto& name : ListDirectoryNames(root_dir_ + "/layers")) {
    if (!known_layers.count(name)) RETURN_IF_ERROR(RemoveTree(root_dir_ + "/layers/" + name));
  }
  for (const auto& digest : blobs_->ListDigests()) {
    if (!known_blobs.count(digest)) RETURN_IF_ERROR(blobs_->Delete(digest));
  }
  return blobs_->RemoveTempFiles();
}

}  // namespace boxcar
