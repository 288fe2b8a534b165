// The stages of a parsed Dockerfile: which instructions `--target` builds.
#pragma once

#include <string>

#include "build/dockerfile_parser.h"
#include "common/status.h"

namespace boxcar {

// Stage names (FROM ... AS NAME) compare without case: the key they are compared by.
std::string StageNameKey(std::string name);

// The index after the last instruction of the stage named `target` (FROM ... AS NAME, names
// compared without case), looking from instruction `first`; the end of the Dockerfile when
// `target` is empty. A name no stage has is kInvalidArgument naming the field "target".
StatusOr<size_t> EndOfTargetStage(const Dockerfile& dockerfile, size_t first,
                                  const std::string& target);

}  // namespace boxcar
