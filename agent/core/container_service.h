// The container state machine behind the Containers API. Every entry point reads the same,
// after libvirt: validate -> look up and lock the container -> act -> persist -> reply.
// Records live in SQLite so that containers, their exit codes and their names survive a
// restart (or kill -9) of the agent; Recover() reconciles them with what really runs.
#pragma once

#include <condition_variable>
#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "backends/backend.h"
#include "boxcar/v1/containers.pb.h"
#include "cgroups/container_cgroups.h"
#include "common/idle_gate.h"
#include "common/trash_can.h"
#include "common/unique_fd.h"
#include "core/container_log_options.h"
#include "core/container_paths.h"
#include "core/container_records.h"
#include "core/event_bus.h"
#include "core/exit_monitor.h"
#include "core/health_monitors.h"
#include "core/host_id_blocks.h"
#include "core/output_log_cursor.h"
#include "core/prewarm_pool.h"
#include "core/timer_queue.h"
#include "core/tree_tar_extractor.h"
#include "core/tree_tar_writer.h"
#include "launch/attach_socket.h"
#include "net/network_service.h"
#include "snapshot/snapshotter.h"
#include "store/image_store.h"
#include "store/sqlite_database.h"
#include "volumes/volume_store.h"

namespace boxcar {

struct ContainerServiceConfig {
  std::string root_dir;         // containers/<id>/ holds logs, the exit record and shim log
  std::string default_backend;  // used when a spec names none
  // The agent's identity (common/agent_instance.h): what it makes in places other agents
  // share carries it.
  std::string agent_instance_id;
  // Helpers of the default backend kept started, each already inside a cgroup slot, so a
  // Start on a v1/hybrid host skips the slow cgroup migration. 0 disables prewarming.
  uint32_t prewarm_count = 0;
  // Where Remove puts a container's state directory for deletion in the background; deleted
  // at once when null.
  TrashCan* trash = nullptr;
  HostIdRange userns_range;
  // Container networks; null: only --network none.
  NetworkService* networks = nullptr;
  // Volumes (Mount.TYPE_VOLUME and the images' VOLUME paths); null: none.
  VolumeStore* volumes = nullptr;
  // Held busy by every Create and Start, and by every Remove without the quiet time after it
  // (the gaps between the sequential `run --rm`s of one client would leave the refill too
  // little time); the prewarm refill waits for it to be idle, and so does the trash's
  // deletion given the same gate. Null: nothing waits.
  IdleGate* idle_gate = nullptr;
  // The agent's --log-driver and --log-opt: filled into specs that give none at Create.
  ContainerLogDefaults log_defaults;
  // --init: the init binary (core/container_init_process.h), and whether a spec that does not
  // say gets it.
  std::string init_path;
  bool default_init = false;
};

class ContainerService {
 public:
  using BackendMap = boxcar::BackendMap;
  // Receives log output with the time the shim read it (0: unknown, a log from before output
  // records); returns false to stop streaming (client gone).
  using LogSink =
      std::function<bool(v1::LogStream stream, const std::string& bytes, int64_t unix_ns)>;
  // Polled while blocking; true ends the wait (e.g. the RPC was cancelled).
  using CancelCheck = std::function<bool()>;

  ContainerService(ContainerServiceConfig config, SqliteDatabase* db, ImageStore* images,
                   Snapshotter* snapshotter, ContainerCgroups* cgroups, BackendMap backends);
  ~ContainerService();

  // Loads records, reconciles them with running shims, removes leftovers of a crash, and
  // starts watching running containers. Call once before serving.
  Status Recover();

