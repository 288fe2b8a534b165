#include "common/trash_can.h"

#include <dirent.h>
#include <fcntl.h>
#include <stdio.h>
#include <unistd.h>

#include <cstring>
#include <vector>

#include "common/directory_tree.h"

namespace boxcar {

namespace {
// Trees left pending while starts run, at most: past it, starts that never pause (each
// discards its overlay's work/incompat) do not grow the trash without bound.
constexpr uint64_t kMaxDeferredTrees = 256;
}  // namespace

StatusOr<std::unique_ptr<TrashCan>> TrashCan::Open(const std::string& trash_dir,
                                                    IdleGate* idle_gate) {
  RETURN_IF_ERROR(MakeDirectories(trash_dir, 0700));
  for (const auto& name : ListDirectoryNames(trash_dir)) {
    RETURN_IF_ERROR(RemoveTree(trash_dir + "/" + name));
  }
  return std::unique_ptr<TrashCan>(new TrashCan(trash_dir, idle_gate));
}

TrashCan::TrashCan(std::string trash_dir, IdleGate* idle_gate)
    : trash_dir_(std::move(trash_dir)), idle_gate_(idle_gate), thread_([this] { Loop(); }) {}

TrashCan::~TrashCan() {
  Drain();
  {
    std::lock_guard<std::mutex> lock(mutex_);
    stopping_ = true;
  }
  changed_.notify_all();
  thread_.join();
}

Status TrashCan::Discard(const std::string& path) {
  std::lock_guard<std::mutex> lock(mutex_);
  const std::string target =
      trash_dir_ + "/" + std::to_string(getpid()) + "-" + std::to_string(discarded_);
  if (::rename(path.c_str(), target.c_str()) != 0) {
    if (errno == ENOENT) return OkStatus();
    return ErrnoStatus("move '" + path + "' to the trash");
  }
  ++discarded_;
  changed_.notify_all();
  return OkStatus();
}

void TrashCan::Drain() {
  ++draining_;
  std::unique_lock<std::mutex> lock(mutex_);
  changed_.wait(lock, [&] { return deleted_ == discarded_; });
  --draining_;
}

void TrashCan::Loop() {
  std::unique_lock<std::mutex> lock(mutex_);
  for (;;) {
    changed_.wait(lock, [&] { return stopping_ || deleted_ < discarded_; });
    if (deleted_ == discarded_ && stopping_) return;
    const std::string target =
        trash_dir_ + "/" + std::to_string(getpid()) + "-" + std::to_string(deleted_);
    const bool backlog = discarded_ - deleted_ > kMaxDeferredTrees;
    lock.unlock();
    if (!backlog) WaitUntilIdle(idle_gate_, [this] { return stopping_ || draining_ > 0; });
    (void)RemoveTree(target);  // a failure leaves it for the next agent's Open
    lock.lock();
    ++deleted_;
    changed_.notify_all();
  }
}

Status DiscardTree(TrashCan* trash, const std::string& path) {
  return trash ? trash->Discard(path) : RemoveTree(path);
}

Status DiscardContents(TrashCan* trash, const std::string& dir) {
  const int fd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
  DIR* stream = fd < 0 ? nullptr : ::fdopendir(fd);
  if (stream == nullptr) {
    const int open_errno = errno;
    if (fd >= 0) ::close(fd);
    return ErrnoStatus("open directory '" + dir + "'", open_errno);
  }
  std::vector<std::string> names;
  errno = 0;
  while (const dirent* entry = ::readdir(stream)) {
    if (std::strcmp(entry->d_name, ".") != 0 && std::strcmp(entry->d_name, "..") != 0) {
      names.emplace_back(entry->d_name);
    }
  }
  const int read_errno = errno;
  ::closedir(stream);
  if (read_errno != 0) return ErrnoStatus("read directory '" + dir + "'", read_errno);
  for (const auto& name : names) {
    RETURN_IF_ERROR(DiscardTree(trash, dir + "/" + name));
  }
  return OkStatus();
}

}  // namespace boxcar
