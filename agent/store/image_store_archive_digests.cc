// ImageStore: the digests of archives known to hold an image (table archive_digests).
#include "store/image_store.h"

namespace boxcar {

Status ImageStore::RecordArchiveDigest(const std::string& archive_digest,
                                       const std::string& image_id) {
  if (archive_digest.empty() || archive_digest.find(':') == std::string::npos) {
    return InvalidArgument("archive digest '" + archive_digest + "' is not ALGO:HEX");
  }
  std::lock_guard<std::mutex> lock(db_->mutex());
  ASSIGN_OR_RETURN(auto insert, db_->Prepare("INSERT OR REPLACE INTO archive_digests("
                                             "archive_digest, image_id) VALUES(?, ?)"));
  insert.Bind(1, archive_digest).Bind(2, image_id);
  return insert.Run();
}

StatusOr<std::optional<v1::Image>> ImageStore::FindByArchiveDigest(
    const std::string& archive_digest) {
  std::lock_guard<std::mutex> lock(db_->mutex());
  ASSIGN_OR_RETURN(auto select, db_->Prepare("SELECT image_id FROM archive_digests WHERE "
                                             "archive_digest = ?"));
  select.Bind(1, archive_digest);
  ASSIGN_OR_RETURN(bool found, select.Step());
  if (!found) return std::optional<v1::Image>();
  ASSIGN_OR_RETURN(v1::Image image, LoadImage(select.ColumnText(0)));
  return std::optional<v1::Image>(std::move(image));
}

}  // namespace boxcar
