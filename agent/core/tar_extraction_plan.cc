#include "core/tar_extraction_plan.h"

#include <archive_entry.h>
#include <fcntl.h>
#include <sys/stat.h>

#include <cerrno>

namespace boxcar {

Status RefusedMember(const std::string& field, const std::string& name, const std::string& why) {
  return InvalidArgument(field + ": member '" + name + "': " + why);
}

bool SplitMemberName(const std::string& name, std::vector<std::string>* components) {
  if (!name.empty() && name.front() == '/') return false;
  size_t start = 0;
  while (start <= name.size()) {
    size_t end = name.find('/', start);
    if (end == std::string::npos) end = name.size();
    std::string component = name.substr(start, end - start);
    if (component == "..") return false;
    if (!component.empty() && component != ".") components->push_back(component);
    start = end + 1;
  }
  return true;
}

std::string JoinComponents(const std::vector<std::string>& components, size_t count) {
  std::string joined;
  for (size_t i = 0; i < count; ++i) joined += (i ? "/" : "") + components[i];
  return joined.empty() ? "." : joined;
}

StatusOr<TarMember> ReadTarMember(archive_entry* entry, const std::string& field) {
  TarMember member;
  const char* raw = archive_entry_pathname(entry);
  member.name = raw ? raw : "";
  if (!SplitMemberName(member.name, &member.components)) {
    return RefusedMember(field, member.name,
                         "its name is absolute or has '..' (it would land outside the target)");
  }
  member.type = archive_entry_filetype(entry);
  const char* hardlink = archive_entry_hardlink(entry);
  member.is_hardlink = hardlink != nullptr;
  member.hardlink = hardlink ? hardlink : "";
  if (member.components.empty()) {
    // "./": the target directory itself, which exists; its metadata is left alone.
    if (member.type == AE_IFDIR && !member.is_hardlink) return member;
    return RefusedMember(field, member.name, "it names the target directory");
  }
  if (!member.is_hardlink && member.type != AE_IFREG && member.type != AE_IFDIR &&
      member.type != AE_IFLNK) {
    return RefusedMember(field, member.name,
                         "devices, fifos and sockets are not copied into containers");
  }
  return member;
}

TarExtractionPlan::Kind TarExtractionPlan::KindOf(const std::vector<std::string>& components,
                                                  size_t count) const {
  auto planned = planned_.find(JoinComponents(components, count));
  if (planned != planned_.end()) return planned->second.kind;
  // Below a directory the extraction makes, only what it planned there.
  for (size_t above = count; above-- > 0;) {
    auto parent = planned_.find(JoinComponents(components, above));
    if (parent != planned_.end()) {
      if (parent->second.fresh) return Kind::kMissing;
      break;
    }
  }
  struct stat st;
  if (::fstatat(dir_fd_, JoinComponents(components, count).c_str(), &st, AT_SYMLINK_NOFOLLOW) != 0)
    return Kind::kMissing;
  if (S_ISDIR(st.st_mode)) return Kind::kDirectory;
  return S_ISLNK(st.st_mode) ? Kind::kSymlink : Kind::kOther;
}

Status TarExtractionPlan::Plan(const TarMember& member) {
  const auto& components = member.components;
  if (components.empty()) return OkStatus();
  // Its parents: directories, made where missing; never through a symlink.
  for (size_t depth = 1; depth < components.size(); ++depth) {
    Kind kind = KindOf(components, depth);
    if (kind == Kind::kSymlink) {
      return RefusedMember(field_, member.name, "its parent is, or goes through, a symlink");
    }
    if (kind == Kind::kOther) {
      return RefusedMember(field_, member.name, "its parent is not a directory");
    }
    if (kind == Kind::kMissing)
      planned_[JoinComponents(components, depth)] = {Kind::kDirectory, true};
  }
  const std::string path = JoinComponents(components, components.size());
  const Kind existing = KindOf(components, components.size());
  if (member.type == AE_IFDIR && !member.is_hardlink) {
    // An existing directory is kept; anything else there is replaced by a new one.
    if (existing != Kind::kDirectory) planned_[path] = {Kind::kDirectory, true};
    return OkStatus();
  }
  if (existing == Kind::kDirectory)
    return RefusedMember(field_, member.name, "a directory is there");
  if (member.is_hardlink) return PlanHardlink(member);
  planned_[path] = {member.type == AE_IFLNK ? Kind::kSymlink : Kind::kOther, false};
  return OkStatus();
}

Status TarExtractionPlan::PlanHardlink(const TarMember& member) {
  std::vector<std::string> target;
  if (!SplitMemberName(member.hardlink, &target) || target.empty()) {
    return RefusedMember(field_, member.name,
                         "its link target '" + member.hardlink + "' is absolute or has '..'");
  }
  const std::string where = "find the link target of member '" + member.name + "'";
  for (size_t depth = 1; depth < target.size(); ++depth) {
    Kind kind = KindOf(target, depth);
    if (kind == Kind::kSymlink) {
      return RefusedMember(field_, member.name, "its link target goes through a symlink");
    }
    if (kind != Kind::kDirectory)
      return ErrnoStatus(where, kind == Kind::kMissing ? ENOENT : ENOTDIR);
  }
  const Kind kind = KindOf(target, target.size());
  if (kind == Kind::kMissing) return ErrnoStatus(where, ENOENT);
  if (kind == Kind::kDirectory)
    return RefusedMember(field_, member.name, "its link target is a directory");
  planned_[JoinComponents(member.components, member.components.size())] = {kind, false};
  return OkStatus();
}

}  // namespace boxcar
