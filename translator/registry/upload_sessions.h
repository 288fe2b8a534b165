// Blob uploads in progress: one file per upload in the registry's upload directory
// (<id>.data, plus <id>.owner naming the project and repository that started it), so an
// upload survives a restart of the daemon and resumes at the file's size. Uploads left
// untouched longer than `max_age_seconds` are removed at start-up and on every Create.
// Nothing reaches Glance before the final PUT has verified the digest.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <string>

#include "common/sha256.h"
#include "common/status.h"
#include "common/unique_fd.h"

namespace boxcar::registry {

struct UploadSession {
  std::string id;  // 32 hex
  std::string project_id;
  std::string repository;
  std::string data_path;
};

class UploadSessions {
 public:
  UploadSessions(std::string dir, int64_t max_age_seconds)
      : dir_(std::move(dir)), max_age_seconds_(max_age_seconds) {}
  // Creates the directory (0700) and removes stale uploads.
  Status Init();
  StatusOr<UploadSession> Create(const std::string& project_id, const std::string& repository);
  // kNotFound for an unknown id, or one another project or repository started.
  StatusOr<UploadSession> Find(const std::string& id, const std::string& project_id,
                               const std::string& repository) const;
  StatusOr<uint64_t> Size(const UploadSession& session) const;
  StatusOr<UniqueFd> OpenForAppend(const UploadSession& session) const;
  StatusOr<UniqueFd> OpenForRead(const UploadSession& session) const;
  // Feeds the session's running hash with `size` bytes just appended at `offset`. The hash
  // lives in memory: after a restart (or appends it did not see) Digest reads the file again.
  void NoteAppended(const UploadSession& session, uint64_t offset, const char* bytes,
                    size_t size) const;
  // "sha256:<hex>" of the bytes received so far.
  StatusOr<std::string> Digest(const UploadSession& session) const;
  void Remove(const UploadSession& session) const;
  // Removes uploads whose data was last written more than max_age_seconds ago; their count.
  int RemoveStale() const;

 private:
  std::string PathOf(const std::string& id, const char* suffix) const {
    return dir_ + "/" + id + suffix;
  }
  struct RunningHash {
    std::mutex mutex;
    Sha256 hasher;
    uint64_t bytes = 0;
  };
  std::shared_ptr<RunningHash> HashOf(const std::string& id, bool create) const;
  void ForgetHash(const std::string& id) const;

  std::string dir_;
  int64_t max_age_seconds_;
  mutable std::mutex hashes_mutex_;
  mutable std::map<std::string, std::shared_ptr<RunningHash>> hashes_;
};

}  // namespace boxcar::registry
