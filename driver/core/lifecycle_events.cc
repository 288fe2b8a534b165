#include "core/lifecycle_events.h"

#include "core/instance_labels.h"

namespace boxcar::nova {

const char* TransitionName(LifecycleTransition transition) {
  switch (transition) {
    case LifecycleTransition::kStarted:
      return "started";
    case LifecycleTransition::kStopped:
      return "stopped";
    case LifecycleTransition::kPaused:
      return "paused";
    case LifecycleTransition::kResumed:
      return "resumed";
  }
  return "unknown";
}

std::optional<std::string> InstanceUuidOfContainerName(const std::string& name) {
  static constexpr char kPrefix[] = "nova-";
  if (name.rfind(kPrefix, 0) != 0) return std::nullopt;
  std::string uuid = name.substr(sizeof(kPrefix) - 1);
  // ContainerNameFor is the one rule of what an instance's container is called.
  auto expected = ContainerNameFor(uuid);
  if (!expected.ok() || *expected != name) return std::nullopt;
  return uuid;
}

std::optional<LifecycleEvent> LifecycleEventFor(const v1::ContainerEvent& event) {
  std::optional<LifecycleTransition> transition;
  switch (event.type()) {
    case v1::EVENT_TYPE_STARTED:
      transition = LifecycleTransition::kStarted;
      break;
    case v1::EVENT_TYPE_EXITED:
      transition = LifecycleTransition::kStopped;
      break;
    case v1::EVENT_TYPE_PAUSED:
      transition = LifecycleTransition::kPaused;
      break;
    case v1::EVENT_TYPE_UNPAUSED:
      transition = LifecycleTransition::kResumed;
      break;
    default:
      return std::nullopt;
  }
  auto uuid = InstanceUuidOfContainerName(event.name());
  if (!uuid) return std::nullopt;
  return LifecycleEvent{*uuid, *transition};
}

std::vector<LifecycleEvent> LifecycleEventsForStates(const std::vector<v1::Container>& containers) {
  std::vector<LifecycleEvent> events;
  for (const auto& container : containers) {
    // Named for an instance and labelled for the same one (other containers have no label).
    auto uuid = InstanceUuidOfContainerName(container.name());
    if (!uuid || *uuid != InstanceUuidOf(container)) continue;
    switch (container.state()) {
      case v1::CONTAINER_STATE_RUNNING:
        events.push_back({*uuid, LifecycleTransition::kStarted});
        break;
      case v1::CONTAINER_STATE_PAUSED:
        events.push_back({*uuid, LifecycleTransition::kPaused});
        break;
      case v1::CONTAINER_STATE_EXITED:
        events.push_back({*uuid, LifecycleTransition::kStopped});
        break;
      default:
        break;
    }
  }
  return events;
}

}  // namespace boxcar::nova
