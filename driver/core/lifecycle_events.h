// What Nova's compute manager hears of its instances' containers between its power-state
// syncs: the agent's container events as Nova lifecycle events (nova.virt.event), so a payload
// that exits on its own shows SHUTOFF at once instead of after the next sync (10 min).
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "boxcar/v1/containers.pb.h"

namespace boxcar::nova {

// nova.virt.event's EVENT_LIFECYCLE_* the driver emits.
enum class LifecycleTransition { kStarted, kStopped, kPaused, kResumed };

struct LifecycleEvent {
  std::string instance_uuid;
  LifecycleTransition transition;

  bool operator==(const LifecycleEvent& other) const {
    return instance_uuid == other.instance_uuid && transition == other.transition;
  }
};

// "started", "stopped", "paused", "resumed".
const char* TransitionName(LifecycleTransition transition);

// The instance a container name "nova-<uuid>" belongs to; nullopt for any other name.
std::optional<std::string> InstanceUuidOfContainerName(const std::string& name);

// STARTED -> started, EXITED -> stopped, PAUSED -> paused, UNPAUSED -> resumed, of Nova
// instances' containers; nullopt for other events and other containers. An exit the OOM
// killer caused is "stopped" too (Nova has no crash event; see PowerStateFor).
std::optional<LifecycleEvent> LifecycleEventFor(const v1::ContainerEvent& event);

// The state each instance's container is in, as events: what a watcher that lost the agent
// for a while may have missed (running -> started, paused -> paused, exited -> stopped;
// created ones are being spawned and left out).
std::vector<LifecycleEvent> LifecycleEventsForStates(const std::vector<v1::Container>& containers);

}  // namespace boxcar::nova
