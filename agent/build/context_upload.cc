#include "build/context_upload.h"

#include <fcntl.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include <vector>

#include "common/directory_tree.h"
#include "common/fd_io.h"
#include "store/layer_unpacker.h"

namespace boxcar {
namespace {

// A context is a plain tar the CLI makes: its "diff id" is never used, so the unpacker is
// told it is known and skips hashing the stream.
constexpr char kUnusedDigest[] = "sha256:build-context";
constexpr int kPipeBytes = 1 << 20;

}  // namespace

StatusOr<std::unique_ptr<ContextUpload>> ContextUpload::Begin(const std::string& work_root,
                                                              uint64_t max_bytes) {
  RETURN_IF_ERROR(MakeDirectories(work_root, 0700));
  std::string pattern = work_root + "/build-XXXXXX";
  std::vector<char> path(pattern.begin(), pattern.end());
  path.push_back('\0');
  if (!::mkdtemp(path.data())) return ErrnoStatus("mkdtemp '" + pattern + "'");
  std::unique_ptr<ContextUpload> upload(new ContextUpload(path.data(), max_bytes));
  upload->context_dir_ = upload->dir_ + "/context";
  if (::mkdir(upload->context_dir_.c_str(), 0755) != 0) {
    return ErrnoStatus("mkdir '" + upload->context_dir_ + "'");
  }
  return upload;
}

ContextUpload::~ContextUpload() {
  (void)StopUnpacker();
  (void)RemoveTree(dir_);
}

Status ContextUpload::StartUnpacker() {
  int ends[2];
  if (::pipe2(ends, O_CLOEXEC) != 0) return ErrnoStatus("build context: pipe");
  UniqueFd pipe_out(ends[0]);
  pipe_in_ = UniqueFd(ends[1]);
  (void)::fcntl(ends[1], F_SETPIPE_SZ, kPipeBytes);  // fewer wake-ups; the default works too
  unpacker_ = std::thread([this, out = std::move(pipe_out)]() mutable {
    UnpackLimits limits;
    limits.max_unpacked_bytes = max_bytes_;
    auto unpacked = UnpackLayerStream("build context", out.get(), context_dir_, limits,
                                      [] { return std::string(kUnusedDigest); });
    unpacked_ = unpacked.ok() ? OkStatus() : unpacked.status().Annotate("build context");
  });
  return OkStatus();
}

Status ContextUpload::StopUnpacker() {
  pipe_in_.reset();
  if (unpacker_.joinable()) unpacker_.join();
  return unpacked_;
}

Status ContextUpload::Write(const std::string& chunk) {
  if (chunk.empty()) return OkStatus();
  received_ += chunk.size();
  if (max_bytes_ && received_ > max_bytes_ * 2 + (1 << 20)) {
    (void)StopUnpacker();
    return ResourceExhausted("build context: more than " + std::to_string(max_bytes_) +
                             " bytes; shrink it or list what is not needed in .dockerignore");
  }
  if (!unpacker_.joinable()) RETURN_IF_ERROR(StartUnpacker());
  Status written = WriteAll(pipe_in_.get(), chunk, "build context");
  // The unpacker stopped reading (a refused member, a tar bomb): its error says why.
  if (!written.ok()) {
    Status unpacked = StopUnpacker();
    return unpacked.ok() ? written : unpacked;
  }
  return OkStatus();
}

StatusOr<std::string> ContextUpload::Finish() {
  RETURN_IF_ERROR(StopUnpacker());
  return context_dir_;
}

}  // namespace boxcar
