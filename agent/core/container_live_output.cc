// FollowLiveOutput: the output of a container whose log driver keeps nothing (--log-driver
// none), taken from its shim as the payload writes it (launch/stdio_frames.h 'w'), for `run`
// in the foreground and `attach`. `logs` has nothing to show for such a container.
#include "common/unix_time.h"
#include "core/container_service.h"
#include "core/container_states.h"

namespace boxcar {

Status ContainerService::FollowLiveOutput(const std::string& id,
                                          std::shared_ptr<AttachConnection> connection,
                                          const LogSink& sink, const CancelCheck& cancelled) {
  if (connection == nullptr) {
    auto socket_fd = ConnectToAttachSocket(AttachSocketPath(StateDir(id)));
    // The shim has gone: the payload has ended and what it wrote is not kept.
    if (!socket_fd.ok()) return OkStatus();
    connection = std::make_shared<AttachConnection>(std::move(*socket_fd));
  }
  if (!connection->WatchOutput().ok()) return OkStatus();
  auto to_sink = [&sink](StdioFrameType stream, const std::string& bytes) {
    return sink(stream == StdioFrameType::kStderr ? v1::LOG_STREAM_STDERR : v1::LOG_STREAM_STDOUT,
                bytes, NowUnixNs());
  };
  auto caller_gone = [&cancelled] { return cancelled && cancelled(); };
  Status read = connection->ReadOutput(to_sink, caller_gone);
  // A caller that went away is told by its sink or its cancel check, as with FollowLogs.
  if (read.code() == StatusCode::kCancelled) return OkStatus();
  // Else EOF, or a connection broken by a shim that died: either way no more output comes.
  // The shim closes the connection once the output is drained, just before it records the
  // exit: as FollowLogs, this returns once the exit is known, so that what follows (Wait,
  // Remove) finds the container stopped.
  ASSIGN_OR_RETURN(EntryPtr entry, Lookup(id));
  std::unique_lock<std::mutex> lock(entry->mutex);
  while (!entry->removed && IsLive(entry->record.state()) && !caller_gone()) {
    entry->changed.wait_for(lock, std::chrono::milliseconds(100));
  }
  return OkStatus();
}

}  // namespace boxcar
