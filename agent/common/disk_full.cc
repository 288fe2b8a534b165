#include "common/disk_full.h"

#include <cerrno>
#include <cstring>

namespace boxcar {

namespace {

// SQLite's text for SQLITE_FULL (sqlite3_errstr), kept here so that common/ needs no SQLite.
constexpr const char* kSqliteFullText = "database or disk is full";
constexpr const char* kExplained = "no space left on the filesystem of ";

}  // namespace

bool IsDiskFull(const Status& status) {
  if (status.ok()) return false;
  const std::string& message = status.message();
  return message.find(std::strerror(ENOSPC)) != std::string::npos ||
         message.find(std::strerror(EDQUOT)) != std::string::npos ||
         message.find(kSqliteFullText) != std::string::npos ||
         message.find(kExplained) != std::string::npos;
}

Status ExplainDiskFull(const Status& status, const std::string& root_dir) {
  if (!IsDiskFull(status)) return status;
  if (status.message().find(kExplained) != std::string::npos)
    return Status(StatusCode::kResourceExhausted, status.message());
  return ResourceExhausted(std::string(kExplained) + root_dir +
                           " (free space there, e.g. boxcar image prune, boxcar rm of unused "
                           "containers): " +
                           status.message());
}

}  // namespace boxcar
