// Work that can wait (prewarm refills, deleting the trash) yields to container starts. Each
// create and start holds a Busy while it runs; a background thread calls WaitUntilIdle before
// each unit of its work, which returns once no Busy has been held for `quiet`. On a host whose
// cores a burst of starts keeps busy, the refills and deletions then run after the burst
// instead of taking CPU from it (a refill made during a burst only moved the same work from
// the starts to the refill thread), and a burst draws on what was prepared before it.
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <mutex>

namespace boxcar {

class IdleGate {
 public:
  using Clock = std::chrono::steady_clock;

  // `patience`: the longest a wait lasts, busy or not, so that an agent whose starts never
  // pause still deletes its trash and refills its pool.
  IdleGate(Clock::duration quiet, Clock::duration patience) : quiet_(quiet), patience_(patience) {}
  IdleGate(const IdleGate&) = delete;
  IdleGate& operator=(const IdleGate&) = delete;

  // Whether the quiet time follows a Busy's end (starts, whose bursts have short gaps) or
  // not (removals: the refill may follow each of a client's sequential `run --rm`s at once).
  enum class Then { kQuiet, kIdle };

  // Held for the length of a call that background work yields to.
  class Busy {
   public:
    explicit Busy(IdleGate* gate, Then then = Then::kQuiet);  // a null gate: nothing held
    ~Busy();
    Busy(const Busy&) = delete;
    Busy& operator=(const Busy&) = delete;

   private:
    IdleGate* gate_;
    Then then_;
  };

  // Returns once no Busy is held and no kQuiet one ended within `quiet`, after `patience`, or
  // as soon as `give_up()` (checked at least every 10 ms) is true, e.g. the waiting thread is
  // asked to stop.
  void WaitUntilIdle(const std::function<bool()>& give_up);

 private:
  const Clock::duration quiet_;
  const Clock::duration patience_;
  mutable std::mutex mutex_;
  std::condition_variable changed_;
  uint64_t busy_ = 0;
  Clock::time_point last_busy_end_{};
};

// WaitUntilIdle on `gate` when there is one.
inline void WaitUntilIdle(IdleGate* gate, const std::function<bool()>& give_up) {
  if (gate != nullptr) gate->WaitUntilIdle(give_up);
}

}  // namespace boxcar
