#include "core/exit_monitor.h"

#include <sys/epoll.h>
#include <sys/eventfd.h>

#include <vector>

namespace boxcar {

namespace {
constexpr uint64_t kWakeToken = 0;
}

ExitMonitor::ExitMonitor(ExitCallback on_exit) : on_exit_(std::move(on_exit)) {}

ExitMonitor::~ExitMonitor() { Stop(); }

Status ExitMonitor::Start() {
  epoll_fd_.reset(::epoll_create1(EPOLL_CLOEXEC));
  if (!epoll_fd_) return ErrnoStatus("epoll_create1");
  wake_fd_.reset(::eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK));
  if (!wake_fd_) return ErrnoStatus("eventfd");
  struct epoll_event event {};
  event.events = EPOLLIN;
  event.data.u64 = kWakeToken;
  if (::epoll_ctl(epoll_fd_.get(), EPOLL_CTL_ADD, wake_fd_.get(), &event) != 0) {
    return ErrnoStatus("epoll_ctl add eventfd");
  }
  thread_ = std::thread([this] { Run(); });
  return OkStatus();
}

Status ExitMonitor::Watch(const std::string& key, UniqueFd pidfd) {
  std::lock_guard<std::mutex> lock(mutex_);
  uint64_t token = next_token_++;
  struct epoll_event event {};
  event.events = EPOLLIN;
  event.data.u64 = token;
  if (::epoll_ctl(epoll_fd_.get(), EPOLL_CTL_ADD, pidfd.get(), &event) != 0) {
    return ErrnoStatus("watch process of container " + key);
  }
  watched_.emplace(token, std::make_pair(key, std::move(pidfd)));
  return OkStatus();
}

void ExitMonitor::Stop() {
  if (!thread_.joinable()) return;
  uint64_t one = 1;
  ssize_t ignored = ::write(wake_fd_.get(), &one, sizeof one);
  (void)ignored;
  thread_.join();
}

void ExitMonitor::Run() {
  struct epoll_event events[16];
  for (;;) {
    int count = ::epoll_wait(epoll_fd_.get(), events, 16, -1);
    if (count < 0) {
      if (errno == EINTR) continue;
      return;
    }
    std::vector<std::string> exited;
    for (int i = 0; i < count; ++i) {
      uint64_t token = events[i].data.u64;
      if (token == kWakeToken) return;
      std::lock_guard<std::mutex> lock(mutex_);
      auto it = watched_.find(token);
      if (it == watched_.end()) continue;
      ::epoll_ctl(epoll_fd_.get(), EPOLL_CTL_DEL, it->second.second.get(), nullptr);
      exited.push_back(it->second.first);
      watched_.erase(it);
    }
    for (const auto& key : exited) on_exit_(key);
  }
}

}  // namespace boxcar