  StatusOr<v1::Container> Create(const v1::ContainerSpec& spec);
  // A running container is left as it is (its record returned); a paused one is refused.
  // `output_awaits_watcher`: the caller attaches next; a container whose output is not kept
  // holds it until then (LaunchSpec::output_awaits_watcher).
  StatusOr<v1::Container> Start(const std::string& container, bool output_awaits_watcher = false);
  // `for_restart`: a Start follows, so spec.auto_remove does not remove it at this exit.
  // `timeout`: seconds between the stop signal and SIGKILL; unset, the spec's
  // stop_timeout_seconds, else 10.
  StatusOr<v1::Container> Stop(const std::string& container, std::optional<uint32_t> timeout,
                               bool for_restart = false);
  Status Kill(const std::string& container, int signal);
  StatusOr<v1::WaitContainerResponse> Wait(const std::string& container,
                                           const CancelCheck& cancelled);
  // Returns the record as it was when removed (how its last run ended included).
  // With `remove_volumes`, its anonymous volumes go too (`rm -v`, `run --rm`), unless
  // another container uses them. Without `await_network_del` (`run --rm`) a CNI DEL still
  // pending from the exit is left to the exit's clean-up (the next start-up's, if the agent
  // dies first) instead of run or waited for here.
  StatusOr<v1::Container> Remove(const std::string& container, bool force,
                                 bool remove_volumes = false, bool await_network_del = true);
  // Ids of the containers (any state) whose spec mounts the volume `name`.
  std::vector<std::string> ContainersUsingVolume(const std::string& name);
  // Removes the container as soon as it has exited (now, if it has): a Run with remove whose
  // caller went away. Not kept across a restart of the agent.
  Status RemoveOnExit(const std::string& container);
  std::vector<v1::Container> List(bool all);
  // The record as kept (what the agent's own calls need: log driver, ports, ...).
  StatusOr<v1::Container> Inspect(const std::string& container);
  // The Inspect RPC's answer: the record and where its files are on the host (FillHostPaths:
  // a layer lookup and a few stat calls, paid only when a client asks).
  StatusOr<v1::Container> InspectWithHostPaths(const std::string& container);
  // The Prune RPC (container_prune.cc): removes the created and exited containers the request's
  // filters keep; one started meanwhile is skipped.
  v1::PruneContainersResponse Prune(const v1::PruneContainersRequest& request);
  // The apparent size of a container's writable layer (container_prune.cc).
  StatusOr<uint64_t> WritableLayerBytes(const std::string& container);
  // Create, Start, the output and Remove (with `remove`) or Wait, for one caller: `started`
  // hears of the running container and `output` gets its logs (either returns false when the
  // caller is gone: the container then runs on, and goes at its exit with `remove`).
  // `failed_step` is set to "start" when the start failed (the container is removed again
  // with `remove`).
  struct RunCallbacks {
    std::function<bool(const v1::Container&)> started;
    LogSink output;
    CancelCheck cancelled;
  };
  StatusOr<v1::WaitContainerResponse> Run(const v1::ContainerSpec& spec, bool remove,
                                          const RunCallbacks& callbacks,
                                          std::string* failed_step);
  // `run -d`: Create, then Start; the started container. A container whose start fails stays
  // created, as after a Create and a failed Start call. `failed_step` is set to "create" or
  // "start" on failure.
  StatusOr<v1::Container> RunDetached(const v1::ContainerSpec& spec, std::string* failed_step);
  // What `filter` keeps of the output (core/output_log_cursor.h); with `follow`, on until the
  // container has exited (or, with an until, until then).
  Status StreamLogs(const std::string& container, bool follow, const LogSink& sink,
                    const CancelCheck& cancelled, const OutputLogFilter& filter = {});
  // A new name (container_rename.cc); ALREADY_EXISTS when another container has it.
  StatusOr<v1::Container> Rename(const std::string& container, const std::string& name);
  // Attach (container_attach.cc): the output of a running container from now on, or with
  // `start` of a created or exited one from its start; `attached` hears of the running
  // container and gets the connection to its stdin and terminal (null unless it was created
  // with tty or stdin_open). Then, as Run, Remove (with `remove`) or Wait. A container that is
  // not running (and no `start`) is FAILED_PRECONDITION naming it.
  struct AttachOptions {
    bool start = false;
    bool remove = false;
    uint16_t rows = 0;  // the terminal's size, applied once attached; 0: unchanged
    uint16_t columns = 0;
  };
  struct AttachCallbacks {
    std::function<bool(const v1::Container&, std::shared_ptr<AttachConnection>)> attached;
    LogSink output;
    CancelCheck cancelled;
  };
  StatusOr<v1::WaitContainerResponse> Attach(const std::string& container,
                                             const AttachOptions& options,
                                             const AttachCallbacks& callbacks,
                                             std::string* failed_step);

