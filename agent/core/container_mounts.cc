#include "core/container_mounts.h"

#include <sys/stat.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <map>
#include <set>

namespace boxcar {

namespace {

std::string MountField(int index) { return "spec.mounts[" + std::to_string(index) + "]"; }

size_t Depth(const std::string& path) { return std::count(path.begin(), path.end(), '/'); }

}  // namespace

std::vector<std::string> VolumeNamesOf(const v1::ContainerSpec& spec) {
  std::vector<std::string> names;
  for (const auto& mount : spec.mounts()) {
    if (mount.type() == v1::Mount::TYPE_VOLUME && !mount.source().empty()) {
      names.push_back(mount.source());
    }
  }
  return names;
}

std::string CleanContainerPath(const std::string& path) {
  std::string clean;
  size_t start = 0;
  while (start <= path.size()) {
    size_t end = path.find('/', start);
    if (end == std::string::npos) end = path.size();
    std::string component = path.substr(start, end - start);
    if (component == "..") {
      clean.erase(std::min(clean.size(), clean.rfind('/')));  // "/.." is "/"
    } else if (!component.empty() && component != ".") {
      clean += "/" + component;
    }
    start = end + 1;
  }
  return clean.empty() ? "/" : clean;
}

Status ValidateMounts(const v1::ContainerSpec& spec) {
  std::map<std::string, int> targets;
  for (int i = 0; i < spec.mounts_size(); ++i) {
    const v1::Mount& mount = spec.mounts(i);
    const std::string field = MountField(i);
    if (mount.type() == v1::Mount::TYPE_UNSPECIFIED || !v1::Mount::Type_IsValid(mount.type())) {
      return InvalidArgument(field + ".type: give bind, volume or tmpfs");
    }
    if (mount.target().empty() || mount.target()[0] != '/') {
      return InvalidArgument(field + ".target: '" + mount.target() +
                             "' must be an absolute path inside the container");
    }
    const std::string target = CleanContainerPath(mount.target());
    if (target == "/") {
      return InvalidArgument(field + ".target: the container's root cannot be a mount target");
    }
    if (auto [it, inserted] = targets.emplace(target, i); !inserted) {
      return InvalidArgument(field + ".target: '" + target + "' is already the target of " +
                             MountField(it->second));
    }
    const bool tmpfs = mount.type() == v1::Mount::TYPE_TMPFS;
    if (!tmpfs && (mount.tmpfs_size_bytes() != 0 || mount.tmpfs_mode() != 0)) {
      return InvalidArgument(field + ".tmpfs_size_bytes: size and mode are tmpfs options");
    }
    if (tmpfs && mount.tmpfs_mode() > 07777) {
      return InvalidArgument(field + ".tmpfs_mode: " + std::to_string(mount.tmpfs_mode()) +
                             " is not a permission mode (at most 07777)");
    }
    switch (mount.type()) {
      case v1::Mount::TYPE_BIND: {
        if (mount.source().empty() || mount.source()[0] != '/') {
          return InvalidArgument(field + ".source: '" + mount.source() +
                                 "' must be an absolute host path");
        }
        struct stat st;
        if (::stat(mount.source().c_str(), &st) != 0) {
          return InvalidArgument(field + ".source: host path '" + mount.source() +
                                 "' does not exist (-v / --mount source): " + std::strerror(errno));
        }
        break;
      }
      case v1::Mount::TYPE_VOLUME:
        if (!mount.source().empty()) {
          RETURN_IF_ERROR(ValidateVolumeName(mount.source(), field + ".source"));
        }
        break;
      case v1::Mount::TYPE_TMPFS:
        if (!mount.source().empty()) {
          return InvalidArgument(field + ".source: a tmpfs has no source");
        }
        break;
      default:
        break;
    }
  }
  return OkStatus();
}

Status CompleteMounts(v1::ContainerSpec* spec, const v1::ImageConfig& image, VolumeStore* volumes,
                      std::vector<std::string>* created, const std::vector<v1::Mount>& inherited) {
  std::set<std::string> targets;
  for (int i = 0; i < spec->mounts_size(); ++i) {
    v1::Mount& mount = *spec->mutable_mounts(i);
    mount.set_target(CleanContainerPath(mount.target()));
    targets.insert(mount.target());
    if (mount.type() != v1::Mount::TYPE_VOLUME) continue;
    const std::string field = MountField(i) + ".source";
    if (volumes == nullptr) return FailedPrecondition(field + ": this agent keeps no volumes");
    if (mount.source().empty()) {
      ASSIGN_OR_RETURN(VolumeRecord volume, volumes->Create("", true, field));
      created->push_back(volume.name);
      mount.set_source(volume.name);
      mount.set_anonymous(true);
      continue;
    }
    mount.set_anonymous(false);
    auto existing = volumes->Get(mount.source(), field);
    if (existing.ok()) continue;
    if (existing.status().code() != StatusCode::kNotFound) return existing.status();
    ASSIGN_OR_RETURN(VolumeRecord volume, volumes->Ensure(mount.source(), field));
    created->push_back(volume.name);
  }
  // --volumes-from: the source's own volumes (which it holds, so they exist), as it has them.
  for (const v1::Mount& mount : inherited) {
    if (!targets.insert(mount.target()).second) continue;  // an explicit mount wins
    *spec->add_mounts() = mount;
  }
  // The image's VOLUME paths (as Docker: each gets a fresh anonymous volume).
  for (const std::string& path : image.volumes()) {
    if (path.empty() || path[0] != '/') continue;
    const std::string target = CleanContainerPath(path);
    if (target == "/" || targets.count(target)) continue;
    if (volumes == nullptr) continue;
    ASSIGN_OR_RETURN(VolumeRecord volume,
                     volumes->Create("", true, "image VOLUME '" + target + "'"));
    created->push_back(volume.name);
    v1::Mount* mount = spec->add_mounts();
    mount->set_type(v1::Mount::TYPE_VOLUME);
    mount->set_source(volume.name);
    mount->set_target(target);
    mount->set_anonymous(true);
    targets.insert(target);
  }
  return OkStatus();
}

StatusOr<std::vector<LaunchMount>> LaunchMountsOf(const v1::ContainerSpec& spec,
                                                  VolumeStore* volumes) {
  std::vector<LaunchMount> mounts;
  for (int i = 0; i < spec.mounts_size(); ++i) {
    const v1::Mount& mount = spec.mounts(i);
    LaunchMount launch;
    launch.target = mount.target();
    launch.read_only = mount.read_only();
    switch (mount.type()) {
      case v1::Mount::TYPE_TMPFS:
        launch.kind = LaunchMount::Kind::kTmpfs;
        launch.tmpfs_size_bytes = mount.tmpfs_size_bytes();
        launch.tmpfs_mode = mount.tmpfs_mode();
        break;
      case v1::Mount::TYPE_VOLUME: {
        if (volumes == nullptr) {
          return FailedPrecondition(MountField(i) + ".source: this agent keeps no volumes");
        }
        auto volume = volumes->Get(mount.source(), MountField(i) + ".source");
        if (!volume.ok()) {
          return FailedPrecondition(volume.status().message() + " (it was removed since Create)");
        }
        launch.source = volume->data_dir;
        break;
      }
      default:
        launch.source = mount.source();
        break;
    }
    mounts.push_back(std::move(launch));
  }
  // Parents first: a mount below another one must land on it, not under it.
  std::stable_sort(mounts.begin(), mounts.end(), [](const LaunchMount& a, const LaunchMount& b) {
    return Depth(a.target) < Depth(b.target);
  });
  return mounts;
}

}  // namespace boxcar
