// Resolves a container's "user[:group]" against the image's /etc/passwd and /etc/group,
// read after pivot_root so the lookup sees the container's files, never the host's.
#pragma once

#include <sys/types.h>

#include <string>
#include <vector>

#include "common/user_spec.h"

namespace boxcar {

struct ResolvedUser {
  uid_t uid = 0;
  gid_t gid = 0;
  std::vector<gid_t> supplementary_gids;
  std::string home = "/";
};

// Returns false and fills `error` when a named user or group does not exist.
bool ResolveUser(const std::string& user_spec, const std::string& passwd_path,
                 const std::string& group_path, ResolvedUser* resolved, std::string* error);

// Adds `groups` (--group-add: names looked up in `group_path`, or numeric gids) to the
// supplementary gids of `resolved`; false and `error` naming it for an unknown name.
bool AddExtraGroups(const std::vector<std::string>& groups, const std::string& group_path,
                    ResolvedUser* resolved, std::string* error);

}  // namespace boxcar
