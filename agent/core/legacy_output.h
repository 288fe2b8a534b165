// Containers last started by an agent before output records (launch/log_records.h) have their
// output in stdout.log and stderr.log, raw. Before such a container starts again, its old output
// becomes records of output.log (stdout's, then stderr's, each at its file's modification time),
// so that `logs` keeps showing it ahead of the new output.
#pragma once

#include <string>

#include "common/status.h"

namespace boxcar {

// Nothing to do (the usual case: two failed opens) unless the state directory still has
// legacy logs. A crash halfway leaves either the legacy logs or output.log whole.
Status ConvertLegacyOutput(const std::string& state_dir);

}  // namespace boxcar
