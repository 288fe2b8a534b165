// The progress of a pull or push (or a build's --pull) on stderr: one line per blob, redrawn
// in place on a terminal; elsewhere a line per state change.
#pragma once

#include <chrono>
#include <map>
#include <string>
#include <vector>

#include "boxcar/v1/distribution.pb.h"

namespace boxcar::cli {

class TransferDisplay {
 public:
  explicit TransferDisplay(bool quiet);

  void Update(const v1::TransferProgress& progress);
  // Draws the last state (on a terminal).
  void Finish();

 private:
  struct Blob {
    size_t index;
    v1::TransferState state = v1::TRANSFER_STATE_UNSPECIFIED;
    uint64_t done = 0;
    uint64_t total = 0;
  };
  void Draw();

  bool quiet_;
  bool terminal_;
  std::map<std::string, Blob> blobs_;
  std::vector<std::string> order_;
  size_t drawn_lines_ = 0;
  std::chrono::steady_clock::time_point last_draw_{};
};

}  // namespace boxcar::cli
