// The build context as it arrives: tar chunks streamed through a pipe into the layer unpacker
// while they arrive (no "..", no absolute names, no symlinked parents, no links climbing out,
// a size limit against tar bombs), so the context is never written twice nor hashed as a
// layer. The scratch directory goes with the upload.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <thread>

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

  // The unpacker's error when it refused what arrived so far.
  Status Write(const std::string& chunk);
  // Waits for the unpacker (nothing arrived: an empty context); the context directory.
  StatusOr<std::string> Finish();
  // Scratch space of the same build (COPY layers, mounts of other stages).
  const std::string& scratch_dir() const { return dir_; }

 private:
  ContextUpload(std::string dir, uint64_t max_bytes) : dir_(std::move(dir)), max_bytes_(max_bytes) {}
  Status StartUnpacker();
  // Closes the pipe, waits for the unpacker and returns its outcome.
  Status StopUnpacker();

  std::string dir_;
  std::string context_dir_;
  uint64_t max_bytes_;
  uint64_t received_ = 0;
  UniqueFd pipe_in_;  // write end; the unpacker reads the other
  std::thread unpacker_;
  Status unpacked_;
};

}  // namespace boxcar
