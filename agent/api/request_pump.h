// The client's messages of a bidirectional call (stdin, its end, resizes, signals), read on a
// thread of their own while the call's thread streams the output, until the client half-closes
// or goes away. Shared by Attach (api/attach_stream.cc) and Exec (api/exec_stream.cc).
#pragma once

#include <grpcpp/grpcpp.h>

#include <chrono>
#include <condition_variable>
#include <functional>
#include <mutex>
#include <thread>

namespace boxcar {

class RequestPump {
 public:
  // `next` reads one message and acts on it: false once the client half-closed or went away.
  // `at_end` runs after the last (on the pump's thread).
  explicit RequestPump(std::function<bool()> next, std::function<void()> at_end = nullptr);
  ~RequestPump();
  RequestPump(const RequestPump&) = delete;
  RequestPump& operator=(const RequestPump&) = delete;

  // The end of the call: a client half-closes once it has the exit message; one that does not
  // within a grace period (none when the call failed) is cut off, which ends the pump's read.
  void EndCall(grpc::ServerContext* context, bool call_ok);

 private:
  void Run(const std::function<bool()>& next, const std::function<void()>& at_end);

  std::mutex mutex_;
  std::condition_variable changed_;
  bool done_ = false;
  std::thread thread_;
};

}  // namespace boxcar
