#include "lxc_shim/lxc_terminal_init.h"

#include <fcntl.h>
#include <poll.h>
#include <sys/mman.h>
#include <sys/sendfile.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>

#include "shim/stdio_relay.h"

#ifndef MFD_EXEC
#define MFD_EXEC 0x0010U
#endif

namespace boxcar {

namespace {

// Kernels since 6.3 want executable memfds asked for; older ones refuse the flag (EINVAL).
UniqueFd CreateExecutableMemfd(const char* name) {
  constexpr unsigned kFlags = MFD_CLOEXEC | MFD_ALLOW_SEALING;
  UniqueFd memfd(::memfd_create(name, kFlags | MFD_EXEC));
  if (!memfd && errno == EINVAL) memfd.reset(::memfd_create(name, kFlags));
  return memfd;
}

}  // namespace

StatusOr<LxcTerminalInit> PrepareLxcTerminalInit(const std::string& shim_path) {
  UniqueFd source(::open(shim_path.c_str(), O_RDONLY | O_CLOEXEC));
  if (!source) return ErrnoStatus("open boxcar-shim '" + shim_path + "' for the terminal init");
  struct stat st;
  if (::fstat(source.get(), &st) != 0) return ErrnoStatus("stat '" + shim_path + "'");
  UniqueFd copy = CreateExecutableMemfd("boxcar-shim");
  if (!copy) return ErrnoStatus("memfd_create for a copy of '" + shim_path + "'");
  for (off_t copied = 0; copied < st.st_size;) {
    ssize_t n =
        ::sendfile(copy.get(), source.get(), nullptr, static_cast<size_t>(st.st_size - copied));
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return ErrnoStatus("copy '" + shim_path + "' into a memfd");
    copied += n;
  }
  if (::fchmod(copy.get(), 0555) != 0 ||
      ::fcntl(copy.get(), F_ADD_SEALS, F_SEAL_SEAL | F_SEAL_SHRINK | F_SEAL_GROW | F_SEAL_WRITE) !=
          0) {
    return ErrnoStatus("seal the memfd copy of '" + shim_path + "'");
  }
  // Reopened read-only: exec refuses (ETXTBSY) a file that any descriptor may write.
  LxcTerminalInit init;
  init.image.reset(
      ::open(("/proc/self/fd/" + std::to_string(copy.get())).c_str(), O_RDONLY | O_CLOEXEC));
  if (!init.image) return ErrnoStatus("reopen the memfd copy of '" + shim_path + "' read-only");
  int pair[2];
  if (::socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, pair) != 0) {
    return ErrnoStatus("socketpair for the terminal");
  }
  init.shim_end.reset(pair[0]);
  init.init_end.reset(pair[1]);
  return init;
}

std::vector<std::string> TerminalInitArgv(int image_fd, int socket_fd,
                                          const std::vector<std::string>& payload_argv) {
  std::vector<std::string> argv = {"/proc/self/fd/" + std::to_string(image_fd), "terminal-init",
                                   std::to_string(image_fd), std::to_string(socket_fd), "--"};
  argv.insert(argv.end(), payload_argv.begin(), payload_argv.end());
  return argv;
}

UniqueFd ReceiveTerminalMaster(int shim_end, int report_fd) {
  for (;;) {
    struct pollfd entries[] = {{shim_end, POLLIN, 0}, {report_fd, POLLIN, 0}};
    if (::poll(entries, 2, -1) < 0) {
      if (errno == EINTR) continue;
      return UniqueFd();
    }
    // The socket first: a payload may have sent its master and ended since.
    if (entries[0].revents & POLLIN) return UniqueFd(ReceiveDescriptor(shim_end));
    if (entries[0].revents || entries[1].revents) return UniqueFd();
  }
}

}  // namespace boxcar
