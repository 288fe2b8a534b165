// StreamLogs: a container's output (core/output_log_cursor.h), followed while it runs.
#include "core/container_service.h"

#include "core/container_states.h"

namespace boxcar {

Status ContainerService::StreamLogs(const std::string& container, bool follow, const LogSink& sink,
                                    const CancelCheck& cancelled, const OutputLogFilter& filter) {
  ASSIGN_OR_RETURN(EntryPtr entry, Lookup(container));
  std::string id;
  {
    std::lock_guard<std::mutex> lock(entry->mutex);
    id = entry->record.id();
  }
  OutputLogCursor cursor = OutputLogCursor::Open(StateDir(id), filter);
  return FollowLogs(*entry, cursor, follow, sink, cancelled);
}

Status ContainerService::FollowLogs(Entry& entry, OutputLogCursor& cursor, bool follow,
                                    const LogSink& sink, const CancelCheck& cancelled) {
  auto to_sink = [&](LogRecordStream stream, std::string_view bytes, int64_t unix_ns) {
    return sink(stream == LogRecordStream::kStderr ? v1::LOG_STREAM_STDERR : v1::LOG_STREAM_STDOUT,
                std::string(bytes), unix_ns);
  };
  for (;;) {
    // Whether the payload had exited before this pass: then a pass to the end sees all output
    // (the shim drains the payload's output before it records the exit).
    bool finished;
    {
      std::lock_guard<std::mutex> lock(entry.mutex);
      finished = entry.removed || !IsLive(entry.record.state());
    }
    const OutputLogCursor::Pass pass = cursor.ReadAvailable(to_sink);
    if (pass == OutputLogCursor::Pass::kStopped || pass == OutputLogCursor::Pass::kPastUntil) {
      return OkStatus();
    }
    if (!follow || finished) return OkStatus();
    if (cancelled && cancelled()) return OkStatus();
    if (pass == OutputLogCursor::Pass::kNothingNew) {
      std::unique_lock<std::mutex> lock(entry.mutex);
      entry.changed.wait_for(lock, std::chrono::milliseconds(20),
                             [&] { return entry.removed || !IsLive(entry.record.state()); });
    }
  }
}

}  // namespace boxcar
