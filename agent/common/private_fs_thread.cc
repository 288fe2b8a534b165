#include "common/private_fs_thread.h"

#include <sched.h>

#include <system_error>
#include <thread>

namespace boxcar {

Status RunWithPrivateFs(const std::string& what, const std::function<Status()>& body) {
  Status outcome;
  auto run = [&] {
    if (::unshare(CLONE_FS) != 0) {
      outcome = ErrnoStatus("unshare(CLONE_FS) for " + what);
      return;
    }
    outcome = body();
  };
  try {
    std::thread worker(run);
    worker.join();
  } catch (const std::system_error& error) {
    return ResourceExhausted("start a thread for " + what + ": " + error.what());
  }
  return outcome;
}

}  // namespace boxcar
