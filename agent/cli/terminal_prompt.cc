#include "cli/terminal_prompt.h"

#include <signal.h>
#include <termios.h>
#include <unistd.h>

#include <cstdio>
#include <iostream>

namespace boxcar::cli {

namespace {

struct termios saved_terminal;
struct sigaction saved_interrupt;

void RestoreEchoAndStop(int signal_number) {
  ::tcsetattr(STDIN_FILENO, TCSANOW, &saved_terminal);
  ::sigaction(signal_number, &saved_interrupt, nullptr);
  ::raise(signal_number);
}

// The terminal's echo off for its lifetime; Ctrl-C (SIGINT) turns it back on before it stops
// the CLI, as it would have done.
class EchoOff {
 public:
  EchoOff() {
    if (::tcgetattr(STDIN_FILENO, &saved_terminal) != 0) return;
    struct sigaction on_interrupt {};
    on_interrupt.sa_handler = RestoreEchoAndStop;
    ::sigemptyset(&on_interrupt.sa_mask);
    ::sigaction(SIGINT, &on_interrupt, &saved_interrupt);
    struct termios quiet = saved_terminal;
    quiet.c_lflag &= ~static_cast<tcflag_t>(ECHO);
    quiet.c_lflag |= ECHONL;
    active_ = ::tcsetattr(STDIN_FILENO, TCSAFLUSH, &quiet) == 0;
    if (!active_) ::sigaction(SIGINT, &saved_interrupt, nullptr);
  }
  ~EchoOff() {
    if (!active_) return;
    ::tcsetattr(STDIN_FILENO, TCSAFLUSH, &saved_terminal);
    ::sigaction(SIGINT, &saved_interrupt, nullptr);
  }
  EchoOff(const EchoOff&) = delete;
  EchoOff& operator=(const EchoOff&) = delete;

 private:
  bool active_ = false;
};

}  // namespace

bool StdinIsTerminal() { return ::isatty(STDIN_FILENO) == 1; }

std::optional<std::string> AskAtTerminal(const char* prompt, bool hidden) {
  // Echo goes off before the prompt shows (as getpass does): what is typed once the prompt is
  // seen is never echoed, nor thrown away by the switch's flush.
  std::optional<EchoOff> echo_off;
  if (hidden) echo_off.emplace();
  std::fputs(prompt, stderr);
  std::fflush(stderr);
  std::string line;
  if (!std::getline(std::cin, line)) return std::nullopt;
  while (!line.empty() && line.back() == '\r') line.pop_back();
  return line;
}

}  // namespace boxcar::cli
