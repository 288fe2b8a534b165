#include "common/idle_gate.h"

#include <algorithm>

namespace boxcar {

namespace {
// How often a waiting thread looks at its `give_up`.
constexpr auto kGiveUpPoll = std::chrono::milliseconds(10);
}  // namespace

IdleGate::Busy::Busy(IdleGate* gate, Then then) : gate_(gate), then_(then) {
  if (gate_ == nullptr) return;
  std::lock_guard<std::mutex> lock(gate_->mutex_);
  ++gate_->busy_;
}

IdleGate::Busy::~Busy() {
  if (gate_ == nullptr) return;
  bool last = false;
  {
    std::lock_guard<std::mutex> lock(gate_->mutex_);
    last = --gate_->busy_ == 0;
    if (then_ == Then::kQuiet) gate_->last_busy_end_ = Clock::now();
  }
  // Waiters care only for the end of the last one (no wake-up per start in a burst).
  if (last) gate_->changed_.notify_all();
}

void IdleGate::WaitUntilIdle(const std::function<bool()>& give_up) {
  std::unique_lock<std::mutex> lock(mutex_);
  const Clock::time_point deadline = Clock::now() + patience_;
  for (;;) {
    if ((give_up && give_up()) || Clock::now() >= deadline) break;
    Clock::duration wait = std::min<Clock::duration>(kGiveUpPoll, deadline - Clock::now());
    if (busy_ == 0) {
      const Clock::duration quiet_left = last_busy_end_ + quiet_ - Clock::now();
      if (quiet_left <= Clock::duration::zero()) break;
      wait = std::min<Clock::duration>(wait, quiet_left);
    }
    changed_.wait_for(lock, wait);
  }
}

}  // namespace boxcar
