// Health checks: the spec's check (the image's, filled in at Create) run through Exec by a
// loop of HealthMonitors for each running container that has one.
#include <poll.h>
#include <signal.h>
#include <spdlog/spdlog.h>
#include <unistd.h>

#include "common/go_duration.h"
#include "common/identifiers.h"
#include "common/unix_time.h"
#include "core/container_health_config.h"
#include "core/container_service.h"

namespace boxcar {

namespace {

constexpr int kPollSliceMs = 100;
// After the probe's exit: how long output its background children still write is awaited.
constexpr int kOutputGraceMs = 50;

// Reads what is ready on the open descriptors of `fds` into `output` (at most
// kHealthOutputBytes kept, the rest read and dropped); a descriptor at EOF gets -1.
void DrainReady(struct pollfd (&fds)[2], std::string* output) {
  char buffer[4096];
  for (auto& fd : fds) {
    if (fd.fd < 0 || (fd.revents & (POLLIN | POLLHUP | POLLERR)) == 0) continue;
    ssize_t n = ::read(fd.fd, buffer, sizeof buffer);
    if (n > 0) {
      size_t room = kHealthOutputBytes > output->size() ? kHealthOutputBytes - output->size() : 0;
      output->append(buffer, std::min(room, static_cast<size_t>(n)));
    } else if (n == 0 || (errno != EINTR && errno != EAGAIN)) {
      fd.fd = -1;
    }
  }
}

}  // namespace

void ContainerService::ResetHealth(v1::Container& record) {
  if (!HasHealthCheck(record.spec().healthcheck())) {
    record.clear_health();
    return;
  }
  v1::ContainerHealth* health = record.mutable_health();
  health->set_status(v1::HEALTH_STATUS_STARTING);
  health->set_failing_streak(0);
}

void ContainerService::ArmHealthCheck(Entry& entry) {
  const v1::HealthConfig& config = entry.record.spec().healthcheck();
  if (!HasHealthCheck(config)) return;
  const std::string id = entry.record.id();
  const uint64_t generation = entry.generation;
  const int64_t first_delay_ns =
      NextHealthProbeDelayNs(config, entry.record.health().status(), /*since_start_ns=*/0);
  health_monitors_.Start(id, std::chrono::nanoseconds(first_delay_ns),
                         [this, id, generation](const std::atomic<bool>& stop) {
                           return ProbeHealth(id, generation, stop);
                         });
}

void ContainerService::DisarmHealthCheck(Entry& entry) {
  health_monitors_.Stop(entry.record.id());
  v1::ContainerHealth* health = entry.record.mutable_health();
  if (health->status() != v1::HEALTH_STATUS_NONE) {
    health->set_status(v1::HEALTH_STATUS_UNHEALTHY);
  }
}

std::optional<std::chrono::nanoseconds> ContainerService::ProbeHealth(
    const std::string& id, uint64_t generation, const std::atomic<bool>& stop) {
  EntryPtr entry = FindById(id);
  if (!entry) return std::nullopt;
  v1::HealthConfig config;
  int64_t started_unix_ns = 0;
  {
    std::lock_guard<std::mutex> lock(entry->mutex);
    const v1::Container& record = entry->record;
    if (entry->removed || entry->generation != generation) return std::nullopt;
    config = record.spec().healthcheck();
    // A frozen container cannot answer: no probe until it is thawed.
    if (record.state() == v1::CONTAINER_STATE_PAUSED) {
      return std::chrono::nanoseconds(config.interval_ns());
    }
    if (record.state() != v1::CONTAINER_STATE_RUNNING) return std::nullopt;
    started_unix_ns = record.started_unix_ns();
  }
  v1::HealthProbe probe = RunHealthProbe(id, config, stop);
  if (stop) return std::nullopt;
  std::lock_guard<std::mutex> lock(entry->mutex);
  v1::Container& record = entry->record;
  if (entry->removed || entry->generation != generation) return std::nullopt;
  if (record.state() != v1::CONTAINER_STATE_RUNNING) {
    return record.state() == v1::CONTAINER_STATE_PAUSED
               ? std::optional(std::chrono::nanoseconds(config.interval_ns()))
               : std::nullopt;
  }
  const int exit_code = probe.exit_code();
  const int64_t since_start_ns = probe.start_unix_ns() - started_unix_ns;
  const bool changed =
      RecordHealthProbe(config, since_start_ns, std::move(probe), record.mutable_health());
  WarnIfFailed(id, Persist(*entry));
  if (changed) {
    spdlog::info("container {}: health {} (probe exit code {}, {} failure(s) in a row)",
                 ShortId(id), v1::HealthStatus_Name(record.health().status()), exit_code,
                 record.health().failing_streak());
    v1::ContainerEvent event;
    event.set_type(v1::EVENT_TYPE_HEALTH_STATUS);
    event.set_id(id);
    event.set_name(record.name());
    event.set_unix_ns(NowUnixNs());
    event.set_health_status(record.health().status());
    events_.Publish(event);
  }
  return std::chrono::nanoseconds(
      NextHealthProbeDelayNs(config, record.health().status(), NowUnixNs() - started_unix_ns));
}

v1::HealthProbe ContainerService::RunHealthProbe(const std::string& id,
                                                 const v1::HealthConfig& config,
                                                 const std::atomic<bool>& stop) {
  v1::HealthProbe probe;
  probe.set_start_unix_ns(NowUnixNs());
  v1::ExecSpec spec;
  for (const std::string& word : HealthProbeCommand(config)) spec.add_command(word);
  int exit_code_hint = 0;
  auto session = Exec(id, spec, &exit_code_hint, /*announce=*/false);
  if (!session.ok()) {
    probe.set_exit_code(exit_code_hint ? exit_code_hint : -1);
    probe.set_output(std::string(session.status().message()));
    probe.set_end_unix_ns(NowUnixNs());
    return probe;
  }
  (*session)->CloseStdin();
  const auto deadline =
      std::chrono::steady_clock::now() + std::chrono::nanoseconds(config.timeout_ns());
  struct pollfd fds[2] = {{(*session)->stdout_fd(), POLLIN, 0},
                          {(*session)->stderr_fd(), POLLIN, 0}};
  std::string output;
  std::optional<int> exit_code;
  while (!stop) {
    auto exited = (*session)->TryWait();
    if (exited.ok() && exited->has_value()) {
      exit_code = **exited;
      break;
    }
    if (!exited.ok()) {
      probe.set_exit_code(-1);
      probe.set_output(std::string(exited.status().message()));
      break;
    }
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
        deadline - std::chrono::steady_clock::now());
    if (left.count() <= 0) break;
    struct pollfd watch[3] = {fds[0], fds[1], {(*session)->exit_fd(), POLLIN, 0}};
    int ready = ::poll(watch, 3, static_cast<int>(std::min<int64_t>(left.count(), kPollSliceMs)));
    if (ready > 0) {
      fds[0].revents = watch[0].revents;
      fds[1].revents = watch[1].revents;
      DrainReady(fds, &output);
    }
  }
  if (exit_code) {
    // Output written just before the exit, not what background children write later on.
    const auto grace_end =
        std::chrono::steady_clock::now() + std::chrono::milliseconds(kOutputGraceMs);
    while ((fds[0].fd >= 0 || fds[1].fd >= 0) && std::chrono::steady_clock::now() < grace_end) {
      if (::poll(fds, 2, kOutputGraceMs) <= 0) break;
      DrainReady(fds, &output);
    }
    probe.set_exit_code(*exit_code);
    probe.set_output(output);
  } else if (probe.output().empty()) {
    // Past the timeout: the session's end kills the probe and its process group.
    probe.set_exit_code(-1);
    probe.set_output("Health check exceeded timeout (" + FormatGoDuration(config.timeout_ns()) +
                     ")");
  }
  probe.set_end_unix_ns(NowUnixNs());
  return probe;
}

}  // namespace boxcar
