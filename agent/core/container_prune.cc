// `boxcar container prune` and the writable-layer sizes `system df` and prune report.
#include <spdlog/spdlog.h>

#include "common/tree_size.h"
#include "core/container_service.h"

namespace boxcar {

namespace {

// "KEY" or "KEY=VALUE" against a container's labels.
bool HasLabel(const v1::Container& container, const std::string& wanted) {
  const auto& labels = container.spec().labels();
  const size_t equals = wanted.find('=');
  auto found = labels.find(wanted.substr(0, equals));
  if (found == labels.end()) return false;
  return equals == std::string::npos || found->second == wanted.substr(equals + 1);
}

bool Keeps(const v1::PruneContainersRequest& request, const v1::Container& container) {
  if (container.state() != v1::CONTAINER_STATE_CREATED &&
      container.state() != v1::CONTAINER_STATE_EXITED) {
    return false;
  }
  if (request.created_before_unix_ns() != 0 &&
      container.created_unix_ns() >= request.created_before_unix_ns()) {
    return false;
  }
  for (const auto& label : request.labels()) {
    if (!HasLabel(container, label)) return false;
  }
  for (const auto& label : request.labels_absent()) {
    if (HasLabel(container, label)) return false;
  }
  return true;
}

}  // namespace

StatusOr<uint64_t> ContainerService::WritableLayerBytes(const std::string& container) {
  ASSIGN_OR_RETURN(EntryPtr entry, Lookup(container));
  std::string id;
  {
    std::lock_guard<std::mutex> lock(entry->mutex);
    if (entry->removed) return NotFound("container: '" + container + "' was removed");
    id = entry->record.id();
  }
  return TreeApparentSize(snapshotter_->ChangesDir(id));
}

v1::PruneContainersResponse ContainerService::Prune(const v1::PruneContainersRequest& request) {
  v1::PruneContainersResponse response;
  for (const v1::Container& container : List(/*all=*/true)) {
    if (!Keeps(request, container)) continue;
    StatusOr<uint64_t> size = WritableLayerBytes(container.id());
    const uint64_t bytes = size.ok() ? *size : 0;
    // Not forced: a container started since the listing is refused, and kept.
    StatusOr<v1::Container> removed = Remove(container.id(), /*force=*/false);
    if (!removed.ok()) {
      spdlog::info("prune: container {} kept: {}", container.id(), removed.status().message());
      continue;
    }
    response.add_deleted_ids(container.id());
    response.set_reclaimed_bytes(response.reclaimed_bytes() + bytes);
  }
  return response;
}

}  // namespace boxcar
