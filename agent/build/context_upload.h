// The build context as it arrives: tar chunks written to a file in a scratch directory of
// the build, then unpacked by the layer unpacker (no "..", no absolute names, no symlinked
// parents, no links climbing out, a size limit against tar bombs). The scratch directory goes
// with the upload.
#pragma once

#include <memory>
#include <string>

#include "common/status.h"
#include "common/unique_fd.h"

namespace boxcar {

class ContextUpload {
 public:
  // A scratch directory under `work_root` (the store's tmp/, cleared at start-up). Contexts
  // larger than `max_bytes` (tar or unpacked; 0 = unlimited) are refused.
  static StatusOr<std::unique_ptr<ContextUpload>> Begin(const std::string& work_root,
                                                        uint64_t max_bytes);
  ~ContextUpload();

  Status Write(const std::string& chunk);
  // Unpacks what arrived (nothing: an empty context); the context directory.
  StatusOr<std::string> Finish();
  // Scratch space of the same build (COPY layers, mounts of other stages).
  const std::string& scratch_dir() const { return dir_; }

 private:
  ContextUpload(std::string dir, UniqueFd tar, uint64_t max_bytes)
      : dir_(std::move(dir)), tar_(std::move(tar)), max_bytes_(max_bytes) {}
  std::string dir_;
  UniqueFd tar_;
  uint64_t max_bytes_;
  uint64_t received_ = 0;
};

}  // namespace boxcar