  // Freezer (capability "pause"): RUNNING <-> PAUSED.
  StatusOr<v1::Container> Pause(const std::string& container);
  StatusOr<v1::Container> Unpause(const std::string& container);
  // Usage of a running or paused container, from its cgroups (capability "limits").
  StatusOr<v1::ContainerStats> Stats(const std::string& container);
  // Changes limits (at once when live) and the restart policy; both persist.
  StatusOr<v1::Container> Update(const v1::UpdateContainerRequest& request);
  // Starts a process inside a running container (capability "exec"). Environment, user and
  // working directory default to the container's; errors name "start.spec.*" fields.
  // `announce`: an EXEC_STARTED event and a log line (not for health probes).
  StatusOr<std::unique_ptr<ExecSession>> Exec(const std::string& container,
                                              const v1::ExecSpec& spec, int* exit_code_hint,
                                              bool announce = true);
  // A new image from the container's changes (see the Commit RPC).
  StatusOr<v1::CommitContainerResponse> Commit(const v1::CommitContainerRequest& request);
  // The processes of a running or paused container (container_top.cc).
  StatusOr<v1::TopResponse> Top(const std::string& container);
  // Its writable layer's changes against its image (container_diff.cc).
  StatusOr<v1::DiffResponse> Diff(const std::string& container);
  // Paths inside a container, resolved inside its root (container_copy.cc): a running one's
  // as its processes see them, a stopped one's through its snapshot, mounted for the call
  // (the job lock held meanwhile, so no Start comes between).
  StatusOr<v1::PathStat> StatPath(const std::string& container, const std::string& path);
  // `stat` hears what the path is before `sink` gets the tar (see the CopyFrom RPC).
  Status CopyFrom(const std::string& container, const std::string& path,
                  const std::function<Status(const v1::PathStat&)>& stat, const TarSink& sink);
  StatusOr<uint64_t> CopyTo(const std::string& container, const std::string& path,
                            const TarSource& source);
  // Its whole filesystem as a tar, running or not (container_export.cc; the Export RPC).
  Status Export(const std::string& container, const TarSink& sink);
  // Networks service: puts a container on `network`, or takes it off again. A stopped one
  // without a network gets it as its spec's network (a lease now, eth0 at its next start);
  // a running one, or one already on a network, a connection beside it: a lease and the next
  // free ethN, plugged at once when it runs and at every start (network_connections.cc).
  // `aliases`: its more names on that network (errors name "aliases[i]").
  Status ConnectNetwork(const std::string& network, const std::string& container,
                        const std::string& ip, const std::vector<std::string>& aliases = {});
  Status DisconnectNetwork(const std::string& network, const std::string& container);
  // Networks service: a VIF added to or taken from a container, at once when it runs (hot
  // attach / detach), persisted with it (container_interfaces.cc).
  StatusOr<v1::AttachInterfaceResponse> AttachInterface(const std::string& container,
                                                        v1::VifSpec vif);
  Status DetachInterface(const std::string& container, const std::string& host_interface);
  // Events of the given containers (all when empty), from now on. Unknown names: NOT_FOUND.
  StatusOr<std::shared_ptr<EventBus::Subscription>> SubscribeEvents(
      const std::vector<std::string>& containers);
  void UnsubscribeEvents(const std::shared_ptr<EventBus::Subscription>& subscription) {
    events_.Unsubscribe(subscription);
  }

  // Stops prewarming and releases the prewarmed helpers and their cgroup slots. Running
  // containers are left alone: they survive the agent.
  void Shutdown() {
    health_monitors_.StopAll();
    events_.Close();
    prewarm_.Stop();
  }

