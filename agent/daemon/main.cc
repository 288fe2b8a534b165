// boxcard: the per-host Boxcar agent. Serves the boxcar.v1 API on a unix socket.
#include <absl/synchronization/mutex.h>
#include <fcntl.h>
#include <grpcpp/grpcpp.h>
#include <linux/close_range.h>
#include <signal.h>
#include <spdlog/spdlog.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <cstdio>
#include <thread>

#include "api/builds_api.h"
#include "api/containers_api.h"
#include "api/distribution_api.h"
#include "api/images_api.h"
#include "api/local_api.h"
#include "api/local_socket_server.h"
#include "api/networks_api.h"
#include "api/system_api.h"
#include "api/volumes_api.h"
#include "backends/backend_registry.h"
#include "build/build_cache.h"
#include "build/image_builder.h"
#include "cgroups/host_container_cgroups.h"
#include "common/agent_instance.h"
#include "common/directory_tree.h"
#include "common/idle_gate.h"
#include "common/local_socket_path.h"
#include "common/space_reserve.h"
#include "common/trash_can.h"
#include "common/unique_fd.h"
#include "core/container_service.h"
#include "daemon/agent_config.h"
#include "distribution/glance/glance_transport.h"
#include "distribution/image_distribution.h"
#include "distribution/registry/registry_transport.h"
#include "net/subnet_allocator.h"
#include "snapshot/overlay_snapshotter.h"
#include "store/blob_store.h"
#include "store/image_store.h"
#include "store/sqlite_database.h"
#include "store/state_schema.h"

