// Resize and cold migration of instances (ComputeDriver's migrate_disk_and_power_off,
// finish_migration, confirm_migration, finish_revert_migration). On one host the container
// stays and gets the new flavor's limits (Containers.Update). To another host its changes
// travel as an image: committed on the source (MigrationImageNameFor), carried through a
// temporary Glance image by the adapter, pulled on the destination as a boot's image is.
#pragma once

#include <string>

#include "common/status.h"
#include "core/agent_client.h"
#include "core/driver_options.h"
#include "core/nova_types.h"

namespace boxcar::nova {

// "boxcar-migration-<uuid>": the name of the temporary Glance image of a migration, and the
// reference of the committed image in the source's store until the move is confirmed or
// reverted. Refuses what ContainerNameFor refuses.
StatusOr<std::string> MigrationImageNameFor(const std::string& instance_uuid);

class InstanceMoves {
 public:
  InstanceMoves(AgentClient* agent, const DriverOptions& options)
      : agent_(agent), options_(options) {}

  // Whether the instance's container can take `flavor` in place, checked before anything is
  // stopped: the limits fit this host, and the disk throttles (quota:disk_*), which a
  // container keeps from its creation, stay the same. FAILED_PRECONDITION names what differs.
  Status CheckResizeInPlace(const std::string& instance_uuid, const FlavorRequest& flavor);
  // Gives the container `flavor`'s limits, running or not (a same-host resize and its revert);
  // the memory+swap limit follows the memory limit as Create sets it.
  Status ApplyFlavor(const std::string& instance_uuid, const FlavorRequest& flavor);

  // Commits the (stopped) container's changes, its writable layer, as
  // MigrationImageNameFor(uuid), replacing an earlier attempt's. Returns the image id.
  StatusOr<std::string> CommitForMigration(const std::string& instance_uuid);
  // Removes the committed image from the store; none is fine.
  Status RemoveMigrationImage(const std::string& instance_uuid);
  // Untags the store's cache reference of `image` (the migration's temporary Glance image, about
  // to be deleted from Glance): the instance's container keeps its data; nothing else refers
  // to it. Untagged already is fine.
  Status ForgetImage(const ImageRequest& image);

 private:
  // The container and the limits `flavor` gives it here, when they can be applied in place.
  struct InPlacePlan {
    v1::Container container;
    v1::ResourceLimits limits;
  };
  StatusOr<InPlacePlan> PlanInPlace(const std::string& instance_uuid, const FlavorRequest& flavor);

  AgentClient* agent_;
  DriverOptions options_;
};

}  // namespace boxcar::nova
