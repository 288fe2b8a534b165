// Runs code on a thread of its own that unshares CLONE_FS: its working directory and umask
// are private, so it may chdir and use short relative paths without disturbing the agent's
// other threads.
#pragma once

#include <functional>

#include "common/status.h"

namespace boxcar {

// Blocks until `body` has run; `what` names the work in errors of the set-up.
Status RunWithPrivateFs(const std::string& what, const std::function<Status()>& body);

}  // namespace boxcar
