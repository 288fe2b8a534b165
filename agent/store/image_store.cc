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
    " (see `boxcar image ls`; `boxcar image pull` fetches one from a registry, `boxcar image "
    "import` loads an archive)";

}  // namespace

StatusOr<std::string> CanonicalRepoDigest(const std::string& text, const std::string& field) {
  size_t at = text.find('@');
  if (at == std::string::npos) {
    return InvalidArgument(field + ": '" + text + "' is not name@sha256:<hex>");
  }
  const std::string digest = text.substr(at + 1);
  if (!IsSha256Digest(digest)) {
    return InvalidArgument(field + ": '" + digest + "' after '@' is not sha256:<64 hex>");
  }
  ASSIGN_OR_RETURN(ImageReference name, ParseImageReference(text.substr(0, at), field));
  return name.name + "@" + digest;
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
  RETURN_IF_ERROR(refs.ForEachRow([&](const SqliteStatement& row) {
    image.add_references(row.ColumnText(0));
    return OkStatus();
  }));
  ASSIGN_OR_RETURN(auto digests,
                   db_->Prepare("SELECT repo_digest FROM image_repo_digests WHERE image_id = ? "
                                "ORDER BY repo_digest"));
  digests.Bind(1, id);
  RETURN_IF_ERROR(digests.ForEachRow([&](const SqliteStatement& row) {
    image.add_repo_digests(row.ColumnText(0));
    return OkStatus();
  }));
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
    RETURN_IF_ERROR(select.ForEachRow([&](const SqliteStatement& row) {
      matches.push_back(row.ColumnText(0));
      return OkStatus();
    }));
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
  {
    ASSIGN_OR_RETURN(auto pulled, db_->Prepare("SELECT image_id FROM image_repo_digests WHERE "
                                               "repo_digest = ?"));
    pulled.Bind(1, parsed.name + "@" + digest);
    ASSIGN_OR_RETURN(bool found, pulled.Step());
    if (found) return LoadImage(pulled.ColumnText(0));
  }
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
  RETURN_IF_ERROR(select.ForEachRow([&](const SqliteStatement& row) {
    ids.push_back(row.ColumnText(0));
    return OkStatus();
  }));
  for (const auto& id : ids) {
    ASSIGN_OR_RETURN(v1::Image image, LoadImage(id));
    if (image.id() == digest) return image;
    auto manifest = BuildImageManifest(*blobs_, image);
    if (manifest.ok() && manifest->digest == digest) return image;
  }
  return NotFound(field + ": no image '" + name + "' with digest " + digest + kImageHint);
}

namespace {

// Untagged images of the build cache (the steps' images, table build_cache): what Docker
// calls intermediate images, hidden from lists and kept by a dangling-image prune.
constexpr const char* kNotBuildCache =
    "(id NOT IN (SELECT image_id FROM build_cache) OR id IN (SELECT image_id FROM image_refs) "
    "OR id IN (SELECT image_id FROM image_repo_digests))";

}  // namespace

