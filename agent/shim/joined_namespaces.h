// The shims' side of namespace sharing (launch/joined_namespace.h): entering another
// container's namespace before the payload is cloned, so that the payload shares it.
#pragma once

#include "common/status.h"
#include "launch/joined_namespace.h"

namespace boxcar {

// The calling process enters the namespace `joined` names: for "pid" only its future children
// (the kernel's pid_for_children). Refuses (FAILED_PRECONDITION) when the other container's
// PID 1 is gone or its pid now names another process. Nothing for one of the host's: the
// shim was started in those.
Status EnterJoinedNamespace(const JoinedNamespace& joined);

// The clone flag of a namespace type ("net" -> CLONE_NEWNET, ...).
int CloneFlagOfNamespace(const std::string& type);

}  // namespace boxcar
