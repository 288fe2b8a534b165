#include "shim/shim_zygote.h"

#include <linux/sched.h>
#include <sched.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <cerrno>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>

#include "common/descriptor_message.h"
#include "launch/launch_spec.h"
#include "shim/hardening.h"

namespace boxcar {

namespace {

constexpr int kShimControlFd = 3;
constexpr int kShimLogFd = 2;
constexpr char kIdleRequest = 'i';

// One request: its two descriptors, or false at EOF or on a broken socket.
bool ReceiveRequest(int request_fd, char* priority, int* control_fd, int* log_fd) {
  for (;;) {
    DescriptorMessage<2> request;
    struct msghdr& message = request.message;
    ssize_t n = ::recvmsg(request_fd, &message, MSG_CMSG_CLOEXEC);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return false;
    int fds[2] = {-1, -1};
    size_t received = 0;
    for (struct cmsghdr* header = CMSG_FIRSTHDR(&message); header != nullptr;
         header = CMSG_NXTHDR(&message, header)) {
      if (header->cmsg_level != SOL_SOCKET || header->cmsg_type != SCM_RIGHTS) continue;
      size_t count = (header->cmsg_len - CMSG_LEN(0)) / sizeof(int);
      const int* passed = reinterpret_cast<const int*>(CMSG_DATA(header));
      for (size_t i = 0; i < count; ++i) {
        if (received < 2) {
          fds[received++] = passed[i];
        } else {
          ::close(passed[i]);
        }
      }
    }
    if (received == 2 && (message.msg_flags & MSG_CTRUNC) == 0) {
      *priority = request.byte;
      *control_fd = fds[0];
      *log_fd = fds[1];
      return true;
    }
    for (size_t i = 0; i < received; ++i) ::close(fds[i]);
    int32_t refused = -EINVAL;
    (void)!::send(request_fd, &refused, sizeof refused, MSG_NOSIGNAL);
  }
}

}  // namespace

int RunShimZygote(int request_fd, const std::function<int()>& run_shim) {
  // Compiled once here; every shim forked below inherits the program (PrepareSeccompFilter
  // then returns at once). A failure shows again in the payload, which reports it.
  (void)PrepareSeccompFilter(kDefaultKeptCapabilities);
  char priority = 0;
  int control_fd = -1, log_fd = -1;
  while (ReceiveRequest(request_fd, &priority, &control_fd, &log_fd)) {
    // NOTE: a raw clone, as for the payload: glibc's fork cannot make the agent the parent.
    // The zygote is single-threaded and holds no lock here, so the child may use libc freely.
    struct clone_args args {};
    args.flags = CLONE_PARENT;
    long child = ::syscall(SYS_clone3, &args, sizeof args);
    if (child == 0) {
      // A prewarmed shim runs at SCHED_IDLE until its spec arrives, as a spawned one does.
      struct sched_param no_priority {};
      if (priority == kIdleRequest) ::sched_setscheduler(0, SCHED_IDLE, &no_priority);
      if (::dup2(control_fd, kShimControlFd) != kShimControlFd ||
          ::dup2(log_fd, kShimLogFd) != kShimLogFd) {
        std::fprintf(stderr, "boxcar-shim: take the descriptors from the zygote: %s\n",
                     std::strerror(errno));
        ::_exit(125);
      }
      // run_shim closes everything above fd 3 (the received copies included) first thing.
      std::exit(run_shim());
    }
    const int32_t reply = child > 0 ? static_cast<int32_t>(child) : -errno;
    ::close(control_fd);
    ::close(log_fd);
    if (::send(request_fd, &reply, sizeof reply, MSG_NOSIGNAL) != sizeof reply) return 1;
  }
  return 0;
}

}  // namespace boxcar
