#include "build/image_rootfs_view.h"

#include <sys/sysmacros.h>

#include <fstream>
#include <sstream>

namespace boxcar {
namespace {

bool IsWhiteout(const struct stat& st) {
  return S_ISCHR(st.st_mode) && major(st.st_rdev) == 0 && minor(st.st_rdev) == 0;
}

bool IsNumber(const std::string& text) {
  return !text.empty() && text.find_first_not_of("0123456789") == std::string::npos;
}

// The fields of the line of `file` (passwd or group format) whose first field is `name`.
std::vector<std::string> FindEntry(const std::string& file, const std::string& name) {
  std::ifstream in(file);
  std::string line;
  while (std::getline(in, line)) {
    std::vector<std::string> fields;
    std::stringstream stream(line);
    std::string field;
    while (std::getline(stream, field, ':')) fields.push_back(field);
    if (fields.size() >= 3 && fields[0] == name) return fields;
  }
  return {};
}

}  // namespace

std::string ImageRootfsView::HostPath(const std::string& path) const {
  for (auto layer = layer_dirs_.rbegin(); layer != layer_dirs_.rend(); ++layer) {
    std::string host = *layer + path;
    struct stat st;
    if (::lstat(host.c_str(), &st) != 0) continue;
    if (IsWhiteout(st)) return "";
    return host;
  }
  return "";
}

std::optional<struct stat> ImageRootfsView::Stat(const std::string& path) const {
  std::string host = HostPath(path);
  struct stat st;
  if (host.empty() || ::lstat(host.c_str(), &st) != 0) return std::nullopt;
  return st;
}

StatusOr<std::pair<uid_t, gid_t>> ImageRootfsView::ResolveOwner(const std::string& spec) const {
  size_t colon = spec.find(':');
  std::string user = spec.substr(0, colon);
  std::string group = colon == std::string::npos ? "" : spec.substr(colon + 1);
  if (user.empty()) return InvalidArgument("owner '" + spec + "': no user");
  // `name`'s line in the image's /etc/passwd or /etc/group, split, with `fields` fields at least.
  auto entry_of = [&](const char* kind, const std::string& file, const std::string& name,
                      size_t fields) -> StatusOr<std::vector<std::string>> {
    std::string host = HostPath(file);
    auto entry = host.empty() ? std::vector<std::string>{} : FindEntry(host, name);
    if (entry.size() < fields) {
      return InvalidArgument("owner '" + spec + "': no " + kind + " '" + name +
                             "' in the image's " + file);
    }
    return entry;
  };
  uid_t uid;
  gid_t gid;
  if (IsNumber(user)) {
    uid = static_cast<uid_t>(std::stoul(user));
    gid = static_cast<gid_t>(uid);
  } else {
    ASSIGN_OR_RETURN(auto entry, entry_of("user", "/etc/passwd", user, 4));
    uid = static_cast<uid_t>(std::stoul(entry[2]));
    gid = static_cast<gid_t>(std::stoul(entry[3]));
  }
  if (!group.empty()) {
    if (IsNumber(group)) {
      gid = static_cast<gid_t>(std::stoul(group));
    } else {
      ASSIGN_OR_RETURN(auto entry, entry_of("group", "/etc/group", group, 3));
      gid = static_cast<gid_t>(std::stoul(entry[2]));
    }
  }
  return std::make_pair(uid, gid);
}

}  // namespace boxcar
