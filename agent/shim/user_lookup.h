// Resolves a container's "user[:group]" against the image's /etc/passwd and /etc/group,
// read after pivot_root so the lookup sees the container's files, never the host's.
#pragma once

#include <sys/types.h>

#include <string>
#include <vector>

namespace boxcar {

// The highest id a user or group can have: (uid_t)-1 tells setresuid to leave an id as is.
constexpr unsigned long kMaxUserId = 4294967294UL;

struct ResolvedUser {
  uid_t uid = 0;
  gid_t gid = 0;
  std::vector<gid_t> supplementary_gids;
  std::string home = "/";
};

// Returns false and fills `error` when a named user or group does not exist.
bool ResolveUser(const std::string& user_spec, const std::string& passwd_path,
                 const std::string& group_path, ResolvedUser* resolved, std::string* error);

}  // namespace boxcar