  const BackendMap& backends() const { return backends_; }
  const PrewarmPool& prewarm_pool() const { return prewarm_; }
  const std::string& agent_instance_id() const { return config_.agent_instance_id; }
  const std::string& default_backend() const { return config_.default_backend; }

 private:
  struct Entry {
    std::mutex mutex;  // the job lock: one operation at a time per container
    std::condition_variable changed;
    v1::Container record;
    pid_t shim_pid = 0;
    uint64_t shim_start_ticks = 0;
    UniqueFd init_pidfd;
    bool removed = false;
    // Stop or Kill through the API: the restart policy does not apply to this exit.
    bool stopped_by_user = false;
    // Restarts since the last run that lasted kRestartResetAfter; sets the back-off.
    uint32_t consecutive_restarts = 0;
    // Bumped by every Start and Remove, so a scheduled restart that is overtaken is dropped.
    uint64_t generation = 0;
    // The payload exited and its cgroups still await removal (see FinishExit).
    bool cgroups_pending = false;
    // RemoveOnExit: the exit schedules a Remove.
    bool remove_on_exit = false;
    // Stop for a restart: spec.auto_remove skips this exit (cleared by Start).
    bool kept_for_restart = false;
    // FinishExit left recording the exit, the unmount and the cgroups to the timer thread
    // (pending), which does them outside the job lock (running); Start and Remove wait for
    // it to finish.
    bool exit_cleanup_pending = false;
    bool exit_cleanup_running = false;
    // The volumes its spec mounts, fixed at Create; read under entries_mutex_ without the
    // job lock (ContainersUsingVolume).
    std::vector<std::string> volume_names;
    // --network container:ID: that container's id, fixed at Create (read under entries_mutex_,
    // as volume_names).
    std::string network_shared_with;
  };
  using EntryPtr = std::shared_ptr<Entry>;

  // By id, name or unique id prefix; errors name `field`, the request's (e.g.
  // "start.container" for Exec and Attach).
  StatusOr<EntryPtr> Lookup(const std::string& container, const std::string& field = "container");
  // The entry of a full id, or null.
  EntryPtr FindById(const std::string& id);
  // The mounts spec.volumes_from gives (core/container_volumes_from.h), in order, earlier
  // sources winning a target; a missing source is NOT_FOUND naming "spec.volumes_from[i]".
  StatusOr<std::vector<v1::Mount>> VolumesFromMounts(const v1::ContainerSpec& spec);
  // The block of host ids of a new container's user namespace: the one asked for, or the
  // lowest free one of the range. Called with entries_mutex_ held.
  StatusOr<v1::UserNamespace> PlaceUserNamespace(const v1::UserNamespace& wanted);
  // ConnectNetwork and DisconnectNetwork of a connection beside the spec's network.
  Status ConnectBeside(Entry& entry, const std::string& network, const std::string& ip,
                       const std::vector<std::string>& aliases);
  Status DisconnectBeside(Entry& entry, const std::string& network);
  // AttachInterface with the container's entry locked (also `network connect`'s path).
  StatusOr<v1::AttachInterfaceResponse> AttachInterfaceLocked(Entry& entry, v1::VifSpec vif);
  Status Persist(const Entry& entry) {
    return records_.Update(entry.record, entry.shim_pid, entry.shim_start_ticks);
  }
  std::string StateDir(const std::string& id) const {
    return ContainerStateDir(config_.root_dir, id);
  }
  // The container's backend, with `capability` when given (see RequireCapability).
  StatusOr<Backend*> BackendFor(const v1::Container& record,
                                std::optional<Capability> capability = std::nullopt,
                                const std::string& field = "backend") {
    return RequireCapability(backends_, record.backend(), capability, field);
  }
  RunningContainer RunningOf(const Entry& entry) const;
  // Moves a container whose payload is gone to EXITED: reads the exit record, collects the
  // cgroups, unmounts the rootfs. Called with entry.mutex held.
  // With `defer_cleanup`, recording the exit, the unmount and the (empty) cgroups are left to
  // a task the caller schedules (exit_cleanup_pending), so waiters learn of the exit ~1 ms
  // sooner.
  void FinishExit(Entry& entry, bool defer_cleanup = false);
  // Removes cgroups FinishExit left behind, if it did. Called with entry.mutex held.
  void DestroyPendingCgroups(Entry& entry);
  void OnProcessExited(const std::string& id);
  // A backend's report that the container's current run may have ended (Backend::
  // SetExitListener): finished as OnProcessExited once its shim is really gone; a report of
  // an earlier run, reported late, finds the current shim running and changes nothing.
  void OnBackendReportedExit(const std::string& id);
  // The timer task after a deferred FinishExit: records the exit, unmounts, destroys the
  // cgroups (outside the job lock), then removes the container if RemoveOnExit asked.
  void CompleteExit(const std::string& id);
  // After FinishExit: schedules a restart when the container's policy asks for one.
  void MaybeScheduleRestart(Entry& entry);
  void Emit(v1::EventType type, const v1::Container& record);

