#include "core/container_volumes_from.h"

#include <algorithm>
#include <mutex>

#include "core/container_service.h"

namespace boxcar {

StatusOr<VolumesFromEntry> ParseVolumesFrom(const std::string& text, const std::string& field) {
  VolumesFromEntry entry;
  entry.container = text;
  if (auto colon = text.rfind(':'); colon != std::string::npos) {
    const std::string mode = text.substr(colon + 1);
    entry.container = text.substr(0, colon);
    if (mode == "ro") {
      entry.mode = VolumesFromEntry::Mode::kReadOnly;
    } else if (mode == "rw") {
      entry.mode = VolumesFromEntry::Mode::kReadWrite;
    } else {
      return InvalidArgument(field + ": '" + text + "' has mode '" + mode +
                             "'; give CONTAINER, CONTAINER:ro or CONTAINER:rw");
    }
  }
  if (entry.container.empty()) {
    return InvalidArgument(field + ": '" + text + "' names no container");
  }
  return entry;
}

Status ValidateVolumesFrom(const v1::ContainerSpec& spec) {
  for (int i = 0; i < spec.volumes_from_size(); ++i) {
    RETURN_IF_ERROR(
        ParseVolumesFrom(spec.volumes_from(i), "spec.volumes_from[" + std::to_string(i) + "]")
            .status());
  }
  return OkStatus();
}

void AppendInheritedMounts(const v1::ContainerSpec& source, const VolumesFromEntry& entry,
                           std::vector<v1::Mount>* mounts) {
  for (const v1::Mount& mount : source.mounts()) {
    // As Docker: a tmpfs belongs to its container alone.
    if (mount.type() != v1::Mount::TYPE_BIND && mount.type() != v1::Mount::TYPE_VOLUME) continue;
    const bool taken = std::any_of(mounts->begin(), mounts->end(), [&](const v1::Mount& other) {
      return other.target() == mount.target();
    });
    if (taken) continue;
    v1::Mount inherited = mount;
    if (entry.mode == VolumesFromEntry::Mode::kReadOnly) inherited.set_read_only(true);
    if (entry.mode == VolumesFromEntry::Mode::kReadWrite) inherited.set_read_only(false);
    mounts->push_back(std::move(inherited));
  }
}

StatusOr<std::vector<v1::Mount>> ContainerService::VolumesFromMounts(
    const v1::ContainerSpec& spec) {
  std::vector<v1::Mount> mounts;
  for (int i = 0; i < spec.volumes_from_size(); ++i) {
    const std::string field = "spec.volumes_from[" + std::to_string(i) + "]";
    ASSIGN_OR_RETURN(VolumesFromEntry entry, ParseVolumesFrom(spec.volumes_from(i), field));
    ASSIGN_OR_RETURN(EntryPtr source, Lookup(entry.container, field));
    std::lock_guard<std::mutex> lock(source->mutex);
    AppendInheritedMounts(source->record.spec(), entry, &mounts);
  }
  return mounts;
}

}  // namespace boxcar
