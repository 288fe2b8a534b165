// StreamLogs: a container's stdout and stderr files, followed while it runs.
#include "core/container_service.h"

#include <fcntl.h>
#include <unistd.h>

#include "core/container_states.h"

namespace boxcar {

Status ContainerService::StreamLogs(const std::string& container, bool follow, const LogSink& sink,
                                    const CancelCheck& cancelled, std::optional<uint32_t> tail) {
  ASSIGN_OR_RETURN(EntryPtr entry, Lookup(container));
  std::string id;
  {
    std::lock_guard<std::mutex> lock(entry->mutex);
    id = entry->record.id();
  }
  LogPositions positions = tail ? LogsAtLastLines(id, *tail) : LogPositions{};
  return FollowLogs(*entry, positions, follow, sink, cancelled);
}

namespace {

// The offset where the last `lines` lines of the file begin (a last line without its newline
// counts); 0 when it has fewer.
off_t StartOfLastLines(int fd, uint32_t lines) {
  const off_t size = ::lseek(fd, 0, SEEK_END);
  if (size <= 0) return 0;
  if (lines == 0) return size;
  char chunk[8192];
  uint32_t newlines = 0;
  for (off_t end = size; end > 0;) {
    const off_t begin = end > static_cast<off_t>(sizeof chunk) ? end - sizeof chunk : 0;
    ssize_t n = ::pread(fd, chunk, static_cast<size_t>(end - begin), begin);
    if (n <= 0) return 0;
    for (ssize_t i = n - 1; i >= 0; --i) {
      const off_t offset = begin + i;
      if (chunk[i] != '\n' || offset == size - 1) continue;  // the file's own last newline
      if (++newlines == lines) return offset + 1;
    }
    end = begin;
  }
  return 0;
}

}  // namespace

ContainerService::LogPositions ContainerService::LogsAtLastLines(const std::string& id,
                                                                 uint32_t lines) const {
  LogPositions positions = LogsAtEnd(id);
  for (UniqueFd* fd : {&positions.stdout_fd, &positions.stderr_fd}) {
    if (*fd) ::lseek(fd->get(), StartOfLastLines(fd->get(), lines), SEEK_SET);
  }
  return positions;
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