  // Health checks (container_health.cc). At a start, before the record is persisted: the
  // status STARTING (or none). Once running: the loop of probes. At the exit or removal: the
  // loop ends, and an exited container's check is UNHEALTHY. Called with entry.mutex held.
  static void ResetHealth(v1::Container& record);
  void ArmHealthCheck(Entry& entry);
  void DisarmHealthCheck(Entry& entry);
  // One probe of the loop armed for run `generation`: the wait before the next, or nullopt
  // when that run is over.
  std::optional<std::chrono::nanoseconds> ProbeHealth(const std::string& id, uint64_t generation,
                                                      const std::atomic<bool>& stop);
  // Runs the check's command through Exec and collects its exit code and output.
  v1::HealthProbe RunHealthProbe(const std::string& id, const v1::HealthConfig& config,
                                 const std::atomic<bool>& stop);
  // Thaws a PAUSED container (it is RUNNING afterwards); others are left alone.
  Status ThawIfPaused(Entry& entry);
  // A start that failed after its launch: kills the payload, reaps its shim, forgets them.
  // Called with entry.mutex held.
  void AbandonLaunch(Entry& entry, const RunningContainer& launched, Backend* backend);
  // Logs a clean-up step that failed; the rest of the clean-up goes on.
  static void WarnIfFailed(const std::string& id, const Status& status);
  // Waits on entry.changed until the container is not running or `deadline` passes.
  bool WaitUntilNotRunning(Entry& entry, std::unique_lock<std::mutex>& lock,
                           std::chrono::steady_clock::time_point deadline);

  // At Create: spec.network completed (-P's ports from the image), checked against the
  // backend, and an address leased (container_network.cc).
  // `fields`: what the errors call the mode and ip (Connect's own names for a stopped one).
  // Namespaces shared with other containers (container_namespace_sharing.cc): at Create,
  // each "container:NAME" recorded as "container:ID" (NOT_FOUND naming the field); at Start,
  // what the payload joins (FAILED_PRECONDITION while the other one is not running) and, on
  // another's network, a copy of its /etc files.
  Status ResolveSharedNamespaces(v1::ContainerSpec* spec);
  StatusOr<std::vector<JoinedNamespace>> JoinedNamespacesOf(const v1::Container& record);
  Status CopySharedEtcFiles(const v1::Container& record, const std::string& etc_files_dir);
  // The layers Start mounts the snapshot over, lowest first: the image's, then the mount
  // points of its generated /etc files (`etc_files` says whether they are there:
  // container_etc_files.h) and of --init's binary (container_init_process.h).
  StatusOr<std::vector<std::string>> RootfsLayerDirs(const v1::Container& record, bool* etc_files);
  // Inspect's host paths of `record` (resolv_conf_path ... storage: containers.proto).
  void FillHostPaths(v1::Container& record);

