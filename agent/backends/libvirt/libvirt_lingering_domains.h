// Domains whose init (boxcar-shim) has ended but which libvirt may still list as running: seen
// when the init ends while libvirtd is away, as libvirt's controller then never reports the
// end and the restarted libvirtd keeps the domain "running". Each is checked on a thread of
// its own a grace period after its init ended, and again until `check` says it is settled
// (ended by itself, or destroyed), so virDomainDestroy (~1.8 s here) stays off every request.
#pragma once

#include <chrono>
#include <condition_variable>
#include <functional>
#include <map>
#include <mutex>
#include <string>
#include <thread>

namespace boxcar {

class LibvirtLingeringDomains {
 public:
  // True when the domain is settled; false to be asked again after the grace period (e.g.
  // libvirtd is away). `init_ended`: the domain's init is known to have ended (it may be
  // destroyed); else the domain is only looked for.
  using Check =
      std::function<bool(const std::string& name, const std::string& uuid, bool init_ended)>;
  static constexpr auto kGrace = std::chrono::seconds(5);
  static constexpr int kMaxChecks = 24;  // two minutes

  explicit LibvirtLingeringDomains(Check check);
  ~LibvirtLingeringDomains();
  LibvirtLingeringDomains(const LibvirtLingeringDomains&) = delete;
  LibvirtLingeringDomains& operator=(const LibvirtLingeringDomains&) = delete;

  // The init of the domain `name` with `uuid` has ended.
  void InitEnded(const std::string& name, const std::string& uuid) { Add(name, uuid, true); }
  // libvirtd, just restarted, did not know the domain: looked for again later (a libvirtd
  // that still loads its domains answers that way too).
  void LookAgain(const std::string& name, const std::string& uuid) { Add(name, uuid, false); }

 private:
  using Clock = std::chrono::steady_clock;
  struct Pending {
    std::string name;
    std::string uuid;
    bool init_ended = false;
    int checks = 0;
  };
  void Add(const std::string& name, const std::string& uuid, bool init_ended);
  void Loop();

  const Check check_;
  std::mutex mutex_;
  std::condition_variable changed_;
  std::multimap<Clock::time_point, Pending> pending_;
  bool stopping_ = false;
  std::thread thread_;  // last: started once the rest is set up
};

}  // namespace boxcar
