// What extracting a tar below a directory would refuse, found before anything is written: each
// member is checked against the directory as the members before it would have left it (a
// parent planted as a symlink by an earlier member, a directory where a file is to go, a hard
// link to nothing). tree_tar_extractor.h runs this over the whole stream first, so that a
// refused member changes nothing, then extracts with the same checks made on the real tree.
#pragma once

#include <sys/types.h>

#include <map>
#include <string>
#include <vector>

#include "common/status.h"

struct archive_entry;

namespace boxcar {

// A member's name and type as the archive gives them.
struct TarMember {
  std::string name;
  std::vector<std::string> components;  // "./a/b/" -> {"a", "b"}; empty: the target itself
  mode_t type = 0;                      // AE_IFREG, AE_IFDIR, AE_IFLNK, ...
  bool is_hardlink = false;
  std::string hardlink;  // the earlier member it links to
};

// "FIELD: member 'NAME': WHY", INVALID_ARGUMENT.
Status RefusedMember(const std::string& field, const std::string& name, const std::string& why);

// The member of `entry`, or its refusal: an absolute name or a ".." component, something other
// than a directory naming the target, devices, fifos and sockets.
StatusOr<TarMember> ReadTarMember(archive_entry* entry, const std::string& field);

// "./a/b/" -> {"a", "b"}. False for an absolute name or a ".." component.
bool SplitMemberName(const std::string& name, std::vector<std::string>* components);

// The first `count` components joined with '/'; "." for none.
std::string JoinComponents(const std::vector<std::string>& components, size_t count);

class TarExtractionPlan {
 public:
  // `dir_fd`: the directory the members would be created below (read only, never changed).
  TarExtractionPlan(int dir_fd, std::string field) : dir_fd_(dir_fd), field_(std::move(field)) {}

  // The refusal the extraction would give `member` after the members planned so far, with the
  // same code and message; else records what it would leave and returns OK.
  Status Plan(const TarMember& member);

 private:
  enum class Kind { kMissing, kDirectory, kSymlink, kOther };
  struct Planned {
    Kind kind;
    bool fresh;  // a directory the extraction makes: nothing of the tree's is below it
  };

  // What the first `count` components would name once the planned members are written; the
  // components above it are directories.
  Kind KindOf(const std::vector<std::string>& components, size_t count) const;
  Status PlanHardlink(const TarMember& member);

  int dir_fd_;
  std::string field_;
  std::map<std::string, Planned> planned_;
};

}  // namespace boxcar
