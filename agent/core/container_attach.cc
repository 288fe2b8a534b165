// Attach: a container's output followed from now (or from its start) and its stdin, for one
// caller (`boxcar attach`, `start -a`, `run -it`).
#include <spdlog/spdlog.h>

#include "common/identifiers.h"
#include "core/container_log_options.h"
#include "core/container_service.h"
#include "core/container_states.h"

namespace boxcar {

StatusOr<v1::WaitContainerResponse> ContainerService::Attach(const std::string& container,
                                                             const AttachOptions& options,
                                                             const AttachCallbacks& callbacks,
                                                             std::string* failed_step) {
  ASSIGN_OR_RETURN(EntryPtr entry, Lookup(container, "start.container"));
  std::string id;
  // A container that runs already is attached to, as `docker start -a` does; it is not started
  // again (which would fail and, with `remove`, have removed a running container).
  bool start = options.start;
  {
    std::lock_guard<std::mutex> lock(entry->mutex);
    const v1::Container& record = entry->record;
    if (entry->removed) return NotFound("start.container: '" + container + "' was removed");
    id = record.id();
    if (options.remove && record.spec().restart_policy().mode() != v1::RestartPolicy::MODE_NO) {
      return InvalidArgument("start.remove: container " + record.name() +
                             " has a restart policy; a container removed at its exit cannot");
    }
    if (IsLive(record.state())) start = false;
    if (!options.start && !IsLive(record.state())) {
      return FailedPrecondition("start.container: " + record.name() +
                                " is not running; start it with `boxcar start -a " +
                                record.name() + "`");
    }
  }
  // Fixed before the start, so that nothing the payload writes at once is missed.
  OutputLogCursor cursor = OutputLogCursor::AtEnd(StateDir(id));
  if (start) {
    auto started = Start(id, /*output_awaits_watcher=*/true);
    if (!started.ok()) {
      if (options.remove) (void)Remove(id, true, /*remove_volumes=*/true);
      if (failed_step) *failed_step = "start";
      return started.status();
    }
  }
  v1::Container record;
  {
    std::lock_guard<std::mutex> lock(entry->mutex);
    record = entry->record;
  }
  std::shared_ptr<AttachConnection> connection;
  // Output that is not kept comes over this connection too (launch/stdio_frames.h).
  const bool output_kept = record.spec().log_driver() != kLogDriverNone;
  if ((record.spec().tty() || record.spec().stdin_open() || !output_kept) &&
      IsLive(record.state())) {
    auto socket_fd = ConnectToAttachSocket(AttachSocketPath(StateDir(id)));
    if (socket_fd.ok()) {
      connection = std::make_shared<AttachConnection>(std::move(*socket_fd));
      if (record.spec().tty() && options.rows != 0 && options.columns != 0) {
        (void)connection->Resize(options.rows, options.columns);
      }
    } else {
      // The payload may have ended meanwhile; its output is still streamed.
      spdlog::warn("container {}: attach without input: {}", ShortId(id),
                   socket_fd.status().message());
    }
  }
  bool connected = callbacks.attached(record, connection);
  if (connected) {
    auto sink = [&](v1::LogStream stream, const std::string& bytes, int64_t unix_ns) {
      connected = callbacks.output(stream, bytes, unix_ns);
      return connected;
    };
    if (output_kept) {
      RETURN_IF_ERROR(FollowLogs(*entry, cursor, /*follow=*/true, sink, callbacks.cancelled));
    } else if (connection != nullptr) {
      RETURN_IF_ERROR(FollowLiveOutput(id, connection, sink, callbacks.cancelled));
    }
    connected = connected && !callbacks.cancelled();
  }
  if (!connected) {
    // Detached: the container runs on, and goes at its exit when asked to.
    if (options.remove) (void)RemoveOnExit(id);
    return Status(StatusCode::kCancelled, "the caller detached");
  }
  return EndOfRun(id, options.remove, callbacks.cancelled);
}

}  // namespace boxcar