namespace boxcar {
namespace {

constexpr const char* kVersion = "0.1.0";
// How long after the last create or start the prewarm refill and the trash's deletion wait:
// longer than the gaps between the starts of a burst, shorter than those between the
// sequential `run --rm`s of one client (~10 ms each), which leave the refill time to keep up
// (60 of 60 such starts took a prewarmed helper).
constexpr auto kStartsQuietTime = std::chrono::milliseconds(3);
// The longest they wait: starts that never pause leave neither the trash undeleted nor the
// pool empty for good (a burst of 100 starts lasts ~0.3 s on 2 cores).
constexpr auto kIdleGatePatience = std::chrono::seconds(2);

int Fail(const Status& status) {
  spdlog::critical("{}", status.message());
  return 1;
}

int RunAgent(const AgentConfig& config) {
  if (Status valid = config.Validate(); !valid.ok()) return Fail(valid);
  if (Status made = MakeDirectories(config.root_dir, 0700); !made.ok()) return Fail(made);
  std::string socket_dir = config.socket_path.substr(0, config.socket_path.rfind('/'));
  if (Status made = MakeDirectories(socket_dir, 0755); !made.ok()) return Fail(made);

  // One agent per root: a second one would corrupt the other's records.
  UniqueFd lock(
      ::open((config.root_dir + "/boxcard.lock").c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0600));
  if (!lock || ::flock(lock.get(), LOCK_EX | LOCK_NB) != 0) {
    return Fail(FailedPrecondition("another boxcard already uses --root " + config.root_dir +
                                   "; stop it or choose another --root"));
  }

  // Signals are taken by a dedicated thread; block them before any other thread exists.
  sigset_t stop_signals;
  sigemptyset(&stop_signals);
  sigaddset(&stop_signals, SIGTERM);
  sigaddset(&stop_signals, SIGINT);
  pthread_sigmask(SIG_BLOCK, &stop_signals, nullptr);
  ::signal(SIGPIPE, SIG_IGN);

  // Made before the database opens: removals must find room on a disk filled later.
  SpaceReserve space_reserve(config.root_dir + "/space-reserve",
                             [](const std::string& warning) { spdlog::warn("{}", warning); });
  if (Status reserved = space_reserve.Make(); !reserved.ok()) {
    spdlog::warn("{}; made once the filesystem of {} has room", reserved.message(),
                 config.root_dir);
  }
  auto db = SqliteDatabase::Open(config.root_dir + "/state.db", kStateSchema);
  if (!db.ok()) return Fail(db.status());
  (*db)->set_space_reserve(&space_reserve);
  auto blobs = BlobStore::Open(config.root_dir);
  if (!blobs.ok()) return Fail(blobs.status());
  UnpackLimits limits;
  limits.max_unpacked_bytes = config.max_layer_bytes;
  auto images = ImageStore::Open(config.root_dir, db->get(), blobs->get(), limits);
  if (!images.ok()) return Fail(images.status());
  if (Status cleaned = (*images)->RemoveOrphans(); !cleaned.ok()) return Fail(cleaned);
  // Removed snapshots and state directories are deleted in the background, off the path of
  // `rm` (and of `run --rm`).
  // Work that can wait (prewarm refills, deleting the trash) waits for the end of a burst of
  // starts (common/idle_gate.h).
  IdleGate idle_gate(kStartsQuietTime, kIdleGatePatience);
  auto trash = TrashCan::Open(config.root_dir + "/trash", &idle_gate);
  if (!trash.ok()) return Fail(trash.status());
  auto snapshotter = OverlaySnapshotter::Create(config.root_dir + "/snapshots", trash->get());
  if (!snapshotter.ok()) return Fail(snapshotter.status());
  auto cgroups = HostContainerCgroups::Create(config.cgroup_parent);
  if (!cgroups.ok()) return Fail(cgroups.status());

  BackendRegistry registry;
  RegisterBuiltinBackends(registry);
  BackendConfig backend_config{config.root_dir, config.shim_path, config.lxc_shim_path,
                               config.libvirt_uri};
  ContainerService::BackendMap backends;
  for (const auto& name : registry.Names()) {
    auto backend = registry.Create(name, backend_config);
    if (!backend.ok()) return Fail(backend.status());
    Status available = (*backend)->CheckAvailable();
    spdlog::info("backend {}: {}", name, available.ok() ? "available" : available.message());
    backends.emplace(name, std::move(*backend));
  }
  if (!backends.count(config.default_backend)) {
    return Fail(
        InvalidArgument("--default-backend: unknown backend '" + config.default_backend + "'"));
  }

  auto userns_range = config.UsernsRange();
  if (!userns_range.ok()) return Fail(userns_range.status());
  auto log_defaults = config.LogDefaults();
  if (!log_defaults.ok()) return Fail(log_defaults.status());
  auto instance_id = LoadOrCreateAgentInstanceId(config.root_dir);
  if (!instance_id.ok()) return Fail(instance_id.status());
  NetworkServiceConfig network_config;
  network_config.default_network = config.default_network;
  network_config.cni_path.clear();
  for (size_t start = 0; start <= config.cni_path.size();) {
    size_t colon = config.cni_path.find(':', start);
    if (colon == std::string::npos) colon = config.cni_path.size();
    if (colon > start) network_config.cni_path.push_back(config.cni_path.substr(start, colon - start));
    start = colon + 1;
  }
  network_config.cni_state_dir = config.root_dir + "/cni";
  if (!config.default_address_pools.empty()) {
    network_config.address_pools.clear();
    for (const auto& text : config.default_address_pools) {
      // Validate() has parsed each.
      network_config.address_pools.push_back(*ParseAddressPool(text, "--default-address-pool"));
    }
  }
  NetworkService networks(network_config, db->get());
  auto volumes = VolumeStore::Open(config.root_dir + "/volumes");
  if (!volumes.ok()) return Fail(volumes.status());
  ContainerService containers({config.root_dir,
                               config.default_backend,
                               *instance_id,
                               config.prewarm,
                               trash->get(),
                               {userns_range->first, userns_range->count},
                               &networks,
                               volumes->get(),
                               &idle_gate,
                               *log_defaults,
                               config.init_path,
                               config.default_init},
                              db->get(), images->get(), snapshotter->get(), cgroups->get(),
                              std::move(backends));
  if (Status recovered = containers.Recover(); !recovered.ok())
    return Fail(recovered.Annotate("recovery"));

  // Pulls and pushes: the registry client, and the Glance translator.
  RegistryTransportOptions registry_options;
  registry_options.credentials_path = config.root_dir + "/registry-logins.json";
  registry_options.insecure_registries = config.insecure_registries;
  registry_options.pull.parallel_layers = config.pull_parallel_layers;
  registry_options.push.chunk_bytes = config.push_chunk_bytes;
  auto registry_transport =
      std::make_unique<RegistryTransport>(images->get(), blobs->get(), registry_options);
  RegistryLogins* registry_logins = registry_transport.get();
  ImageDistribution distribution(std::move(registry_transport),
                                 std::make_unique<GlanceTransport>(images->get()),
                                 registry_logins);

  auto build_cache = BuildCache::Open(db->get(), images->get());
  if (!build_cache.ok()) return Fail(build_cache.status());
  ImageBuilder image_builder(images->get(), &containers, snapshotter->get(), build_cache->get());
  image_builder.set_puller([&distribution](const std::string& reference,
                                           const TransferProgressSink& progress,
                                           const std::function<bool()>& cancelled) {
    v1::PullRequest request;
    request.set_source(reference);
    return distribution.Pull(request, progress, cancelled);
  });
  BuildsApi builds_api(&image_builder, config.root_dir + "/tmp",
                       config.root_dir + "/build-contexts", config.max_layer_bytes);

  ImagesApi images_api(images->get(), config.root_dir + "/build-contexts");
  DistributionApi distribution_api(&distribution);
  ContainersApi containers_api(&containers);
  NetworksApi networks_api(&networks, &containers);
  VolumeService volume_service(volumes->get(), &containers);
  VolumesApi volumes_api(&volume_service);
  SystemApi system_api({kVersion, config.root_dir, config.socket_path}, &containers, images->get(),
                       cgroups->get(), &volume_service);
  ::unlink(config.socket_path.c_str());
  grpc::ServerBuilder builder;
  builder.AddListeningPort("unix:" + config.socket_path, grpc::InsecureServerCredentials());
  builder.SetMaxReceiveMessageSize(16 << 20);
  builder.RegisterService(&images_api);
  builder.RegisterService(&containers_api);
  builder.RegisterService(&networks_api);
  builder.RegisterService(&volumes_api);
  builder.RegisterService(&system_api);
  builder.RegisterService(&distribution_api);
  builder.RegisterService(&builds_api);
  std::unique_ptr<grpc::Server> server = builder.BuildAndStart();
  if (!server) return Fail(Unavailable("cannot listen on " + config.socket_path));
  ::chmod(config.socket_path.c_str(), 0660);
  // The CLI's fast path for `run -d` (proto/boxcar/v1/local.proto), with the gRPC socket's
  // owner and mode. Without it the CLI uses gRPC for everything: a warning, not a failure.
  LocalApi local_api(&containers);
  std::unique_ptr<LocalSocketServer> local_server;
  auto local_listening = [&]() -> Status {
    ASSIGN_OR_RETURN(SocketPermissions permissions, PermissionsOf(config.socket_path));
    ASSIGN_OR_RETURN(local_server,
                     LocalSocketServer::Listen(
                         LocalSocketPath(config.socket_path), permissions,
                         [&local_api](const StatusOr<std::string>& request) {
                           return local_api.Handle(request);
                         }));
    return OkStatus();
  }();
  if (!local_listening.ok()) {
    spdlog::warn("local fast path off ({}); the CLI uses gRPC", local_listening.message());
  }
  spdlog::info("boxcard {} (instance {}) listening on {} (root {}, default backend {}, cgroups {})",
               kVersion, *instance_id, config.socket_path, config.root_dir, config.default_backend,
               (*cgroups)->ModeName());

  std::thread signal_thread([&] {
    int received = 0;
    sigwait(&stop_signals, &received);
    spdlog::info("signal {}: shutting down; running containers keep running", received);
    if (local_server) local_server->Stop();
    containers.Shutdown();  // ends Events streams, which would otherwise hold Shutdown up
    server->Shutdown(std::chrono::system_clock::now() + std::chrono::seconds(2));
  });
  server->Wait();
  signal_thread.join();
  ::unlink(config.socket_path.c_str());
  (void)(*cgroups)->RemoveParentIfEmpty();
  return 0;
}

}  // namespace
}  // namespace boxcar

int main(int argc, char** argv) {
  // Debian builds abseil with assertions on, which turns on absl::Mutex's deadlock detection:
  // a lock-order graph kept and checked on every lock gRPC takes.
  absl::SetMutexDeadlockDetectionMode(absl::OnDeadlockCycle::kIgnore);
  // Descriptors inherited from whoever started us (a shell, a test runner's pipes) must not
  // reach the shims, which can outlive the agent and would hold them open.
  ::syscall(SYS_close_range, 3U, ~0U, CLOSE_RANGE_CLOEXEC);
  int exit_code = 0;
  auto config = boxcar::AgentConfig::FromCommandLine(argc, argv, &exit_code);
  if (!config.ok()) {
    std::fputs(config.status().message().c_str(), exit_code == 0 ? stdout : stderr);
    return exit_code;
  }
  spdlog::set_level(spdlog::level::from_str(config->log_level));
  spdlog::set_pattern("%Y-%m-%dT%H:%M:%S.%e %^%l%$ %v");
  return boxcar::RunAgent(*config);
}
