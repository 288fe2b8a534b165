// Volumes on disk: <volumes_dir>/<name>/_data is what containers see, volume.json beside it
// says when it was made and whether it is anonymous. A volume appears by one rename of a
// directory prepared under a temporary name, and goes by one rename out of the way before it
// is deleted, so a crash (or kill -9 of the agent) leaves either the whole volume or none;
// Open() clears the leftovers. Whether a container uses a volume is not known here (see
// core/volume_service.h).
#pragma once

#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "common/status.h"

namespace boxcar {

struct VolumeRecord {
  std::string name;
  std::string data_dir;  // <volumes_dir>/<name>/_data
  int64_t created_unix_ns = 0;
  bool anonymous = false;
};

class VolumeStore {
 public:
  // Creates `volumes_dir` (0700) if missing and removes half-made or half-removed volumes.
  static StatusOr<std::unique_ptr<VolumeStore>> Open(const std::string& volumes_dir);

  // A new volume; `name` empty: an anonymous one with a generated name. ALREADY_EXISTS when
  // taken; INVALID_ARGUMENT (naming `field`) for a malformed name.
  StatusOr<VolumeRecord> Create(const std::string& name, bool anonymous,
                                const std::string& field = "name");
  // The volume `name`, made (named) when missing: what `-v NAME:/path` does.
  StatusOr<VolumeRecord> Ensure(const std::string& name, const std::string& field);
  // NOT_FOUND when there is none.
  StatusOr<VolumeRecord> Get(const std::string& name, const std::string& field = "name");
  // Sorted by name.
  std::vector<VolumeRecord> List();
  // Deletes the volume and its data; NOT_FOUND when there is none.
  Status Remove(const std::string& name);

  const std::string& volumes_dir() const { return volumes_dir_; }

 private:
  explicit VolumeStore(std::string volumes_dir) : volumes_dir_(std::move(volumes_dir)) {}
  StatusOr<VolumeRecord> CreateLocked(const std::string& name, bool anonymous,
                                      const std::string& field);
  StatusOr<VolumeRecord> ReadLocked(const std::string& name);

  std::string volumes_dir_;
  std::mutex mutex_;
};

// [a-zA-Z0-9][a-zA-Z0-9_.-]{0,127}, as Docker's volume names.
Status ValidateVolumeName(const std::string& name, const std::string& field);

}  // namespace boxcar
