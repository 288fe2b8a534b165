// A container's "user[:group]" as requests and image configs give it: each part a name or a
// numeric id. Resolved against the image's files by the shim (shim/user_lookup.h); checked
// here wherever it comes in, so that a bad one is refused naming its field.
#pragma once

#include <string>

#include "common/status.h"

namespace boxcar {

// The highest id a user or group can have: (uid_t)-1 tells setresuid to leave an id as it is
// (root, for the shim), and 2^32 would wrap to 0.
constexpr unsigned long kMaxUserId = 4294967294UL;

// INVALID_ARGUMENT naming `field` for more than one ':', control characters, a group without
// a user, or a numeric part past kMaxUserId. Empty is fine (the image's, or root).
Status CheckUserSpec(const std::string& user_spec, const std::string& field);

// One supplementary group (--group-add): a name or a gid. INVALID_ARGUMENT naming `field` when
// empty, with a ':' or control character, or a gid past kMaxUserId.
Status CheckGroupSpec(const std::string& group, const std::string& field);

}  // namespace boxcar
