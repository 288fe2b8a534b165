// Where `boxcar image save` and `boxcar export` write their tar: stdout (never a terminal, as
// Docker refuses one), or -o FILE, which appears complete or not at all: written beside it
// under a temporary name, then renamed over it; a failure removes the temporary file.
#pragma once

#include <grpcpp/grpcpp.h>
#include <grpcpp/support/sync_stream.h>

#include <chrono>
#include <cstdint>
#include <string>
#include <string_view>

#include "common/status.h"

namespace boxcar::cli {

class TarOutput {
 public:
  // `path` empty: stdout. Errors name `command` ("boxcar export") and say what to do.
  static StatusOr<TarOutput> Open(const std::string& command, const std::string& path);
  TarOutput(TarOutput&& other) noexcept;
  TarOutput& operator=(TarOutput&&) = delete;
  ~TarOutput();  // without Finish: the temporary file is removed

  Status Write(std::string_view bytes);
  // Makes FILE complete (fsync, rename); stdout has nothing to finish.
  Status Finish();

 private:
  TarOutput(std::string path, std::string temp_path, int fd)
      : path_(std::move(path)), temp_path_(std::move(temp_path)), fd_(fd) {}

  std::string path_;
  std::string temp_path_;  // empty: stdout, or finished
  int fd_;
};

// "saving  12.0 MiB" on stderr, rewritten in place at most every 100 ms, when `enabled` and
// stderr is a terminal.
class TarProgress {
 public:
  TarProgress(const char* verb, bool enabled);
  void Add(uint64_t bytes);
  void Done();

 private:
  const char* verb_;
  bool enabled_;
  uint64_t bytes_ = 0;
  std::chrono::steady_clock::time_point last_;
};

// Keeps glibc from mmapping each allocation of up to 16 MiB (a streamed message's data) and
// from trimming its heap: see tar_output.cc.
void KeepLargeAllocationsInTheHeap();

// Every chunk's `data` of a streamed tar into `output`; the stream's status, or CANCELLED
// with the write's failure (the call cancelled then). `output` is not finished.
template <typename Chunk>
grpc::Status ReceiveTar(grpc::ClientContext& context, grpc::ClientReaderInterface<Chunk>& reader,
                        TarOutput& output, TarProgress& progress) {
  KeepLargeAllocationsInTheHeap();
  Chunk chunk;
  while (reader.Read(&chunk)) {
    if (Status wrote = output.Write(chunk.data()); !wrote.ok()) {
      context.TryCancel();
      (void)reader.Finish();
      return grpc::Status(grpc::StatusCode::CANCELLED, wrote.message());
    }
    progress.Add(chunk.data().size());
  }
  grpc::Status status = reader.Finish();
  progress.Done();
  return status;
}

}  // namespace boxcar::cli
