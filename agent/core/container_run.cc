// Run: create, start, stream the output and remove or wait, for one caller (`boxcar run`);
// RunDetached: create and start (`boxcar run -d`).
#include <spdlog/spdlog.h>

#include <chrono>

#include "core/container_log_options.h"
#include "core/container_service.h"

namespace boxcar {

StatusOr<v1::WaitContainerResponse> ContainerService::Run(const v1::ContainerSpec& spec,
                                                          bool remove,
                                                          const RunCallbacks& callbacks,
                                                          std::string* failed_step) {
  if (remove && spec.restart_policy().mode() != v1::RestartPolicy::MODE_NO) {
    return InvalidArgument(
        "remove: a container removed at its exit cannot have a restart policy "
        "(spec.restart_policy); choose one of them");
  }
  const auto begun = std::chrono::steady_clock::now();
  auto since_begun_us = [&begun] {
    return std::chrono::duration_cast<std::chrono::microseconds>(std::chrono::steady_clock::now() -
                                                                 begun)
        .count();
  };
  ASSIGN_OR_RETURN(v1::Container created, Create(spec));
  const std::string id = created.id();
  const auto created_us = since_begun_us();
  const bool output_kept = created.spec().log_driver() != kLogDriverNone;
  auto started = Start(id, /*output_awaits_watcher=*/!output_kept);
  if (!started.ok()) {
    if (remove) (void)Remove(id, true, /*remove_volumes=*/true);
    if (failed_step) *failed_step = "start";
    return started.status();
  }
  const auto started_us = since_begun_us();
  bool connected = callbacks.started(*started);
  if (connected) {
    auto sink = [&](v1::LogStream stream, const std::string& bytes, int64_t unix_ns) {
      connected = callbacks.output(stream, bytes, unix_ns);
      return connected;
    };
    RETURN_IF_ERROR(output_kept ? StreamLogs(id, /*follow=*/true, sink, callbacks.cancelled)
                                : FollowLiveOutput(id, nullptr, sink, callbacks.cancelled));
    connected = connected && !callbacks.cancelled();
  }
  if (!connected) {
    // The caller is gone; the container runs on, and goes at its exit when asked to.
    if (remove) (void)RemoveOnExit(id);
    return Status(StatusCode::kCancelled, "the caller went away");
  }
  const auto ended_us = since_begun_us();
  ASSIGN_OR_RETURN(v1::WaitContainerResponse exited, EndOfRun(id, remove, callbacks.cancelled));
  spdlog::debug("run of {}: created at {} us, started at {} us, output ended at {} us, {} at {} us",
                id.substr(0, 12), created_us, started_us, ended_us, remove ? "removed" : "waited",
                since_begun_us());
  return exited;
}

StatusOr<v1::Container> ContainerService::RunDetached(const v1::ContainerSpec& spec,
                                                      std::string* failed_step) {
  auto created = Create(spec);
  if (!created.ok()) {
    if (failed_step) *failed_step = "create";
    return created.status();
  }
  auto started = Start(created->id());
  if (!started.ok()) {
    if (failed_step) *failed_step = "start";
    // run -d --rm: a container that never ran goes at once, as Docker's.
    if (spec.auto_remove()) (void)Remove(created->id(), true, /*remove_volumes=*/true);
  }
  return started;
}

StatusOr<v1::WaitContainerResponse> ContainerService::EndOfRun(const std::string& id, bool remove,
                                                               const CancelCheck& cancelled) {
  if (!remove) return Wait(id, cancelled);
  // The output ended, so the payload has exited: Remove needs no force. A CNI DEL is left to
  // the exit's clean-up: the caller has its answer ~0.1-0.3 s sooner.
  ASSIGN_OR_RETURN(v1::Container removed,
                   Remove(id, false, /*remove_volumes=*/true, /*await_network_del=*/false));
  v1::WaitContainerResponse exited;
  exited.set_exit_code(removed.exit_code());
  exited.set_exit_signal(removed.exit_signal());
  exited.set_oom_killed(removed.oom_killed());
  return exited;
}

}  // namespace boxcar
