// Rename: a container's new name, in any state.
#include <spdlog/spdlog.h>

#include "common/identifiers.h"
#include "core/container_service.h"
#include "core/container_states.h"

namespace boxcar {

StatusOr<v1::Container> ContainerService::Rename(const std::string& container,
                                                 const std::string& name) {
  RETURN_IF_ERROR(ValidateContainerName(name, "name"));
  ASSIGN_OR_RETURN(EntryPtr entry, Lookup(container));
  // Names are unique across entries: the check and the change happen under entries_mutex_,
  // as Create's reservation does (and Lookup reads names under it), taken after the job lock
  // as Remove takes it.
  std::lock_guard<std::mutex> lock(entry->mutex);
  v1::Container& record = entry->record;
  std::string old_name;
  {
    std::lock_guard<std::mutex> entries_lock(entries_mutex_);
    if (entry->removed) return NotFound("container: '" + container + "' was removed");
    if (record.name() == name) return record;
    for (const auto& [id, existing] : entries_) {
      if (existing != entry && existing->record.name() == name) {
        return AlreadyExists("name: '" + name + "' is already used by container " +
                             ShortId(id) + "; remove it (boxcar rm) or choose another name");
      }
    }
    old_name = record.name();
    record.set_name(name);
  }
  if (Status persisted = Persist(*entry); !persisted.ok()) {
    std::lock_guard<std::mutex> entries_lock(entries_mutex_);
    record.set_name(old_name);
    return persisted;
  }
  // Its peers' hosts files (and its own) know it by the new name at once.
  if (config_.networks && IsLive(record.state())) {
    config_.networks->RenameContainer(record.id(), old_name, name);
  }
  spdlog::info("container {} renamed from {} to {}", ShortId(record.id()), old_name, name);
  Emit(v1::EVENT_TYPE_RENAMED, record);
  return record;
}

}  // namespace boxcar
