#include "build/build_cache.h"

#include <spdlog/spdlog.h>

namespace boxcar {

StatusOr<std::unique_ptr<BuildCache>> BuildCache::Open(SqliteDatabase* db, ImageStore* images) {
  std::lock_guard<std::mutex> lock(db->mutex());
  // The table is in the agent's schema (state_schema.h): the image store reads it too.
  ASSIGN_OR_RETURN(auto probe, db->Prepare("SELECT COUNT(*) FROM build_cache"));
  RETURN_IF_ERROR(probe.Step().status());
  return std::unique_ptr<BuildCache>(new BuildCache(db, images));
}

std::optional<v1::Image> BuildCache::Lookup(const std::string& parent_id,
                                            const std::string& step_key) {
  std::string image_id;
  {
    std::lock_guard<std::mutex> lock(db_->mutex());
    auto select =
        db_->Prepare("SELECT image_id FROM build_cache WHERE parent_id = ? AND step_key = ?");
    if (!select.ok()) return std::nullopt;
    select->Bind(1, parent_id).Bind(2, step_key);
    auto row = select->Step();
    if (!row.ok() || !*row) return std::nullopt;
    image_id = select->ColumnText(0);
  }
  auto image = images_->Resolve(image_id, "cache");
  if (image.ok() && image->id() == image_id) return *image;
  // The image went (prune, rm): forget the row.
  std::lock_guard<std::mutex> lock(db_->mutex());
  auto drop = db_->Prepare("DELETE FROM build_cache WHERE parent_id = ? AND step_key = ?");
  if (drop.ok()) {
    drop->Bind(1, parent_id).Bind(2, step_key);
    (void)drop->Run();
  }
  return std::nullopt;
}

Status BuildCache::Record(const std::string& parent_id, const std::string& step_key,
                          const std::string& image_id) {
  std::lock_guard<std::mutex> lock(db_->mutex());
  ASSIGN_OR_RETURN(auto insert,
                   db_->Prepare("INSERT OR REPLACE INTO build_cache(parent_id, step_key, image_id)"
                                " VALUES (?, ?, ?)"));
  insert.Bind(1, parent_id).Bind(2, step_key).Bind(3, image_id);
  return insert.Run();
}

}  // namespace boxcar
