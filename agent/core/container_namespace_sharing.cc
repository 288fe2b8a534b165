// Namespaces shared with other containers (core/container_namespace_modes.h): the other
// container resolved to its id at Create, its PID 1 looked up at every Start, and for a shared
// network its /etc files copied. Nothing here runs for a container that shares nothing.
//
// NOTE: once started, a container keeps the namespaces it joined, as Docker's: the other one
// may stop, restart or be removed meanwhile (a shared PID namespace ends with its PID 1, and
// the kernel then kills every process in it, so this one exits too). A later start of this
// one joins the other's namespaces anew: it fails (FAILED_PRECONDITION) until the other runs,
// or NOT_FOUND once it was removed.
#include <unistd.h>

#include "common/atomic_file.h"
#include "common/process_start_time.h"
#include "core/container_namespace_modes.h"
#include "core/container_service.h"
#include "core/container_states.h"
#include "net/container_name_files.h"

namespace boxcar {

Status ContainerService::ResolveSharedNamespaces(v1::ContainerSpec* spec) {
  for (const SharedNamespaceField& shared : ContainerModesOf(*spec)) {
    ASSIGN_OR_RETURN(EntryPtr target, Lookup(ContainerOfMode(shared.mode), shared.field));
    std::lock_guard<std::mutex> lock(target->mutex);
    const v1::Container& other = target->record;
    std::string id = other.id();
    // Through a container that shares a third one's network: that third one's.
    if (shared.type == std::string("net")) {
      const std::string further = ContainerOfMode(other.spec().network().mode());
      if (!further.empty()) id = further;
      // As Docker: the other container's hostname (its /etc/hostname is copied at start).
      spec->set_hostname(other.spec().hostname());
    }
    const std::string mode = kContainerModePrefix + id;
    if (shared.type == std::string("net")) spec->mutable_network()->set_mode(mode);
    if (shared.type == std::string("pid")) spec->set_pid_mode(mode);
    if (shared.type == std::string("ipc")) spec->set_ipc_mode(mode);
  }
  return OkStatus();
}

StatusOr<std::vector<JoinedNamespace>> ContainerService::JoinedNamespacesOf(
    const v1::Container& record) {
  std::vector<JoinedNamespace> joined;
  for (const SharedNamespaceField& shared : ContainerModesOf(record.spec())) {
    const std::string id = ContainerOfMode(shared.mode);
    EntryPtr target = FindById(id);
    const std::string field = shared.field;
    if (!target) {
      return NotFound(field + ": container " + ShortId(id) +
                      " no longer exists; recreate this one with another to share");
    }
    std::lock_guard<std::mutex> lock(target->mutex);
    const v1::Container& other = target->record;
    if (target->removed) {
      return NotFound(field + ": container " + other.name() + " was removed");
    }
    if (other.state() != v1::CONTAINER_STATE_RUNNING &&
        other.state() != v1::CONTAINER_STATE_PAUSED) {
      return FailedPrecondition(field + ": container " + other.name() +
                                " is not running; start it first (boxcar start " + other.name() +
                                ")");
    }
    if (other.spec().has_userns()) {
      return FailedPrecondition(field + ": container " + other.name() +
                                " has a user namespace of its own; its namespaces cannot be "
                                "shared");
    }
    if (shared.type == std::string("ipc") && other.spec().ipc_mode() != "shareable") {
      return FailedPrecondition(field + ": container " + other.name() +
                                " has a non-shareable IPC namespace; create it with --ipc "
                                "shareable");
    }
    auto start_ticks = ReadProcessStartTicks(other.pid());
    if (!start_ticks.ok()) {
      return FailedPrecondition(field + ": container " + other.name() +
                                " is not running; start it first");
    }
    joined.push_back({shared.type, other.pid(), *start_ticks});
  }
  if (record.spec().pid_mode() == "host") joined.push_back({"pid"});
  if (record.spec().ipc_mode() == "host") joined.push_back({"ipc"});
  if (record.spec().uts_mode() == "host") joined.push_back({"uts"});
  return joined;
}

Status ContainerService::CopySharedEtcFiles(const v1::Container& record,
                                            const std::string& etc_files_dir) {
  const std::string other_dir = StateDir(ContainerOfMode(record.spec().network().mode()));
  for (const char* name : kContainerEtcFiles) {
    // A file the other container does not have (an image whose /etc is no directory) stays
    // empty here.
    auto content = ReadFileToString(other_dir + "/" + name);
    RETURN_IF_ERROR(WriteFileAtomically(etc_files_dir + "/" + name, content.ok() ? *content : "",
                                        0644, Durability::kProcessCrash));
  }
  return OkStatus();
}

bool ContainerService::NetworkSharedByOthers(const std::string& id) {
  std::lock_guard<std::mutex> lock(entries_mutex_);
  for (const auto& [other_id, entry] : entries_) {
    if (entry->network_shared_with == id) return true;
  }
  return false;
}

}  // namespace boxcar
