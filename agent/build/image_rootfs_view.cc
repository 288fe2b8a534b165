#include "build/image_rootfs_view.h"

#include <fcntl.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include <fstream>
#include <sstream>

#include "common/path_in_root.h"
#include "common/unique_fd.h"

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
  std::string relative = path;
  while (!relative.empty() && relative.front() == '/') relative.erase(0, 1);
  if (relative.empty()) relative = ".";
  for (auto layer = layer_dirs_.rbegin(); layer != layer_dirs_.rend(); ++layer) {
    UniqueFd layer_fd(::open(layer->c_str(), O_PATH | O_DIRECTORY | O_CLOEXEC));
    if (!layer_fd) continue;
    int fd = OpenBeneathWithoutSymlinks(layer_fd.get(), relative, O_PATH | O_NOFOLLOW);
    if (fd < 0) continue;
    UniqueFd found(fd);
    struct stat st;
    if (::fstat(found.get(), &st) != 0) continue;
    if (IsWhiteout(st)) return "";
    return *layer + "/" + relative;
  }
  return "";
}

StatusOr<std::string> ImageRootfsView::Resolve(const std::string& path, bool follow_last) const {
  std::vector<std::string> pending;  // components still to walk, the next one last
  auto push_components = [&pending](const std::string& text) {
    std::vector<std::string> parts;
    size_t start = 0;
    while (start <= text.size()) {
      size_t end = text.find('/', start);
      if (end == std::string::npos) end = text.size();
      if (end > start) parts.push_back(text.substr(start, end - start));
      start = end + 1;
    }
    pending.insert(pending.end(), parts.rbegin(), parts.rend());
  };
  push_components(path);
  std::string resolved;  // "" is the root
  int links = 0;
  while (!pending.empty()) {
    std::string component = pending.back();
    pending.pop_back();
    if (component == ".") continue;
    if (component == "..") {
      resolved.erase(resolved.empty() ? 0 : resolved.rfind('/'));
      continue;
    }
    const std::string candidate = resolved + "/" + component;
    const bool last = pending.empty();
    auto st = Stat(candidate);
    if (!st || !S_ISLNK(st->st_mode) || (last && !follow_last)) {
      resolved = candidate;
      continue;
    }
    if (++links > 40) {
      return InvalidArgument("'" + path + "': too many symlinks in the image (a loop?)");
    }
    char target[4096];
    ssize_t length = ::readlink(HostPath(candidate).c_str(), target, sizeof target - 1);
    if (length < 0) return ErrnoStatus("readlink '" + candidate + "' in the image");
    target[length] = '\0';
    if (target[0] == '/') resolved.clear();  // absolute: from the image's root
    push_components(target);
  }
  return resolved.empty() ? "/" : resolved;
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
