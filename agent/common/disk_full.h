// Errors of the agent's own disk being full (ENOSPC, EDQUOT, SQLite's SQLITE_FULL) said as such:
// the operator's next step is to free space on the filesystem of --root, not to suspect the
// registry, the image or the request.
#pragma once

#include <string>

#include "common/status.h"

namespace boxcar {

// True for a status whose cause is a full filesystem or quota: the strerror of ENOSPC or
// EDQUOT, or SQLite's "database or disk is full".
bool IsDiskFull(const Status& status);

// `status` unchanged unless IsDiskFull; then RESOURCE_EXHAUSTED, saying that the filesystem of
// `root_dir` is full and how to free space, followed by the original message (which names the
// operation and the path).
Status ExplainDiskFull(const Status& status, const std::string& root_dir);

}  // namespace boxcar
