// Watches pidfds with epoll on one thread and reports, by key, each process that exits.
#pragma once

#include <functional>
#include <map>
#include <mutex>
#include <string>
#include <thread>

#include "common/status.h"
#include "common/unique_fd.h"

namespace boxcar {

class ExitMonitor {
 public:
  using ExitCallback = std::function<void(const std::string& key)>;

  // `on_exit` runs on the monitor thread, once per watched process, after it has exited.
  explicit ExitMonitor(ExitCallback on_exit);
  ~ExitMonitor();

  Status Start();
  // Takes ownership of `pidfd`. A process that already exited is reported at once.
  Status Watch(const std::string& key, UniqueFd pidfd);
  void Stop();

 private:
  void Run();

  ExitCallback on_exit_;
  UniqueFd epoll_fd_;
  UniqueFd wake_fd_;
  std::mutex mutex_;
  uint64_t next_token_ = 1;
  std::map<uint64_t, std::pair<std::string, UniqueFd>> watched_;
  std::thread thread_;
};

}  // namespace boxcar
