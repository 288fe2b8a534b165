// ImageStore::Check: the store verified against itself, and repaired on request.
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <map>
#include <set>

#include "common/directory_tree.h"
#include "common/sha256.h"
#include "common/unique_fd.h"
#include "store/image_store.h"

namespace boxcar {

namespace {

// sha256 of a file's content; empty when it cannot be read.
std::string DigestOfFile(const std::string& path) {
  UniqueFd fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC));
  if (!fd) return "";
  Sha256 hasher;
  std::string buffer(1 << 20, '\0');
  for (;;) {
    ssize_t n = ::read(fd.get(), buffer.data(), buffer.size());
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return "";
    if (n == 0) break;
    hasher.Update(buffer.data(), static_cast<size_t>(n));
  }
  return hasher.FinishDigest();
}

bool IsDirectory(const std::string& path) {
  struct stat st;
  return ::lstat(path.c_str(), &st) == 0 && S_ISDIR(st.st_mode);
}

}  // namespace

StatusOr<v1::CheckResponse> ImageStore::Check(bool repair) {
  std::lock_guard<std::mutex> lock(db_->mutex());
  v1::CheckResponse response;
  auto problem = [&](const std::string& kind, const std::string& subject,
                     const std::string& detail) {
    v1::StoreProblem* found = response.add_problems();
    found->set_kind(kind);
    found->set_subject(subject);
    found->set_detail(detail);
  };

  // Blobs: each file's content against its name.
  std::set<std::string> good_blobs, bad_blobs;
  for (const auto& digest : blobs_->ListDigests()) {
    response.set_blobs_checked(response.blobs_checked() + 1);
    std::string actual = DigestOfFile(blobs_->BlobPath(digest));
    if (actual == digest) {
      good_blobs.insert(digest);
    } else {
      bad_blobs.insert(digest);
      problem("blob-corrupt", digest,
              actual.empty() ? "unreadable" : "content hashes to " + actual);
    }
  }

  // Layers: their blob and their directory.
  struct LayerRow {
    int64_t number;
    std::string diff_id;
    std::string blob_digest;
  };
  std::vector<LayerRow> layers;
  {
    ASSIGN_OR_RETURN(auto select, db_->Prepare("SELECT number, diff_id, blob_digest FROM layers"));
    RETURN_IF_ERROR(select.ForEachRow([&](const SqliteStatement& row) {
      layers.push_back({row.ColumnInt(0), row.ColumnText(1), row.ColumnText(2)});
      return OkStatus();
    }));
  }
  std::set<std::string> bad_layers;  // diff ids
  std::set<std::string> layer_dirs;  // directory names of recorded layers
  for (const auto& layer : layers) {
    response.set_layers_checked(response.layers_checked() + 1);
    layer_dirs.insert(std::to_string(layer.number));
    if (!IsDirectory(LayerDirectory(layer.number))) {
      bad_layers.insert(layer.diff_id);
      problem("layer-directory-missing", layer.diff_id,
              "no directory " + LayerDirectory(layer.number));
    }
    if (bad_blobs.count(layer.blob_digest)) {
      bad_layers.insert(layer.diff_id);
    } else if (!good_blobs.count(layer.blob_digest)) {
      bad_layers.insert(layer.diff_id);
      problem("blob-missing", layer.blob_digest, "the blob of layer " + layer.diff_id);
    }
  }

  // Images: their config blob and every layer they list.
  std::map<std::string, std::vector<std::string>> image_layers;
  {
    ASSIGN_OR_RETURN(auto select, db_->Prepare("SELECT id FROM images"));
    RETURN_IF_ERROR(select.ForEachRow([&](const SqliteStatement& row) {
      image_layers[row.ColumnText(0)];
      return OkStatus();
    }));
    ASSIGN_OR_RETURN(auto links, db_->Prepare("SELECT image_id, diff_id FROM image_layers"));
    RETURN_IF_ERROR(links.ForEachRow([&](const SqliteStatement& row) {
      image_layers[row.ColumnText(0)].push_back(row.ColumnText(1));
      return OkStatus();
    }));
  }
  std::set<std::string> known_diff_ids;
  for (const auto& layer : layers) known_diff_ids.insert(layer.diff_id);
  std::vector<std::string> broken_images;
  for (const auto& [id, diff_ids] : image_layers) {
    response.set_images_checked(response.images_checked() + 1);
    bool broken = false;
    if (bad_blobs.count(id)) {
      broken = true;
    } else if (!good_blobs.count(id)) {
      broken = true;
      problem("image-config-missing", id, "the config blob is not in the store");
    }
    for (const auto& diff_id : diff_ids) {
      if (!known_diff_ids.count(diff_id)) {
        broken = true;
        problem("image-layer-missing", id, "layer " + diff_id + " has no record");
      } else if (bad_layers.count(diff_id)) {
        broken = true;
      }
    }
    if (broken) broken_images.push_back(id);
  }

  // What is on disk without a record (a running import's files live in tmp/, not here).
  std::set<std::string> referenced_blobs;
  for (const auto& layer : layers) referenced_blobs.insert(layer.blob_digest);
  for (const auto& [id, unused] : image_layers) referenced_blobs.insert(id);
  std::vector<std::string> orphan_blobs, orphan_dirs;
  for (const auto& digest : good_blobs) {
    if (!referenced_blobs.count(digest)) {
      orphan_blobs.push_back(digest);
      problem("orphan-blob", digest, "no layer or image refers to it");
    }
  }
  for (const auto& name : ListDirectoryNames(root_dir_ + "/layers")) {
    if (!layer_dirs.count(name)) {
      orphan_dirs.push_back(root_dir_ + "/layers/" + name);
      problem("orphan-layer-directory", orphan_dirs.back(), "no layer record names it");
    }
  }
  if (!repair) return response;

  // Repair: broken images first (their references and layer links go with them), then every
  // broken or unused layer, broken blobs and orphans. Intact images keep what they use.
  if (!broken_images.empty()) {
    SqliteTransaction transaction(*db_);
    RETURN_IF_ERROR(transaction.begun());
    for (const auto& id : broken_images) {
      ASSIGN_OR_RETURN(auto remove, db_->Prepare("DELETE FROM images WHERE id = ?"));
      remove.Bind(1, id);
      RETURN_IF_ERROR(remove.Run());
    }
    RETURN_IF_ERROR(transaction.Commit());
    for (const auto& id : broken_images) {
      (void)blobs_->Delete(id);
      response.add_removed("image " + id);
    }
  }
  for (const auto& layer : layers) {
    if (!bad_layers.count(layer.diff_id)) continue;
    ASSIGN_OR_RETURN(auto users,
                     db_->Prepare("SELECT COUNT(*) FROM image_layers WHERE diff_id = ?"));
    users.Bind(1, layer.diff_id);
    ASSIGN_OR_RETURN(bool counted, users.Step());
    if (counted && users.ColumnInt(0) > 0) continue;  // cannot happen: its images were broken
    ASSIGN_OR_RETURN(auto remove, db_->Prepare("DELETE FROM layers WHERE number = ?"));
    remove.Bind(1, layer.number);
    RETURN_IF_ERROR(remove.Run());
    RETURN_IF_ERROR(RemoveTree(LayerDirectory(layer.number)));
    (void)blobs_->Delete(layer.blob_digest);
    response.add_removed("layer " + layer.diff_id);
  }
  for (const auto& digest : bad_blobs) {
    RETURN_IF_ERROR(blobs_->Delete(digest));
    response.add_removed("blob " + digest);
  }
  // An import in flight has committed blobs it has not recorded yet: they look orphaned.
  if (imports_in_flight_ == 0) {
    for (const auto& digest : orphan_blobs) {
      RETURN_IF_ERROR(blobs_->Delete(digest));
      response.add_removed("blob " + digest);
    }
  }
  for (const auto& dir : orphan_dirs) {
    RETURN_IF_ERROR(RemoveTree(dir));
    response.add_removed(dir);
  }
  // Layers only the removed images used.
  RETURN_IF_ERROR(DeleteUnusedLayers());
  return response;
}

}  // namespace boxcar
