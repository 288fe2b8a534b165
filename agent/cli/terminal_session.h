// What `exec`, `attach`, `start -a` and `run -i/-t` share on the client side of a session with
// a process's stdio: the local terminal in raw mode, its size and its changes, stdin read on a
// thread of its own (with Docker's detach keys), and writes to the gRPC stream from several
// threads taking turns.
#pragma once

#include <grpcpp/grpcpp.h>
#include <signal.h>
#include <termios.h>

#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>

#include "boxcar/v1/containers.pb.h"

namespace boxcar::cli {

// Puts the local terminal (fd 0) into raw mode and restores it at the end.
class RawTerminal {
 public:
  explicit RawTerminal(bool enable);
  ~RawTerminal();
  RawTerminal(const RawTerminal&) = delete;
  RawTerminal& operator=(const RawTerminal&) = delete;

 private:
  struct termios saved_ {};
  bool active_ = false;
};

// The size of the terminal on fd 1 (zeros when it is none).
v1::TerminalSize LocalTerminalSize();

// Docker's detach keys: a sequence of bytes typed on stdin that ends the session without
// touching the process ("ctrl-p,ctrl-q" by default).
class DetachKeys {
 public:
  // "ctrl-p,ctrl-q": ctrl-<letter> or one character per item; nullopt when malformed.
  static std::optional<DetachKeys> Parse(const std::string& spec);
  // Bytes read from stdin; returns what to pass on (a partial match is held back until it is
  // decided) and sets `detach` when the whole sequence was typed.
  std::string Filter(const std::string& input, bool* detach);

 private:
  std::string sequence_;
  size_t matched_ = 0;
};

// Reads stdin on a detached thread: `data` gets each chunk (false stops reading), `end` is
// called once at EOF or a read error.
void ReadStdinInBackground(std::function<bool(const std::string&)> data, std::function<void()> end);
// Blocks SIGWINCH in the calling thread. main() calls it first thing: every thread (gRPC's
// included) inherits the mask, so the watcher's sigwait is the only taker of the signal.
void BlockTerminalSizeSignal();
// Calls `resized` with the new size on a detached thread at every change (false stops
// watching); BlockTerminalSizeSignal must have been called.
void WatchTerminalSize(std::function<bool(const v1::TerminalSize&)> resized);

// Writes from several threads (stdin, window changes, signals, the final half-close) to one
// client stream take turns.
template <typename Request, typename Response>
class StreamWriter {
 public:
  explicit StreamWriter(grpc::ClientReaderWriter<Request, Response>* stream) : stream_(stream) {}
  bool Write(const Request& request) {
    std::lock_guard<std::mutex> lock(mutex_);
    return !closed_ && stream_->Write(request);
  }
  void WritesDone() {
    std::lock_guard<std::mutex> lock(mutex_);
    if (closed_) return;
    closed_ = true;
    stream_->WritesDone();
  }

 private:
  std::mutex mutex_;
  grpc::ClientReaderWriter<Request, Response>* stream_;
  bool closed_ = false;
};

// SIGINT/SIGTERM/SIGHUP to the CLI are forwarded to the container, as `docker run` and
// `docker attach` do. They are blocked from construction on (make it before other threads
// start); what arrives before ForwardTo is forwarded once it is called.
class SignalForwarder {
 public:
  SignalForwarder();
  // `send` gets each signal on a detached thread. A later call replaces the receiver (a run
  // that pulls its image between two attempts: the pull is interrupted, the payload is not).
  void ForwardTo(std::function<void(int signal_number)> send);

 private:
  struct Receiver {
    std::mutex mutex;
    std::function<void(int signal_number)> send;
  };
  sigset_t forwarded_;
  std::shared_ptr<Receiver> receiver_;  // shared with the thread, which outlives this
};

}  // namespace boxcar::cli
