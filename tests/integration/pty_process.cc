#include "pty_process.h"

#include <poll.h>
#include <pty.h>
#include <signal.h>
#include <sys/ioctl.h>
#include <sys/wait.h>
#include <termios.h>
#include <unistd.h>

#include <cerrno>

#include "build_paths.h"

namespace boxcar::testing {

using Clock = std::chrono::steady_clock;

PtyProcess::PtyProcess(const std::string& socket_path, const std::vector<std::string>& args,
                       unsigned short rows, unsigned short columns) {
  std::vector<std::string> argv = {BOXCAR_CLI_PATH, "--socket", socket_path};
  argv.insert(argv.end(), args.begin(), args.end());
  struct winsize size {};
  size.ws_row = rows;
  size.ws_col = columns;
  pid_ = ::forkpty(&master_, nullptr, nullptr, &size);
  if (pid_ == 0) {
    std::vector<char*> pointers;
    for (auto& arg : argv) pointers.push_back(arg.data());
    pointers.push_back(nullptr);
    ::execv(pointers[0], pointers.data());
    ::_exit(127);
  }
}

PtyProcess::~PtyProcess() {
  if (pid_ > 0) {
    ::kill(pid_, SIGKILL);
    ::waitpid(pid_, nullptr, 0);
  }
  if (master_ >= 0) ::close(master_);
}

bool PtyProcess::Echoing() const {
  struct termios settings {};
  return ::tcgetattr(master_, &settings) == 0 && (settings.c_lflag & ECHO) != 0;
}

void PtyProcess::Type(const std::string& keys) {
  for (size_t written = 0; written < keys.size();) {
    ssize_t n = ::write(master_, keys.data() + written, keys.size() - written);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return;
    written += static_cast<size_t>(n);
  }
}

bool PtyProcess::ReadSome(int timeout_ms) {
  struct pollfd entry = {master_, POLLIN, 0};
  int ready = ::poll(&entry, 1, timeout_ms);
  if (ready <= 0) return true;
  char chunk[4096];
  ssize_t n = ::read(master_, chunk, sizeof chunk);
  if (n <= 0) return n < 0 && errno == EINTR;
  output_.append(chunk, static_cast<size_t>(n));
  return true;
}

bool PtyProcess::WaitFor(const std::string& text, std::chrono::milliseconds timeout, size_t from) {
  const auto deadline = Clock::now() + timeout;
  for (;;) {
    if (output_.size() > from && output_.find(text, from) != std::string::npos) return true;
    if (Clock::now() > deadline) return false;
    if (!ReadSome(50)) return output_.find(text, from) != std::string::npos;
  }
}

void PtyProcess::Resize(unsigned short rows, unsigned short columns) {
  struct winsize size {};
  size.ws_row = rows;
  size.ws_col = columns;
  ::ioctl(master_, TIOCSWINSZ, &size);
}

int PtyProcess::Wait(std::chrono::milliseconds timeout) {
  const auto deadline = Clock::now() + timeout;
  for (;;) {
    int status = 0;
    pid_t done = ::waitpid(pid_, &status, WNOHANG);
    if (done == pid_) {
      pid_ = -1;
      while (ReadSome(20) && master_ >= 0) {
        struct pollfd entry = {master_, POLLIN, 0};
        if (::poll(&entry, 1, 0) <= 0) break;
      }
      return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
    }
    if (Clock::now() > deadline) {
      ::kill(pid_, SIGKILL);
      ::waitpid(pid_, nullptr, 0);
      pid_ = -1;
      return -1;
    }
    ReadSome(20);
  }
}

}  // namespace boxcar::testing
