#include "core/volume_service.h"

#include <spdlog/spdlog.h>

#include "common/identifiers.h"

namespace boxcar {

v1::Volume VolumeService::ToProto(const VolumeRecord& record) {
  v1::Volume volume;
  volume.set_name(record.name);
  volume.set_mountpoint(record.data_dir);
  volume.set_created_unix_ns(record.created_unix_ns);
  volume.set_anonymous(record.anonymous);
  for (auto& id : containers_->ContainersUsingVolume(record.name)) volume.add_containers(id);
  return volume;
}

StatusOr<v1::Volume> VolumeService::Create(const std::string& name) {
  ASSIGN_OR_RETURN(VolumeRecord record, store_->Create(name, name.empty()));
  spdlog::info("volume {} created", record.name);
  return ToProto(record);
}

std::vector<v1::Volume> VolumeService::List() {
  std::vector<v1::Volume> volumes;
  for (const auto& record : store_->List()) volumes.push_back(ToProto(record));
  return volumes;
}

StatusOr<v1::Volume> VolumeService::Inspect(const std::string& name) {
  ASSIGN_OR_RETURN(VolumeRecord record, store_->Get(name));
  return ToProto(record);
}

Status VolumeService::Remove(const std::string& name, bool force) {
  auto found = store_->Get(name);
  // --force as Docker's: a volume that does not exist is no error (a name that cannot be one
  // still is).
  if (!found.ok() && force && found.status().code() == StatusCode::kNotFound) return OkStatus();
  RETURN_IF_ERROR(found.status());
  // Refused even with --force, as Docker does: its data would go from under the containers.
  std::vector<std::string> users = containers_->ContainersUsingVolume(name);
  if (!users.empty()) {
    std::string names;
    for (const auto& id : users) names += (names.empty() ? "" : ", ") + ShortId(id);
    return FailedPrecondition("name: volume '" + name + "' is in use by container(s) " + names +
                              "; remove them first (boxcar rm), then the volume");
  }
  RETURN_IF_ERROR(store_->Remove(name));
  spdlog::info("volume {} removed", name);
  return OkStatus();
}

std::vector<std::string> VolumeService::Prune(bool all) {
  std::vector<std::string> removed;
  for (const auto& record : store_->List()) {
    if (!record.anonymous && !all) continue;
    if (!containers_->ContainersUsingVolume(record.name).empty()) continue;
    Status gone = store_->Remove(record.name);
    if (gone.ok()) {
      removed.push_back(record.name);
    } else {
      spdlog::warn("volume {}: prune failed: {}", record.name, gone.message());
    }
  }
  return removed;
}

}  // namespace boxcar
