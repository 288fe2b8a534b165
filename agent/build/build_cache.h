// The layer cache of builds: which image a step made from which parent. A step's key is the
// digest of what decides its result (the instruction text with its arguments expanded, the
// metadata steps since the parent, and for COPY / ADD the content digest of the sources). Rows
// live in SQLite (table build_cache of state_schema.h), so the cache survives restarts. Its
// images are untagged: the image store lists them only when asked for all, and only
// `image prune -a` deletes them (ImageStore::List, Prune). A row whose image was removed
// (image prune -a, image rm) is dropped at its next lookup.
#pragma once

#include <optional>
#include <string>

#include "store/image_store.h"
#include "store/sqlite_database.h"

namespace boxcar {

class BuildCache {
 public:
  // Checks that the database has the table (the agent's schema makes it).
  static StatusOr<std::unique_ptr<BuildCache>> Open(SqliteDatabase* db, ImageStore* images);

  // The image a step with `step_key` made from `parent_id` ("scratch" for none), if it still
  // exists.
  std::optional<v1::Image> Lookup(const std::string& parent_id, const std::string& step_key);
  Status Record(const std::string& parent_id, const std::string& step_key,
                const std::string& image_id);

 private:
  BuildCache(SqliteDatabase* db, ImageStore* images) : db_(db), images_(images) {}
  SqliteDatabase* db_;
  ImageStore* images_;
};

}  // namespace boxcar
