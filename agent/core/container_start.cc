// ContainerService::Start: a created or exited container launched on its backend (a prewarmed
// helper where one fits), its network, mounts and cgroup in place, the launch recorded before
// it is announced; AbandonLaunch undoes a launch that could not be recorded.
#include <fcntl.h>
#include <signal.h>
#include <spdlog/spdlog.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "common/crash_points.h"
#include "common/pidfd.h"
#include "common/process_start_time.h"
#include "common/unix_time.h"
#include "core/container_capabilities.h"
#include "core/container_devices.h"
#include "core/container_etc_files.h"
#include "core/container_init_process.h"
#include "core/container_mounts.h"
#include "core/container_namespace_modes.h"
#include "core/container_resource_tuning.h"
#include "core/container_security_options.h"
#include "core/container_service.h"
#include "core/container_spec_validation.h"
#include "core/container_states.h"
#include "core/container_sysctls.h"
#include "core/legacy_output.h"
#include "core/mount_point_layer.h"
#include "launch/exit_record_reserve.h"

namespace boxcar {

StatusOr<v1::Container> ContainerService::Start(const std::string& container,
                                                bool output_awaits_watcher) {
  IdleGate::Busy busy(config_.idle_gate);
  ASSIGN_OR_RETURN(EntryPtr entry, Lookup(container));
  std::unique_lock<std::mutex> lock(entry->mutex);
  v1::Container& record = entry->record;
  if (entry->removed) return NotFound("container: '" + container + "' was removed");
  // Starting a running container changes nothing and is no error (as Docker's start).
  if (record.state() == v1::CONTAINER_STATE_RUNNING) return record;
  if (record.state() == v1::CONTAINER_STATE_PAUSED) {
    return FailedPrecondition("container: " + record.name() +
                              " is paused; resume it with `boxcar unpause`");
  }
  ++entry->generation;
  entry->stopped_by_user = false;
  entry->kept_for_restart = false;
  // The last run's exit clean-up: done here if the timer thread has not taken it yet,
  // waited for if it has (it would unmount the rootfs this start mounts).
  if (entry->exit_cleanup_pending) {
    entry->exit_cleanup_pending = false;
    WarnIfFailed(record.id(), snapshotter_->Unmount(record.id()));
  }
  DestroyPendingCgroups(*entry);
  entry->changed.wait(lock, [&] { return !entry->exit_cleanup_running; });
  // And the last run's CNI DEL (its pin and cache entry have this container's name).
  RunPendingNetworkDel(record.id());
  ASSIGN_OR_RETURN(Backend * backend, BackendFor(record));
  const std::string& id = record.id();
  const std::string state_dir = StateDir(id);
  // Resolved again at every start: a device node may have changed since Create.
  ASSIGN_OR_RETURN(std::vector<BlockDeviceThrottle> block_devices,
                   BlockDeviceThrottles(record.spec().limits(), "spec.limits"));
  ASSIGN_OR_RETURN(ContainerDevices devices, ResolveContainerDevices(record.spec()));

  auto started_at = std::chrono::steady_clock::now();
  auto elapsed_us = [&started_at] {
    return std::chrono::duration_cast<std::chrono::microseconds>(std::chrono::steady_clock::now() -
                                                                 started_at)
        .count();
  };
  // Before anything is mounted: the binary may have gone since Create.
  if (record.spec().init()) RETURN_IF_ERROR(CheckInitBinary(config_.init_path, "spec.init"));
  bool etc_files = false;
  ASSIGN_OR_RETURN(std::vector<std::string> layer_dirs, RootfsLayerDirs(record, &etc_files));
  ASSIGN_OR_RETURN(std::vector<LaunchMount> mounts, LaunchMountsOf(record.spec(), config_.volumes));
  const IdMapping userns = IdMappingOf(record.spec());
  ASSIGN_OR_RETURN(std::string rootfs_dir, snapshotter_->Mount(id, layer_dirs, userns));
  // Crashes from here until the record says RUNNING leave a mount, cgroups and maybe a payload
  // of a container recorded as not running: Recover kills and removes them.
  CrashPoint("start.after_mount");
  auto mounted_us = elapsed_us();

  // Output of a shim from before output records, kept ahead of the new output (two failed
  // opens otherwise). A failure costs the old output its place in `logs`, not the start.
  Status converted = ConvertLegacyOutput(state_dir);
  if (!converted.ok()) spdlog::warn("container {}: {}", ShortId(id), converted.message());

  LaunchSpec spec;
  spec.container_id = id;
  spec.rootfs_dir = rootfs_dir;
  spec.argv.assign(record.argv().begin(), record.argv().end());
  spec.env.assign(record.spec().env().begin(), record.spec().env().end());
  spec.working_dir = record.spec().working_dir();
  spec.hostname = record.spec().hostname();
  spec.user = record.spec().user();
  spec.group_add.assign(record.spec().group_add().begin(), record.spec().group_add().end());
  for (const auto& rlimit : record.spec().rlimits()) {
    spec.rlimits.push_back({rlimit.name(), rlimit.soft(), rlimit.hard()});
  }
  const ContainerLogBound log_bound = LogBoundOf(record.spec(), config_.log_defaults);
  if (log_bound.keeps_output) {
    spec.stdout_path = state_dir + kOutputLogFile;  // both streams, as records
    spec.log_max_size_bytes = log_bound.max_size_bytes;
    spec.log_max_files = log_bound.max_files;
  }
  spec.exit_file = state_dir + kExitRecordFile;
  spec.shim_log_path = state_dir + kShimLogFile;
  spec.userns = userns;
  spec.mounts = std::move(mounts);
  spec.read_only_rootfs = record.spec().read_only_rootfs();
  spec.devices = std::move(devices.nodes);
  if (record.spec().init()) AddInitProcess(config_.init_path, &spec);
  ASSIGN_OR_RETURN(spec.kept_capabilities, KeptCapabilitiesOf(record.spec()));
  ASSIGN_OR_RETURN(spec.confinement, ConfinementOf(record.spec()));
  spec.privileged = record.spec().privileged();
  spec.sysctls = SysctlLaunchSettings(record.spec());
  spec.shm_size_bytes = record.spec().shm_size_bytes();
  spec.tty = record.spec().tty();
  spec.stdin_open = record.spec().stdin_open();
  // Output that is not kept reaches attaches over the socket (launch/stdio_frames.h).
  if (spec.tty || spec.stdin_open || !log_bound.keeps_output) {
    spec.attach_socket_path = AttachSocketPath(state_dir);
  }
  spec.output_awaits_watcher = output_awaits_watcher && !log_bound.keeps_output;
  if (record.spec().has_oom_score_adj()) spec.oom_score_adj = record.spec().oom_score_adj();
  spec.memory_limit_bytes = record.spec().limits().memory_bytes();
  spec.cpu_millis = record.spec().limits().cpu_millis();
  spec.memory_reservation_bytes = record.spec().limits().memory_reservation_bytes();
  spec.memory_swap_bytes = record.spec().limits().memory_swap_bytes();
  spec.blkio_weight = record.spec().limits().blkio_weight();
  spec.cpu_period_us = record.spec().limits().cpu_period_us();
  spec.cpu_quota_us = record.spec().limits().cpu_quota_us();
  NetworkAttachment network;
  std::string idle_veth;  // the prewarmed helper's idle pair, once one is taken
  ::unlink(spec.exit_file.c_str());
  ::unlink(ExitRecordReservePath(spec.exit_file).c_str());

  auto undo = [&](Status failure) {
    DetachNetwork(record);
    RunPendingNetworkDel(id);
    (void)cgroups_->Destroy(id);
    (void)snapshotter_->Unmount(id);
    spdlog::warn("container {}: start failed: {}", ShortId(id), failure.message());
    return failure;
  };
  // Shared namespaces (--network/--pid/--ipc container:, --pid/--ipc/--uts host) only.
  if (!FirstSharingField(record.spec()).empty()) {
    auto joined = JoinedNamespacesOf(record);
    if (!joined.ok()) return undo(joined.status());
    spec.joined_namespaces = std::move(*joined);
  }
  if (Status prepared =
          PrepareNetworkLaunch(record, state_dir, etc_files, spec, &network, &idle_veth);
      !prepared.ok()) {
    return undo(prepared);
  }
  std::optional<PrewarmPool::Slot> prewarmed =
      prewarm_.TakeSlot(backend, config_.networks && config_.networks->CanClaimIdleVeth(record));
  if (prewarmed) idle_veth = prewarmed->idle_veth;
  if (backend->capabilities().limits) {
    ContainerLimits limits{
        record.spec().limits().memory_bytes(), record.spec().limits().cpu_millis(),
        record.spec().limits().pids_max(),     std::move(block_devices),
        record.spec().limits().cpu_shares(),   std::move(devices.rules)};
    limits.cpuset_cpus = record.spec().limits().cpuset_cpus();
    limits.cpuset_mems = record.spec().limits().cpuset_mems();
    AddResourceTuning(record.spec(), &limits);
    if (limits.pids_max != 0) limits.pids_max += backend->capabilities().helper_processes_in_cgroup;
    StatusOr<CgroupPlacement> placement = FailedPrecondition("no cgroup slot");
    if (prewarmed) {
      placement = cgroups_->AdoptSlot(prewarmed->name, id, limits);
      if (!placement.ok()) {
        // The slot went away under us (e.g. removed by someone else): the ordinary path
        // serves the request instead of failing it.
        spdlog::warn("container {}: prewarmed cgroup slot {} unusable ({}); starting without it",
                     ShortId(id), prewarmed->name, placement.status().message());
        prewarm_.CountSlotFallback();
        prewarm_.ReleaseSlot(std::move(*prewarmed));
        prewarmed.reset();
        idle_veth.clear();
        // What the adoption renamed before it failed.
        WarnIfFailed(id, cgroups_->Destroy(id));
      }
    }
    if (!prewarmed) placement = cgroups_->Create(id, limits);
    if (!placement.ok()) return undo(placement.status().Annotate("spec.limits"));
    spec.cgroup_clone_into_dir = placement->clone_into_dir;
    spec.cgroup_procs_files = placement->procs_files;
  }
  CrashPoint("start.after_cgroups");

  auto cgroups_us = elapsed_us();
  const bool was_prewarmed = prewarmed.has_value();
  int exit_code_hint = 0;
  auto launched = prewarmed ? backend->LaunchPrewarmed(std::move(prewarmed->launcher), spec,
                                                       state_dir, &exit_code_hint)
                            : backend->Launch(spec, state_dir, &exit_code_hint);
  if (!launched.ok()) return undo(launched.status());
  UniqueFd launched_shim_pidfd(launched->shim_pidfd);  // a backend's, when it opened one
  CrashPoint("start.after_launch");

  const v1::Container before_start = record;
  // A failure from here on stops what was launched, then undoes the rest.
  auto abandon = [&](Status failure) {
    AbandonLaunch(*entry, *launched, backend);
    record = before_start;
    return undo(failure);
  };
  entry->shim_pid = launched->shim_pid;
  auto shim_start_ticks = ReadProcessStartTicks(launched->shim_pid);
  entry->shim_start_ticks = shim_start_ticks.ok() ? *shim_start_ticks : 0;
  entry->init_pidfd = OpenPidfd(launched->init_pid);
  record.set_pid(launched->init_pid);
  record.set_state(v1::CONTAINER_STATE_RUNNING);
  record.set_started_unix_ns(NowUnixNs());
  record.set_finished_unix_ns(0);
  record.set_exit_code(0);
  record.set_exit_signal(0);
  record.set_oom_killed(false);
  record.mutable_published_ports()->Assign(network.published_ports.begin(),
                                           network.published_ports.end());
  if (record.has_network_endpoint() && !network.endpoint.network().empty()) {
    *record.mutable_network_endpoint() = network.endpoint;
  }
  record.set_cgroup_helper_processes((was_prewarmed ? 1 : 0) +
                                     backend->capabilities().helper_processes_in_cgroup);
  ResetHealth(record);
  if (Status persisted = Persist(*entry); !persisted.ok()) return abandon(persisted);
  CrashPoint("start.after_record");
  // RUNNING is recorded now: a failure must also record the container as it was before.
  auto abandon_recorded = [&](Status failure) {
    Status result = abandon(failure);
    WarnIfFailed(id, Persist(*entry));
    return result;
  };
  UniqueFd shim_pidfd =
      launched_shim_pidfd ? std::move(launched_shim_pidfd) : OpenPidfd(launched->shim_pid);
  if (!shim_pidfd) {
    // The shim is our child: it cannot have been reaped yet, so this is a real error.
    return abandon_recorded(ErrnoStatus("pidfd_open of boxcar-shim for container " + id));
  }
  if (Status watched = monitor_.Watch(id, std::move(shim_pidfd)); !watched.ok()) {
    return abandon_recorded(watched);
  }
  spdlog::info("container {} started, pid {}", ShortId(id), launched->init_pid);
  Emit(v1::EVENT_TYPE_STARTED, record);
  ArmHealthCheck(*entry);
  spdlog::debug("container {} start ({}): mount {} us, cgroups {} us, launch {} us, total {} us",
                ShortId(id), was_prewarmed ? "prewarmed" : "cold", mounted_us,
                cgroups_us - mounted_us, elapsed_us() - cgroups_us, elapsed_us());
  return record;
}

void ContainerService::AbandonLaunch(Entry& entry, const RunningContainer& launched,
                                     Backend* backend) {
  const std::string& id = entry.record.id();
  RunningContainer running = launched;
  UniqueFd init_pidfd = OpenPidfd(launched.init_pid);
  running.init_pidfd = init_pidfd.get();
  WarnIfFailed(id, backend->Signal(running, SIGKILL));
  // The shim records the payload's end and exits; it is our child (spawned for this start or
  // prewarmed), so it is reaped here and no exit reaches the monitor.
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(5);
  while (::waitpid(launched.shim_pid, nullptr, WNOHANG) == 0) {
    if (std::chrono::steady_clock::now() > deadline) {
      ::kill(launched.shim_pid, SIGKILL);
      ::waitpid(launched.shim_pid, nullptr, 0);
      break;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(2));
  }
  ::unlink((StateDir(id) + kExitRecordFile).c_str());
  entry.shim_pid = 0;
  entry.shim_start_ticks = 0;
  entry.init_pidfd.reset();
}

}  // namespace boxcar
