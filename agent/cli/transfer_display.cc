#include "cli/transfer_display.h"

#include <unistd.h>

#include <cstdio>

#include "cli/human_format.h"

namespace boxcar::cli {

namespace {

const char* StateName(v1::TransferState state) {
  switch (state) {
    case v1::TRANSFER_STATE_WAITING:
      return "waiting";
    case v1::TRANSFER_STATE_EXISTS:
      return "already exists";
    case v1::TRANSFER_STATE_DOWNLOADING:
      return "downloading";
    case v1::TRANSFER_STATE_UPLOADING:
      return "uploading";
    case v1::TRANSFER_STATE_MOUNTED:
      return "mounted";
    case v1::TRANSFER_STATE_UNPACKING:
      return "unpacking";
    case v1::TRANSFER_STATE_DONE:
      return "done";
    case v1::TRANSFER_STATE_RETRYING:
      return "retrying";
    default:
      return "?";
  }
}

std::string Short(const std::string& digest) {
  return digest.empty() ? "image" : digest.substr(digest.find(':') + 1, 12);
}

}  // namespace

TransferDisplay::TransferDisplay(bool quiet) : quiet_(quiet), terminal_(!quiet && ::isatty(2)) {}

void TransferDisplay::Update(const v1::TransferProgress& progress) {
  if (quiet_) return;
  auto [entry, added] = blobs_.try_emplace(progress.digest(), Blob{order_.size()});
  if (added) order_.push_back(progress.digest());
  const bool state_changed = entry->second.state != progress.state();
  entry->second.state = progress.state();
  entry->second.done = progress.bytes_done();
  entry->second.total = progress.bytes_total();
  if (!terminal_) {
    if (state_changed && progress.state() != v1::TRANSFER_STATE_WAITING) {
      std::fprintf(stderr, "%s: %s\n", Short(progress.digest()).c_str(),
                   StateName(progress.state()));
    }
    return;
  }
  auto now = std::chrono::steady_clock::now();
  if (!state_changed && now - last_draw_ < std::chrono::milliseconds(100)) return;
  last_draw_ = now;
  Draw();
}

void TransferDisplay::Finish() {
  if (terminal_) Draw();
}

void TransferDisplay::Draw() {
  if (drawn_lines_ > 0) std::fprintf(stderr, "\033[%zuA", drawn_lines_);
  for (const auto& digest : order_) {
    const Blob& blob = blobs_[digest];
    std::string bytes;
    if (blob.state == v1::TRANSFER_STATE_DOWNLOADING ||
        blob.state == v1::TRANSFER_STATE_UPLOADING || blob.state == v1::TRANSFER_STATE_RETRYING) {
      bytes = "  " + HumanBytes(blob.done) + (blob.total ? " / " + HumanBytes(blob.total) : "");
    }
    std::fprintf(stderr, "\033[2K%s: %s%s\n", Short(digest).c_str(), StateName(blob.state),
                 bytes.c_str());
  }
  drawn_lines_ = order_.size();
}

}  // namespace boxcar::cli
