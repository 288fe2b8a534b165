// RUN: the command in a container of the build's backend, on the stage's last stored image
// with the stage's current environment, user and working directory. The container is removed
// whatever happens; its upper directory is handed to the caller while it still exists.
#pragma once

#include <functional>
#include <string>
#include <vector>

#include "core/container_service.h"
#include "snapshot/snapshotter.h"

namespace boxcar {

struct RunStepSpec {
  std::string image_id;
  std::vector<std::string> argv;
  std::vector<std::string> env;  // KEY=value: the config's Env and the stage's ARGs
  std::string working_dir;
  std::string user;
  std::string backend;
};

// Runs `spec`; `output` gets stdout and stderr as they come. The caller is gone when `output`
// returns false or `cancelled` (polled while the step runs, so a step that prints nothing
// learns it too) returns true: the container is killed and removed, and the step is
// kCancelled. A non-zero exit is kAborted "exit code N". On success, `use_changes` gets the
// container's upper directory before the container is removed.
Status RunBuildContainer(ContainerService* containers, Snapshotter* snapshotter,
                         const RunStepSpec& spec,
                         const std::function<bool(const std::string&)>& output,
                         const ContainerService::CancelCheck& cancelled,
                         const std::function<Status(const std::string& upper_dir)>& use_changes);

}  // namespace boxcar
