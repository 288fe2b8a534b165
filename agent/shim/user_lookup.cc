#include "shim/user_lookup.h"

#include <cstdlib>

#include "common/atomic_file.h"

namespace boxcar {

namespace {

// Plain reads and splits, no iostreams: their first use in a process sets up locales, which
// in the static shim took ~0.2 ms of every container start.
std::vector<std::string> Split(const std::string& text, char separator) {
  std::vector<std::string> parts;
  size_t begin = 0;
  for (;;) {
    size_t end = text.find(separator, begin);
    parts.push_back(text.substr(begin, end == std::string::npos ? std::string::npos : end - begin));
    if (end == std::string::npos) return parts;
    begin = end + 1;
  }
}

// The lines of a small file; none when it cannot be read (an image without /etc/passwd).
std::vector<std::string> ReadLines(const std::string& path) {
  auto content = ReadFileToString(path);
  if (!content.ok()) return {};
  std::vector<std::string> lines = Split(*content, '\n');
  if (!lines.empty() && lines.back().empty()) lines.pop_back();
  return lines;
}

bool AllDigits(const std::string& text) {
  return !text.empty() && text.find_first_not_of("0123456789") == std::string::npos;
}

// A numeric id in range; false for a name or an id past kMaxUserId.
bool ParseId(const std::string& text, unsigned long* id) {
  if (!AllDigits(text) || text.size() > 10) return false;
  const unsigned long long value = std::strtoull(text.c_str(), nullptr, 10);
  if (value > kMaxUserId) return false;
  *id = static_cast<unsigned long>(value);
  return true;
}

}  // namespace

bool ResolveUser(const std::string& user_spec, const std::string& passwd_path,
                 const std::string& group_path, ResolvedUser* resolved, std::string* error) {
  std::string user_part = user_spec.empty() ? "0" : user_spec;
  std::string group_part;
  if (auto colon = user_part.find(':'); colon != std::string::npos) {
    group_part = user_part.substr(colon + 1);
    user_part = user_part.substr(0, colon);
  }

  for (const std::string* part : {&user_part, &group_part}) {
    unsigned long ignored = 0;
    if (AllDigits(*part) && !ParseId(*part, &ignored)) {
      *error = "id " + *part + " is out of range (0 to " + std::to_string(kMaxUserId) + ")";
      return false;
    }
  }
  unsigned long numeric = 0;
  bool user_is_numeric = ParseId(user_part, &numeric);
  bool found_user = false;
  std::string user_name;
  for (const std::string& line : ReadLines(passwd_path)) {
    auto fields = Split(line, ':');
    if (fields.size() < 7) continue;
    unsigned long uid = 0, gid = 0;
    if (!ParseId(fields[2], &uid) || !ParseId(fields[3], &gid)) continue;
    if ((user_is_numeric && uid == numeric) || (!user_is_numeric && fields[0] == user_part)) {
      resolved->uid = static_cast<uid_t>(uid);
      resolved->gid = static_cast<gid_t>(gid);
      resolved->home = fields[5].empty() ? "/" : fields[5];
      user_name = fields[0];
      found_user = true;
      break;
    }
  }
  if (!found_user) {
    if (!user_is_numeric) {
      *error = "user '" + user_part + "' not found in the image's /etc/passwd";
      return false;
    }
    resolved->uid = static_cast<uid_t>(numeric);
    resolved->gid = 0;
  }

  bool group_is_numeric = ParseId(group_part, &numeric);
  if (!group_part.empty() && group_is_numeric) resolved->gid = static_cast<gid_t>(numeric);
  bool found_group = group_part.empty() || group_is_numeric;
  for (const std::string& line : ReadLines(group_path)) {
    auto fields = Split(line, ':');
    if (fields.size() < 3) continue;
    unsigned long gid = 0;
    if (!ParseId(fields[2], &gid)) continue;
    if (!group_part.empty() && !group_is_numeric && fields[0] == group_part) {
      resolved->gid = static_cast<gid_t>(gid);
      found_group = true;
    }
    if (!user_name.empty() && fields.size() >= 4) {
      for (const std::string& member : Split(fields[3], ',')) {
        if (member == user_name) resolved->supplementary_gids.push_back(static_cast<gid_t>(gid));
      }
    }
  }
  if (!found_group) {
    *error = "group '" + group_part + "' not found in the image's /etc/group";
    return false;
  }
  return true;
}

bool AddExtraGroups(const std::vector<std::string>& groups, const std::string& group_path,
                    ResolvedUser* resolved, std::string* error) {
  if (groups.empty()) return true;
  const std::vector<std::string> lines = ReadLines(group_path);
  for (const std::string& group : groups) {
    unsigned long gid = 0;
    bool found = ParseId(group, &gid);
    for (size_t i = 0; !found && i < lines.size(); ++i) {
      auto fields = Split(lines[i], ':');
      found = fields.size() >= 3 && fields[0] == group && ParseId(fields[2], &gid);
    }
    if (!found) {
      *error = "--group-add: group '" + group + "' not found in the image's /etc/group";
      return false;
    }
    resolved->supplementary_gids.push_back(static_cast<gid_t>(gid));
  }
  return true;
}

}  // namespace boxcar
