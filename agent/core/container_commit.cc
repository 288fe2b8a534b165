// Commit: a container's changes as a new image.
#include <spdlog/spdlog.h>

#include "common/disk_full.h"
#include "common/identifiers.h"
#include "core/container_service.h"
#include "core/container_spec_validation.h"

namespace boxcar {

StatusOr<v1::CommitContainerResponse> ContainerService::Commit(
    const v1::CommitContainerRequest& request) {
  const v1::CommitChanges& changes = request.changes();
  // Checked before the container is frozen: a refused request changes nothing.
  if (!request.reference().empty())
    RETURN_IF_ERROR(ParseImageReference(request.reference(), "reference").status());
  ImageStore::CommitChanges store_changes;
  if (changes.has_cmd()) {
    store_changes.cmd.emplace(changes.cmd().values().begin(), changes.cmd().values().end());
  }
  if (changes.has_entrypoint()) {
    store_changes.entrypoint.emplace(changes.entrypoint().values().begin(),
                                     changes.entrypoint().values().end());
  }
  RETURN_IF_ERROR(CheckEnvEntries(changes.env(), "changes.env"));
  store_changes.env.assign(changes.env().begin(), changes.env().end());
  if (changes.has_working_dir()) {
    RETURN_IF_ERROR(ValidateAbsolutePath(changes.working_dir(), "changes.working_dir"));
    store_changes.working_dir = changes.working_dir();
  }
  if (changes.has_user()) {
    RETURN_IF_ERROR(CheckUserSpec(changes.user(), "changes.user"));
    store_changes.user = changes.user();
  }
  store_changes.comment = request.message();

  ASSIGN_OR_RETURN(EntryPtr entry, Lookup(request.container()));
  std::lock_guard<std::mutex> lock(entry->mutex);  // no start, stop or remove meanwhile
  v1::Container& record = entry->record;
  store_changes.created_by = "boxcar commit " + record.name();
  store_changes.ids = IdMappingOf(record.spec());
  // A running payload keeps writing; freeze it while its changes are read.
  bool froze = false;
  const bool pause = request.has_pause() ? request.pause() : true;
  if (record.state() == v1::CONTAINER_STATE_RUNNING && pause &&
      BackendFor(record, Capability::kPause).ok()) {
    RETURN_IF_ERROR(cgroups_->Freeze(record.id()));
    froze = true;
  }
  auto image = images_->Commit(record.image_id(), snapshotter_->ChangesDir(record.id()),
                               request.reference(), store_changes);
  if (froze) {
    if (Status thawed = cgroups_->Thaw(record.id()); !thawed.ok()) {
      spdlog::error("container {}: thaw after commit: {}", ShortId(record.id()), thawed.message());
    }
  }
  if (!image.ok()) return ExplainDiskFull(image.status(), config_.root_dir);
  spdlog::info("container {} committed as image {}", ShortId(record.id()), ShortId(image->id()));
  v1::CommitContainerResponse response;
  response.set_image_id(image->id());
  response.mutable_references()->Add(image->references().begin(), image->references().end());
  return response;
}

}  // namespace boxcar
