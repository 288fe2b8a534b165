#include "cli/terminal_session.h"

#include <sys/ioctl.h>
#include <unistd.h>

#include <cctype>
#include <cerrno>
#include <sstream>
#include <thread>

namespace boxcar::cli {

RawTerminal::RawTerminal(bool enable) {
  if (!enable || ::tcgetattr(0, &saved_) != 0) return;
  struct termios raw = saved_;
  ::cfmakeraw(&raw);
  active_ = ::tcsetattr(0, TCSANOW, &raw) == 0;
}

RawTerminal::~RawTerminal() {
  if (active_) ::tcsetattr(0, TCSANOW, &saved_);
}

v1::TerminalSize LocalTerminalSize() {
  v1::TerminalSize size;
  struct winsize window {};
  if (::ioctl(1, TIOCGWINSZ, &window) == 0) {
    size.set_rows(window.ws_row);
    size.set_columns(window.ws_col);
  }
  return size;
}

std::optional<DetachKeys> DetachKeys::Parse(const std::string& spec) {
  DetachKeys keys;
  std::istringstream items(spec);
  for (std::string item; std::getline(items, item, ',');) {
    if (item.size() == 1) {
      keys.sequence_.push_back(item[0]);
    } else if (item.size() == 6 && item.compare(0, 5, "ctrl-") == 0 &&
               std::isalpha(static_cast<unsigned char>(item[5]))) {
      keys.sequence_.push_back(static_cast<char>(std::tolower(item[5]) & 0x1f));
    } else {
      return std::nullopt;
    }
  }
  if (keys.sequence_.empty()) return std::nullopt;
  return keys;
}

std::string DetachKeys::Filter(const std::string& input, bool* detach) {
  *detach = false;
  std::string passed;
  for (char byte : input) {
    if (byte == sequence_[matched_]) {
      if (++matched_ == sequence_.size()) {
        *detach = true;
        matched_ = 0;
        return passed;
      }
      continue;
    }
    // Not the sequence after all: what was held back goes through.
    passed.append(sequence_, 0, matched_);
    matched_ = 0;
    if (byte == sequence_[0]) {
      matched_ = 1;
    } else {
      passed.push_back(byte);
    }
  }
  return passed;
}

void ReadStdinInBackground(std::function<bool(const std::string&)> data, std::function<void()> end) {
  std::thread([data = std::move(data), end = std::move(end)] {
    std::string buffer(32 * 1024, '\0');
    for (;;) {
      ssize_t n = ::read(0, buffer.data(), buffer.size());
      if (n < 0 && errno == EINTR) continue;
      if (n <= 0) {
        end();
        return;
      }
      if (!data(buffer.substr(0, static_cast<size_t>(n)))) return;
    }
  }).detach();
}

void BlockTerminalSizeSignal() {
  sigset_t winch;
  sigemptyset(&winch);
  sigaddset(&winch, SIGWINCH);
  pthread_sigmask(SIG_BLOCK, &winch, nullptr);
}

void WatchTerminalSize(std::function<bool(const v1::TerminalSize&)> resized) {
  sigset_t winch;
  sigemptyset(&winch);
  sigaddset(&winch, SIGWINCH);
  pthread_sigmask(SIG_BLOCK, &winch, nullptr);
  std::thread([resized = std::move(resized), winch] {
    for (int received = 0; sigwait(&winch, &received) == 0;) {
      if (!resized(LocalTerminalSize())) return;
    }
  }).detach();
}

SignalForwarder::SignalForwarder() {
  sigemptyset(&forwarded_);
  for (int sig : {SIGINT, SIGTERM, SIGHUP}) sigaddset(&forwarded_, sig);
  pthread_sigmask(SIG_BLOCK, &forwarded_, nullptr);
}

void SignalForwarder::ForwardTo(std::function<void(int signal_number)> send) {
  if (receiver_) {
    std::lock_guard<std::mutex> lock(receiver_->mutex);
    receiver_->send = std::move(send);
    return;
  }
  receiver_ = std::make_shared<Receiver>();
  receiver_->send = std::move(send);
  std::thread([receiver = receiver_, forwarded = forwarded_] {
    for (;;) {
      int received = 0;
      if (sigwait(&forwarded, &received) != 0) return;
      std::function<void(int)> send;
      {
        std::lock_guard<std::mutex> lock(receiver->mutex);
        send = receiver->send;
      }
      send(received);
    }
  }).detach();
}

}  // namespace boxcar::cli
