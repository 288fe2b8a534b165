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

StatusOr<std::unique_ptr<ContextUpload>> ContextUpload::Begin(const std::string& work_root,
                                                              uint64_t max_bytes) {
  RETURN_IF_ERROR(MakeDirectories(work_root, 0700));
  std::string pattern = work_root + "/build-XXXXXX";
  std::vector<char> path(pattern.begin(), pattern.end());
  path.push_back('\0');
  if (!::mkdtemp(path.data())) return ErrnoStatus("mkdtemp '" + pattern + "'");
  std::string dir = path.data();
  std::string tar_path = dir + "/context.tar";
  UniqueFd tar(::open(tar_path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600));
  if (!tar) {
    Status failed = ErrnoStatus("create '" + tar_path + "'");
    (void)RemoveTree(dir);
    return failed;
  }
  return std::unique_ptr<ContextUpload>(new ContextUpload(dir, std::move(tar), max_bytes));
}

ContextUpload::~ContextUpload() { (void)RemoveTree(dir_); }

Status ContextUpload::Write(const std::string& chunk) {
  received_ += chunk.size();
  if (max_bytes_ && received_ > max_bytes_ * 2 + (1 << 20)) {
    return ResourceExhausted("build context: more than " + std::to_string(max_bytes_) +
                             " bytes; shrink it or list what is not needed in .dockerignore");
  }
  return WriteAll(tar_.get(), chunk, "build context");
}

StatusOr<std::string> ContextUpload::Finish() {
  tar_.reset();
  std::string context_dir = dir_ + "/context";
  if (::mkdir(context_dir.c_str(), 0755) != 0) return ErrnoStatus("mkdir '" + context_dir + "'");
  if (received_ == 0) return context_dir;
  UnpackLimits limits;
  limits.max_unpacked_bytes = max_bytes_;
  auto unpacked = UnpackLayer(dir_ + "/context.tar", context_dir, limits);
  if (!unpacked.ok()) return unpacked.status().Annotate("build context");
  ::unlink((dir_ + "/context.tar").c_str());
  return context_dir;
}

}  // namespace boxcar