StatusOr<std::vector<v1::Image>> ImageStore::List(bool all) {
  std::lock_guard<std::mutex> lock(db_->mutex());
  ASSIGN_OR_RETURN(auto select, db_->Prepare(std::string("SELECT id FROM images") +
                                             (all ? "" : std::string(" WHERE ") + kNotBuildCache) +
                                             " ORDER BY rowid"));
  std::vector<std::string> ids;
  RETURN_IF_ERROR(select.ForEachRow([&](const SqliteStatement& row) {
    ids.push_back(row.ColumnText(0));
    return OkStatus();
  }));
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

  // A reference removes just that tag, a repo digest just that digest (as Docker does); an
  // id removes every tag. The image goes with its last tag (its repo digests with it), or
  // with its last repo digest when it has no tag.
  std::vector<std::string> untag;
  std::vector<std::string> untag_digests;
  auto reference = ParseImageReference(image_text, "image");
  auto repo_digest = CanonicalRepoDigest(image_text, "image");
  if (repo_digest.ok() &&
      std::find(image.repo_digests().begin(), image.repo_digests().end(), *repo_digest) !=
          image.repo_digests().end()) {
    untag_digests.push_back(*repo_digest);
  } else {
    for (const auto& existing : image.references()) {
      if (!reference.ok() || existing == reference->ToString()) untag.push_back(existing);
    }
    if (reference.ok() && untag.empty())
      untag.assign(image.references().begin(), image.references().end());
  }
  const bool last_name = untag.size() == static_cast<size_t>(image.references_size()) &&
                         (untag_digests.empty() ||
                          (image.references_size() == 0 &&
                           untag_digests.size() == static_cast<size_t>(image.repo_digests_size())));

  // Containers matter only when the image would go: untagging one of several names leaves
  // it for them, as Docker's "Untagged:".
  std::vector<std::string> users;
  if (last_name) {
    ASSIGN_OR_RETURN(auto select, db_->Prepare("SELECT name FROM containers WHERE image_id = ? "
                                               "ORDER BY name"));
    select.Bind(1, image.id());
    RETURN_IF_ERROR(select.ForEachRow([&](const SqliteStatement& row) {
      users.push_back(row.ColumnText(0));
      return OkStatus();
    }));
  }
  if (!users.empty() && !force) {
    std::string names;
    for (size_t i = 0; i < users.size() && i < 3; ++i) names += (i ? ", " : "") + users[i];
    if (users.size() > 3) names += ", ...";
    return FailedPrecondition(
        "image: removing '" + image_text + "' would delete image " + ShortId(image.id()) +
        ", which is used by " + std::to_string(users.size()) + " container(s) (" + names +
        "); remove them first (boxcar rm), or untag it with --force (the image stays for them)");
  }

  v1::RemoveImageResponse response;
  SqliteTransaction transaction(*db_);
  RETURN_IF_ERROR(transaction.begun());
  for (const auto& tag : untag) {
    ASSIGN_OR_RETURN(auto remove, db_->Prepare("DELETE FROM image_refs WHERE reference = ?"));
    remove.Bind(1, tag);
    RETURN_IF_ERROR(remove.Run());
    response.add_untagged(tag);
  }
  for (const auto& digest : untag_digests) {
    ASSIGN_OR_RETURN(auto remove,
                     db_->Prepare("DELETE FROM image_repo_digests WHERE repo_digest = ?"));
    remove.Bind(1, digest);
    RETURN_IF_ERROR(remove.Run());
    response.add_untagged(digest);
  }
  const bool delete_image = last_name && users.empty();
  if (delete_image && untag_digests.empty()) {
    // Its repo digests go with it (ON DELETE CASCADE): said as Docker says it.
    for (const auto& digest : image.repo_digests()) response.add_untagged(digest);
  }
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
    RETURN_IF_ERROR(select.ForEachRow([&](const SqliteStatement& row) {
      unused.push_back({row.ColumnInt(0), row.ColumnText(1)});
      if (reclaimed) *reclaimed += static_cast<uint64_t>(row.ColumnInt(2));
      return OkStatus();
    }));
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
                                (all ? ""
                                     : " AND id NOT IN (SELECT image_id FROM image_refs) AND id "
                                       "NOT IN (SELECT image_id FROM image_repo_digests) AND id "
                                       "NOT IN (SELECT image_id FROM build_cache)") +
                                " ORDER BY id"));
  std::vector<std::string> ids;
  RETURN_IF_ERROR(select.ForEachRow([&](const SqliteStatement& row) {
    ids.push_back(row.ColumnText(0));
    return OkStatus();
  }));
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
  RETURN_IF_ERROR(select.ForEachRow([&](const SqliteStatement& row) {
    dirs.push_back(LayerDirectory(row.ColumnInt(0)));
    return OkStatus();
  }));
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
    RETURN_IF_ERROR(select.ForEachRow([&](const SqliteStatement& row) {
      known_layers.insert(std::to_string(row.ColumnInt(0)));
      known_blobs.insert(row.ColumnText(1));
      return OkStatus();
    }));
    ASSIGN_OR_RETURN(auto images, db_->Prepare("SELECT id FROM images"));
    RETURN_IF_ERROR(images.ForEachRow([&](const SqliteStatement& row) {
      known_blobs.insert(row.ColumnText(0));
      return OkStatus();
    }));
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
