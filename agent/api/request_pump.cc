#include "api/request_pump.h"

namespace boxcar {

namespace {
constexpr auto kClientGrace = std::chrono::seconds(5);
}  // namespace

RequestPump::RequestPump(std::function<bool()> next, std::function<void()> at_end)
    : thread_([this, next = std::move(next), at_end = std::move(at_end)] { Run(next, at_end); }) {}

RequestPump::~RequestPump() { thread_.join(); }

void RequestPump::Run(const std::function<bool()>& next, const std::function<void()>& at_end) {
  while (next()) {
  }
  if (at_end) at_end();
  std::lock_guard<std::mutex> lock(mutex_);
  done_ = true;
  changed_.notify_all();
}

void RequestPump::EndCall(grpc::ServerContext* context, bool call_ok) {
  std::unique_lock<std::mutex> lock(mutex_);
  const auto grace = call_ok ? kClientGrace : std::chrono::seconds(0);
  if (!changed_.wait_for(lock, grace, [&] { return done_; })) context->TryCancel();
}

}  // namespace boxcar
