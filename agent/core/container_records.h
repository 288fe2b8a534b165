// The containers table: one row per container holding its record (the Container message) and
// the shim that supervises it, so that containers, their names and exit codes survive a
// restart or kill -9 of the agent.
#pragma once

#include <sys/types.h>

#include <cstdint>
#include <string>
#include <vector>

#include "boxcar/v1/containers.pb.h"
#include "store/sqlite_database.h"

namespace boxcar {

struct StoredContainer {
  v1::Container record;
  pid_t shim_pid = 0;
  uint64_t shim_start_ticks = 0;
};

class ContainerRecords {
 public:
  explicit ContainerRecords(SqliteDatabase* db) : db_(db) {}

  // Inserts a new container's row, under the lock that image Prune and Remove hold, and only
  // while its image exists: the row then protects the image. An image removed meanwhile is
  // NOT_FOUND naming spec.image (`image_as_asked` is how the caller named it).
  Status Insert(const v1::Container& record, const std::string& image_as_asked);
  Status Update(const v1::Container& record, pid_t shim_pid, uint64_t shim_start_ticks);
  Status Delete(const std::string& id);
  StatusOr<std::vector<StoredContainer>> LoadAll();

 private:
  SqliteDatabase* db_;
};

}  // namespace boxcar
