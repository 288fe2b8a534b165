// StreamLogs: a container's stdout and stderr files, followed while it runs.
#include "core/container_service.h"

#include <fcntl.h>
#include <unistd.h>

#include "core/container_states.h"

namespace boxcar {

Status ContainerService::StreamLogs(const std::string& container, bool follow, const LogSink& sink,
                                    const CancelCheck& cancelled) {
  ASSIGN_OR_RETURN(EntryPtr entry, Lookup(container));
  LogPositions from_the_beginning;
  return FollowLogs(*entry, from_the_beginning, follow, sink, cancelled);
}

ContainerService::LogPositions ContainerService::LogsAtEnd(const std::string& id) const {
  const std::string state_dir = StateDir(id);
  LogPositions positions;
  positions.stdout_fd.reset(::open((state_dir + kStdoutLogFile).c_str(), O_RDONLY | O_CLOEXEC));
  positions.stderr_fd.reset(::open((state_dir + kStderrLogFile).c_str(), O_RDONLY | O_CLOEXEC));
  for (const UniqueFd* fd : {&positions.stdout_fd, &positions.stderr_fd}) {
    if (*fd) ::lseek(fd->get(), 0, SEEK_END);
  }
  return positions;
}

Status ContainerService::FollowLogs(Entry& entry, LogPositions& positions, bool follow,
                                    const LogSink& sink, const CancelCheck& cancelled) {
  std::string state_dir;
  {
    std::lock_guard<std::mutex> lock(entry.mutex);
    state_dir = StateDir(entry.record.id());
  }
  struct Source {
    v1::LogStream stream;
    std::string path;
    UniqueFd* fd;
  } sources[] = {{v1::LOG_STREAM_STDOUT, state_dir + kStdoutLogFile, &positions.stdout_fd},
                 {v1::LOG_STREAM_STDERR, state_dir + kStderrLogFile, &positions.stderr_fd}};
  std::string buffer(64 * 1024, '\0');
  for (;;) {
    // Whether the payload had exited before this pass: then a pass to EOF sees all output.
    bool finished;
    {
      std::lock_guard<std::mutex> lock(entry.mutex);
      finished = entry.removed || !IsLive(entry.record.state());
    }
    bool read_anything = false;
    for (auto& source : sources) {
      if (!*source.fd) source.fd->reset(::open(source.path.c_str(), O_RDONLY | O_CLOEXEC));
      if (!*source.fd) continue;
      for (;;) {
        ssize_t n = ::read(source.fd->get(), buffer.data(), buffer.size());
        if (n <= 0) break;
        read_anything = true;
        if (!sink(source.stream, buffer.substr(0, static_cast<size_t>(n)))) return OkStatus();
      }
    }
    if (!follow || finished) return OkStatus();
    if (cancelled && cancelled()) return OkStatus();
    if (!read_anything) {
      std::unique_lock<std::mutex> lock(entry.mutex);
      entry.changed.wait_for(lock, std::chrono::milliseconds(20),
                             [&] { return entry.removed || !IsLive(entry.record.state()); });
    }
  }
}

}  // namespace boxcar