  Status ReserveNetwork(v1::Container& record, const v1::Image& image,
                        const NetworkRequestFields& fields = {});
  // At Start: its /etc files in `etc_files_dir` (written now for none and host, at the
  // plugging in otherwise) and, with `etc_files` (the overlay has their mount points), their
  // binds in `spec`; what the launch does to plug the container in before its payload runs;
  // what it plugged in lands in `attached`.
  // `idle_veth` (read when the launch plugs in): the prewarmed helper's idle pair, if any.
  Status PrepareNetworkLaunch(const v1::Container& record, const std::string& etc_files_dir,
                              bool etc_files, LaunchSpec& spec, NetworkAttachment* attached,
                              const std::string* idle_veth);
  // At exit and after a failed start: ports, veth and hosts entries go; a CNI network's DEL
  // is left pending for RunPendingNetworkDel (the exit's deferred clean-up, Start, Remove).
  void DetachNetwork(const v1::Container& record) {
    if (config_.networks && (record.has_network_endpoint() || record.interfaces_size() > 0)) {
      config_.networks->Detach(record,
                               record.has_network_endpoint() && NetworkSharedByOthers(record.id()));
    }
  }
  // Some container's spec.network.mode is "container:<id>" (container_namespace_sharing.cc).
  bool NetworkSharedByOthers(const std::string& id);
  void RunPendingNetworkDel(const std::string& id) {
    if (config_.networks) config_.networks->RunPendingDel(id);
  }
  // Streams the output from `cursor` on; with `follow`, until the container has exited.
  Status FollowLogs(Entry& entry, OutputLogCursor& cursor, bool follow, const LogSink& sink,
                    const CancelCheck& cancelled);
  // The output of a running container whose log keeps nothing, from its shim until the
  // payload has ended (container_live_output.cc); `connection`: an attach connection to its
  // shim, else one is made.
  Status FollowLiveOutput(const std::string& id, std::shared_ptr<AttachConnection> connection,
                          const LogSink& sink, const CancelCheck& cancelled);
  // The end of Run and Attach once the output has ended: Remove (with `remove`) or Wait.
  StatusOr<v1::WaitContainerResponse> EndOfRun(const std::string& id, bool remove,
                                               const CancelCheck& cancelled);
  // A container's root directory for the copy calls, and what keeps it usable until this
  // goes (container_copy.cc).
  struct RootForCopy {
    UniqueFd root_fd;
    HostIdShift ids;
    std::string container_id;
    std::string image_id;
    std::unique_lock<std::mutex> lock;  // a stopped container's, while its snapshot is mounted
    std::function<void()> release;
    RootForCopy() = default;
    RootForCopy(RootForCopy&&) = default;
    ~RootForCopy() {
      root_fd.reset();  // first: a lazily unmounted overlay lives on while a descriptor holds it
      if (release) release();
    }
  };
  // kPayloadView: as its payload sees it, volumes and binds included (cp). kFilesystemOnly:
  // its snapshot alone, image layers and changes (export): a running one's mount cloned
  // without what is mounted below it, a stopped one's mounted without its /etc mount points.
  enum class RootView { kPayloadView, kFilesystemOnly };
  StatusOr<RootForCopy> OpenRootForCopy(const std::string& container,
                                        const std::string& field = "container",
                                        RootView view = RootView::kPayloadView);

  // The snapshot and state directory of a new container: a spare renamed, else made now.
  Status PrepareDirectories(const std::string& id, const IdMapping& ids);

  ContainerServiceConfig config_;
  ContainerRecords records_;
  ImageStore* images_;
  Snapshotter* snapshotter_;
  ContainerCgroups* cgroups_;
  BackendMap backends_;
  ExitMonitor monitor_;

  PrewarmPool prewarm_;

  std::mutex entries_mutex_;
  std::map<std::string, EntryPtr> entries_;  // by id

  EventBus events_;
  // Restarts and deferred clean-ups. Destroyed before the rest, so no task runs on a
  // half-destroyed service.
  TimerQueue timers_;
  // The health checks' loops, whose probes use all of the above: destroyed first.
  HealthMonitors health_monitors_;
};

}  // namespace boxcar
