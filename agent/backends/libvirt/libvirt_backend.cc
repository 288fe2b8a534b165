#include "backends/libvirt/libvirt_backend.h"

#include <fcntl.h>
#include <spdlog/spdlog.h>
#include <sys/stat.h>
#include <unistd.h>

#include <chrono>
#include <climits>
#include <cstdlib>
#include <fstream>
#include <map>

#include "backends/libvirt/libvirt_domain_xml.h"
#include "backends/libvirt/libvirt_owned_domains.h"
#include "backends/libvirt/libvirt_shim_channel.h"
#include "common/crash_points.h"
#include "common/fd_io.h"
#include "common/pidfd.h"
#include "common/unique_fd.h"
#include "shim/host_devices.h"

namespace boxcar {

namespace {

constexpr auto kShimConnectTimeout = std::chrono::seconds(15);

// `path` as the shim sees it inside the domain, where `state_dir` is bound.
std::string InsideDomain(const std::string& path, const std::string& state_dir) {
  if (path.rfind(state_dir + "/", 0) != 0) return path;
  return kLibvirtStateDirInside + path.substr(state_dir.size());
}

Status WritePid(const std::string& procs_file, pid_t pid) {
  UniqueFd fd(::open(procs_file.c_str(), O_WRONLY | O_CLOEXEC));
  if (!fd) return ErrnoStatus("open '" + procs_file + "'");
  const std::string text = std::to_string(pid);
  if (::write(fd.get(), text.data(), text.size()) != static_cast<ssize_t>(text.size())) {
    return ErrnoStatus("move boxcar-shim " + text + " into cgroup '" + procs_file + "'");
  }
  return OkStatus();
}

// The first child of `pid` (boxcar-shim's only child is the payload).
StatusOr<pid_t> FirstChild(pid_t pid) {
  const std::string path =
      "/proc/" + std::to_string(pid) + "/task/" + std::to_string(pid) + "/children";
  std::ifstream children(path);
  pid_t child = 0;
  if (!(children >> child) || child <= 0) {
    return Internal("the payload of boxcar-shim " + std::to_string(pid) + " is not in '" + path +
                    "'");
  }
  return child;
}

// A libvirtd on this host: a URI without a host part ("lxc:///system?socket=...").
bool IsLocalUri(const std::string& uri) {
  auto scheme_end = uri.find("://");
  return scheme_end != std::string::npos && uri.compare(scheme_end + 3, 1, "/") == 0;
}

// The domain's view of the container's bind mounts: each source directory (a file's parent)
// becomes a <filesystem> of the domain at kLibvirtVolumesDirInside/<n>, where the shim finds
// it. Sources are resolved on the host first, as the domain could not follow their symlinks.
// A file of the container's state directory (its /etc files) is found in the domain's view of
// that directory, which the domain has anyway.
StatusOr<std::vector<LaunchMount>> BindSourcesInsideDomain(const std::vector<LaunchMount>& mounts,
                                                           const std::string& state_dir,
                                                           std::vector<LibvirtBind>* binds) {
  std::vector<LaunchMount> inside = mounts;
  char state_resolved[PATH_MAX];
  const std::string state_prefix = ::realpath(state_dir.c_str(), state_resolved) != nullptr
                                       ? std::string(state_resolved) + "/"
                                       : "";
  for (auto& mount : inside) {
    if (mount.kind != LaunchMount::Kind::kBind) continue;
    char resolved[PATH_MAX];
    struct stat st {};
    if (::realpath(mount.source.c_str(), resolved) == nullptr || ::stat(resolved, &st) != 0) {
      return ErrnoStatus("bind source '" + mount.source + "' of mount target '" + mount.target +
                         "'");
    }
    std::string source = resolved;
    std::string file;
    if (!S_ISDIR(st.st_mode) && !state_prefix.empty() &&
        source.compare(0, state_prefix.size(), state_prefix) == 0 &&
        source.find('/', state_prefix.size()) == std::string::npos) {
      mount.source = std::string(kLibvirtStateDirInside) + "/" + source.substr(state_prefix.size());
      continue;
    }
    if (!S_ISDIR(st.st_mode)) {
      auto slash = source.rfind('/');
      file = "/" + source.substr(slash + 1);
      source = slash == 0 ? "/" : source.substr(0, slash);
    }
    LibvirtBind bind{source, std::string(kLibvirtVolumesDirInside) + "/" +
                                 std::to_string(binds->size())};
    mount.source = bind.target_dir + file;
    binds->push_back(std::move(bind));
  }
  return inside;
}

uint64_t HostMemoryBytes() {
  return static_cast<uint64_t>(::sysconf(_SC_PHYS_PAGES)) *
         static_cast<uint64_t>(::sysconf(_SC_PAGESIZE));
}

}  // namespace

StatusOr<std::unique_ptr<Backend>> LibvirtBackend::Create(const BackendConfig& config) {
  return std::unique_ptr<Backend>(new LibvirtBackend(config));
}

LibvirtBackend::LibvirtBackend(const BackendConfig& config)
    : ShimPayloadBackend(kName, config.shim_path),
      root_dir_(config.root_dir),
      shim_path_(config.shim_path),
      domains_(IsLocalUri(config.libvirt_uri) ? LibvirtDomains::kLocalStateDir : ""),
      connection_(
          config.libvirt_uri,
          [this](const std::string& domain, const std::string& uuid, int event, int detail) {
            OnLifecycle(domain, uuid, event, detail);
          },
          [this](bool reopened) { OnConnected(reopened); }),
      lingering_([this](const std::string& name, const std::string& uuid, bool init_ended) {
        return EndIfLingering(name, uuid, init_ended);
      }) {}

std::string LibvirtBackend::DomainName(const std::string& container_id) {
  return "boxcar-" + container_id.substr(0, 12);
}

BackendCapabilities LibvirtBackend::capabilities() const {
  BackendCapabilities capabilities;
  capabilities.limits = true;  // the agent's cgroups, into which the shim is moved
  capabilities.pause = true;   // the agent freezes those cgroups
  capabilities.exec = true;
  // The shim's network namespace, inside the domain's, plugged in before the payload runs.
  capabilities.networking = true;
  capabilities.survives_agent_restart = true;  // the domain and its shim outlive boxcard
  // The shim keeps the terminal as on chroot (shim/stdio_relay.h); its attach socket lies in
  // the state directory bound into the domain, so the agent reaches it at the host's path.
  // libvirt's own console (virDomainOpenConsole) is the controller's pty of the domain's init,
  // not the payload's: it is not used.
  capabilities.terminal = true;
  capabilities.seccomp_profile = true;  // boxcar-shim runs inside the domain
  capabilities.seccomp_every_action = true;  // compiled by libseccomp in boxcar-shim
  // Not userns: the kernel refuses the payload's proc mount in a user namespace of its own
  // ("mount proc: Operation not permitted") because libvirt over-mounts parts of the domain's
  // /proc (/proc/sys read-only, /proc/meminfo through FUSE), so no proc is fully visible.
  // Not namespace_sharing: boxcar-shim runs inside the domain's own PID namespace and /proc,
  // where another container's /proc/<pid>/ns is out of reach; libvirt's <lxc:namespace>
  // <sharenet/> would share the domain's network namespace only, not the shim's inner one.
  // boxcar-shim, the domain's init, lives in the container's cgroups beside the payload.
  capabilities.helper_processes_in_cgroup = 1;
  return capabilities;
}

Status LibvirtBackend::CheckAvailable() const {
  if (::access(shim_path_.c_str(), X_OK) != 0) {
    return ErrnoStatus("libvirt backend needs boxcar-shim at '" + shim_path_ +
                       "' (install it or pass --shim-path)");
  }
  if (::geteuid() != 0) return Unavailable("libvirt backend needs root");
  return connection_.Get().status();
}

StatusOr<std::string> LibvirtBackend::EnsureShimDirectory() {
  std::lock_guard<std::mutex> lock(shim_directory_mutex_);
  if (!shim_directory_.empty()) return shim_directory_;
  const std::string directory = root_dir_ + "/libvirt-shim";
  if (::mkdir(directory.c_str(), 0755) != 0 && errno != EEXIST) {
    return ErrnoStatus("create '" + directory + "'");
  }
  // Made afresh at every agent start: the boxcar-shim installed now is the one to run.
  const std::string target = directory + "/boxcar-shim";
  const std::string partial = target + ".partial";
  ::unlink(partial.c_str());
  if (::link(shim_path_.c_str(), partial.c_str()) != 0) {
    if (errno != EXDEV) return ErrnoStatus("link '" + shim_path_ + "' to '" + partial + "'");
    UniqueFd from(::open(shim_path_.c_str(), O_RDONLY | O_CLOEXEC));
    if (!from) return ErrnoStatus("open '" + shim_path_ + "'");
    auto content = ReadAll(from.get(), shim_path_);
    if (!content.ok()) return content.status();
    UniqueFd to(::open(partial.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0755));
    if (!to) return ErrnoStatus("create '" + partial + "'");
    RETURN_IF_ERROR(WriteAll(to.get(), *content, partial));
  }
  if (::rename(partial.c_str(), target.c_str()) != 0) {
    return ErrnoStatus("rename '" + partial + "'");
  }
  shim_directory_ = directory;
  return shim_directory_;
}

StatusOr<std::string> LibvirtBackend::EnsureDomainRootDirectory() {
  std::lock_guard<std::mutex> lock(shim_directory_mutex_);
  if (!domain_root_directory_.empty()) return domain_root_directory_;
  const std::string directory = root_dir_ + "/libvirt-domain-root";
  // libvirt makes these itself when missing: made here, they are there before any domain.
  for (const std::string& path : {directory, directory + "/.oldroot", directory + "/dev",
                                  directory + "/proc", directory + "/sys"}) {
    if (::mkdir(path.c_str(), 0755) != 0 && errno != EEXIST) {
      return ErrnoStatus("create '" + path + "'");
    }
  }
  domain_root_directory_ = directory;
  return domain_root_directory_;
}

StatusOr<std::string> LibvirtBackend::FreeDomainName(virConnectPtr connection,
                                                     const std::string& container_id) {
  // NOTE: libvirt takes a while (up to ~2 s here) to forget a domain whose init has ended; a
  // restart of the same container meanwhile gets a suffixed name rather than waiting.
  const std::string base = DomainName(container_id);
  for (int attempt = 0; attempt < 100; ++attempt) {
    std::string name = attempt == 0 ? base : base + "-" + std::to_string(attempt);
    virDomainPtr existing = virDomainLookupByName(connection, name.c_str());
    if (existing == nullptr) return name;
    virDomainFree(existing);
  }
  return Unavailable("libvirt backend: 100 domains named " + base + "* are still being torn down");
}

StatusOr<RunningContainer> LibvirtBackend::Launch(const LaunchSpec& spec,
                                                  const std::string& state_dir,
                                                  int* exit_code_hint) {
  *exit_code_hint = 125;
  ASSIGN_OR_RETURN(LibvirtConnectionRef connection, connection_.Get());
  ASSIGN_OR_RETURN(std::string shim_directory, EnsureShimDirectory());
  ASSIGN_OR_RETURN(std::string domain_root_directory, EnsureDomainRootDirectory());
  ASSIGN_OR_RETURN(LibvirtShimChannel channel, LibvirtShimChannel::Listen(state_dir));

  LibvirtDomainSpec domain_spec;
  ASSIGN_OR_RETURN(domain_spec.name, FreeDomainName(connection.get(), spec.container_id));
  domain_spec.container_id = spec.container_id;
  domain_spec.agent_root = root_dir_;
  domain_spec.domain_root_dir = domain_root_directory;
  domain_spec.rootfs_dir = spec.rootfs_dir;
  domain_spec.shim_dir = shim_directory;
  domain_spec.state_dir = state_dir;
  domain_spec.memory_bytes = spec.memory_limit_bytes;
  domain_spec.host_memory_bytes = HostMemoryBytes();
  domain_spec.cpu_millis = spec.cpu_millis;
  domain_spec.memory_reservation_bytes = spec.memory_reservation_bytes;
  domain_spec.memory_swap_bytes = spec.memory_swap_bytes;
  domain_spec.blkio_weight = spec.blkio_weight;
  domain_spec.cpu_period_us = spec.cpu_period_us;
  domain_spec.cpu_quota_us = spec.cpu_quota_us;
  domain_spec.host_network = spec.host_network;
  domain_spec.kept_capabilities = spec.kept_capabilities;
  if (spec.privileged) {
    // The nodes in the domain's /dev, for the shim to bind (the agent's device cgroup, which
    // the shim joins, allows every device). libvirt_lxc makes the standard ones itself: a
    // <hostdev> of one fails the domain's start ("Unable to create device /dev/tty: File
    // exists").
    for (const std::string& node : HostDeviceNodes()) {
      if (IsStandardDeviceNode(node)) continue;
      struct stat st;
      const std::string path = "/dev/" + node;
      if (::stat(path.c_str(), &st) != 0) continue;
      (S_ISBLK(st.st_mode) ? domain_spec.host_block_devices : domain_spec.host_char_devices)
          .push_back(path);
    }
  }
  ASSIGN_OR_RETURN(std::vector<LaunchMount> mounts_inside,
                   BindSourcesInsideDomain(spec.mounts, state_dir, &domain_spec.binds));
  // Transient: the domain is gone from libvirt as soon as its init (the shim) ends.
  domains_.Creating(domain_spec.name, spec.container_id);
  LibvirtDomainHandle domain(
      virDomainCreateXML(connection.get(), LibvirtDomainXml(domain_spec).c_str(), 0));
  if (!domain) {
    Status failed = Internal("libvirt backend: create domain " + domain_spec.name + ": " +
                             LastLibvirtError());
    domains_.Ended(domain_spec.name, "");
    return failed;
  }
  char uuid[VIR_UUID_STRING_BUFLEN] = {};
  if (virDomainGetUUIDString(domain.get(), uuid) != 0) uuid[0] = '\0';
  domains_.Created(domain_spec.name, uuid);
  CrashPoint("libvirt.after_create_domain");
  auto started =
      StartInDomain(spec, state_dir, std::move(mounts_inside), channel, exit_code_hint);
  if (!started.ok()) {
    // The shim has usually ended by itself (and with it the domain); this covers the rest.
    // NOTE: virDomainDestroy costs ~1.8 s here, paid only on this failure path.
    if (virDomainIsActive(domain.get()) == 1 && virDomainDestroy(domain.get()) == 0) {
      domains_.Ended(domain_spec.name, uuid);  // else at its STOPPED event
    }
    return started.status().Annotate("libvirt backend, domain " + domain_spec.name);
  }
  return started;
}

StatusOr<RunningContainer> LibvirtBackend::StartInDomain(const LaunchSpec& spec,
                                                         const std::string& state_dir,
                                                         std::vector<LaunchMount> mounts_inside,
                                                         LibvirtShimChannel& channel,
                                                         int* exit_code_hint) {
  ASSIGN_OR_RETURN(pid_t shim_pid, channel.AcceptShim(kShimConnectTimeout));
  // Now, while the shim waits for its spec: libvirt's controller reaps it once it ends, which
  // a short payload makes happen before Launch returns.
  UniqueFd shim_pidfd = OpenPidfd(shim_pid);
  if (!shim_pidfd) return ErrnoStatus("pidfd_open of boxcar-shim " + std::to_string(shim_pid));
  // libvirt put its init into cgroups of its own; the payload is born in the agent's, where
  // the limits are and where pause, stats and OOM reports look.
  std::vector<std::string> procs_files = spec.cgroup_procs_files;
  if (!spec.cgroup_clone_into_dir.empty()) {
    procs_files.push_back(spec.cgroup_clone_into_dir + "/cgroup.procs");
  }
  for (const auto& procs_file : procs_files) RETURN_IF_ERROR(WritePid(procs_file, shim_pid));
  if (spec.prepare_network) RETURN_IF_ERROR(spec.prepare_network(shim_pid));

  LaunchSpec inside = spec;
  inside.rootfs_dir = kLibvirtRootfsDirInside;
  inside.stdout_path = InsideDomain(spec.stdout_path, state_dir);
  inside.stderr_path = InsideDomain(spec.stderr_path, state_dir);
  inside.exit_file = InsideDomain(spec.exit_file, state_dir);
  inside.shim_log_path = InsideDomain(spec.shim_log_path, state_dir);
  // The shim listens there; the socket is the same inode at the host's path, where the agent
  // connects.
  inside.attach_socket_path = InsideDomain(spec.attach_socket_path, state_dir);
  inside.mounts = std::move(mounts_inside);
  inside.cgroup_clone_into_dir.clear();
  inside.cgroup_procs_files.clear();
  inside.prepare_network = nullptr;
  auto payload = channel.Deliver(inside, exit_code_hint);
  if (!payload.ok()) {
    return Status(payload.status().code(),
                  payload.status().message() + (payload.status().code() == StatusCode::kInternal
                                                    ? " (see " + spec.shim_log_path + ")"
                                                    : ""));
  }
  auto payload_pid = FirstChild(shim_pid);
  if (!payload_pid.ok()) {
    // The payload has already ended and been reaped by the shim, which is now writing its
    // exit record: the shim stands in for it (it ends at once itself).
    payload_pid = shim_pid;
  }
  RunningContainer running;
  running.container_id = spec.container_id;
  running.shim_pid = shim_pid;
  running.init_pid = *payload_pid;
  running.shim_pidfd = shim_pidfd.release();
  spdlog::debug("container {}: libvirt domain {} runs, shim {} payload {}",
                spec.container_id.substr(0, 12), DomainName(spec.container_id), shim_pid,
                *payload_pid);
  return running;
}

Status LibvirtBackend::ReconcileAfterRestart(const std::vector<std::string>& live_container_ids) {
  {
    std::lock_guard<std::mutex> lock(recovered_mutex_);
    for (const auto& id : live_container_ids) {
      if (!ended_before_reconcile_.count(id)) recovered_live_.insert(id);
    }
    ended_before_reconcile_.clear();
    reconcile_enabled_ = true;
  }
  Status reconciled = Reconcile();
  if (!reconciled.ok()) {
    return Status(reconciled.code(),
                  reconciled.message() + "; reconciled once libvirtd answers (retried)");
  }
  return reconciled;
}

void LibvirtBackend::OnConnected(bool reopened) {
  bool enabled;
  {
    std::lock_guard<std::mutex> lock(recovered_mutex_);
    enabled = reconcile_enabled_;
  }
  if (enabled) {
    if (Status reconciled = Reconcile(); !reconciled.ok()) {
      spdlog::warn("libvirt: reconcile of domains: {}", reconciled.message());
    }
  }
  if (reopened) FindDomainsEndedMeanwhile();
}

Status LibvirtBackend::Reconcile() {
  std::lock_guard<std::mutex> serial(reconcile_mutex_);
  ASSIGN_OR_RETURN(LibvirtConnectionRef connection, connection_.Get());
  ASSIGN_OR_RETURN(std::vector<LibvirtOwnedDomain> owned,
                   ListOwnedDomains(connection.get(), root_dir_));
  // Read after the listing: a domain listed that this agent made is known here by then, as
  // its name is taken (LibvirtDomains::Creating) before libvirt is asked to create it.
  const std::map<std::string, std::string> running = domains_.Running();
  for (const auto& domain : owned) {
    if (auto known = running.find(domain.name);
        known != running.end() && (known->second.empty() || known->second == domain.uuid)) {
      continue;
    }
    bool recovered;
    {
      std::lock_guard<std::mutex> lock(recovered_mutex_);
      recovered = recovered_live_.count(domain.container_id) > 0;
    }
    if (recovered && !domains_.CurrentOf(domain.container_id)) {
      domains_.Found(domain.name, domain.uuid, domain.container_id);
      spdlog::info("libvirt: domain {} of container {} found running again", domain.name,
                   domain.container_id.substr(0, 12));
      continue;
    }
    spdlog::warn("libvirt: removing domain {} ({}): its container {} is not running", domain.name,
                 domain.active ? "running" : "shut off", domain.container_id.substr(0, 12));
    if (Status dropped = DropOwnedDomain(connection.get(), domain); !dropped.ok()) {
      spdlog::warn("libvirt: {}", dropped.message());
      continue;
    }
    domains_.Dropped(domain.name);
  }
  return OkStatus();
}

void LibvirtBackend::SetExitListener(ExitListener listener) {
  std::lock_guard<std::mutex> lock(listener_mutex_);
  listener_ = std::move(listener);
}

void LibvirtBackend::ReportExit(const std::string& container_id) {
  std::lock_guard<std::mutex> lock(listener_mutex_);
  if (listener_) listener_(container_id);
}

void LibvirtBackend::RunEnded(const std::string& container_id) {
  {
    std::lock_guard<std::mutex> lock(recovered_mutex_);
    recovered_live_.erase(container_id);
    // Recovery watches containers before it hands their list to ReconcileAfterRestart.
    if (!reconcile_enabled_) ended_before_reconcile_.insert(container_id);
  }
  if (auto current = domains_.CurrentOf(container_id)) {
    lingering_.InitEnded(current->first, current->second);
  }
}

bool LibvirtBackend::EndIfLingering(const std::string& name, const std::string& uuid,
                                    bool init_ended) {
  auto running = domains_.Running();
  if (auto it = running.find(name); it == running.end() || it->second != uuid) return true;
  auto connection = connection_.Get();
  if (!connection.ok()) return false;  // libvirtd away: asked again later
  LibvirtDomainHandle domain(virDomainLookupByUUIDString(connection->get(), uuid.c_str()));
  if (!domain) {
    virErrorPtr error = virGetLastError();
    if (error == nullptr || error->code != VIR_ERR_NO_DOMAIN) return false;
    if (!init_ended) {
      spdlog::info("libvirt: domain {} ended while libvirtd was away", name);
    }
  } else if (virDomainIsActive(domain.get()) == 1) {
    if (!init_ended) return true;  // runs
    spdlog::warn("libvirt: domain {} still runs {} s after its init ended; destroying it", name,
                 std::chrono::seconds(LibvirtLingeringDomains::kGrace).count());
    if (virDomainDestroy(domain.get()) != 0) {
      spdlog::warn("libvirt: destroy {}: {}", name, LastLibvirtError());
      return false;
    }
  } else {
    // NOTE: a libvirtd restarted after the domain's init ended keeps the transient domain,
    // shut off. A destroy fails ("not running") but makes libvirt drop it, as it drops a
    // transient domain at the end of every job on it.
    if (!init_ended) return false;  // or libvirtd has not reconnected to its controller yet
    spdlog::warn("libvirt: domain {} was kept shut off by libvirtd after its init ended; "
                 "dropping it",
                 name);
    virDomainDestroy(domain.get());
    LibvirtDomainHandle again(virDomainLookupByUUIDString(connection->get(), uuid.c_str()));
    if (again) return false;
  }
  if (auto container_id = domains_.Ended(name, uuid)) ReportExit(*container_id);
  return true;
}

void LibvirtBackend::ReleaseContainer(const std::string& container_id) {
  {
    std::lock_guard<std::mutex> lock(recovered_mutex_);
    recovered_live_.erase(container_id);
  }
  const std::string base = DomainName(container_id);
  // libvirtd away: the reconcile at the next connection removes them (their container is
  // unknown then).
  if (auto connection = connection_.Get(); connection.ok()) {
    auto owned = ListOwnedDomains(connection->get(), root_dir_, [&](const std::string& name) {
      return LibvirtDomains::IsRunOf(name, base);
    });
    std::vector<LibvirtOwnedDomain> found;
    if (owned.ok()) {
      found = std::move(*owned);
    } else {
      spdlog::warn("container {}: {}", container_id.substr(0, 12), owned.status().message());
    }
    const std::map<std::string, std::string> running = domains_.Running();
    for (const auto& domain : found) {
      if (domain.container_id != container_id) continue;
      // NOTE: the last run's domain is usually still being torn down by libvirt, which reports
      // its end (or LibvirtLingeringDomains destroys it): no virDomainDestroy (~1.8 s) on rm.
      auto known = running.find(domain.name);
      if (domain.active && known != running.end() && known->second == domain.uuid) continue;
      if (Status dropped = DropOwnedDomain(connection->get(), domain); !dropped.ok()) {
        spdlog::warn("container {}: {}", container_id.substr(0, 12), dropped.message());
        continue;
      }
      domains_.Ended(domain.name, domain.uuid);
      domains_.Dropped(domain.name);
    }
  }
  domains_.Release(container_id, base);
}

void LibvirtBackend::OnLifecycle(const std::string& domain, const std::string& uuid, int event,
                                 int detail) {
  if (event != VIR_DOMAIN_EVENT_STOPPED) return;
  // NOTE: libvirt has no OOM event for LXC domains; the agent reads OOM kills from the
  // container's memory cgroup when it records the exit.
  auto container_id = domains_.Ended(domain, uuid);
  if (!container_id) return;
  spdlog::info("libvirt: domain {} of container {} stopped (detail {})", domain,
               container_id->substr(0, 12), detail);
  ReportExit(*container_id);
}

void LibvirtBackend::FindDomainsEndedMeanwhile() {
  // NOTE: a libvirtd just started lists its domains as inactive, or not at all, until it has
  // reconnected to their controllers: what looks ended now is looked at again later.
  for (const auto& [name, uuid] : domains_.Running()) lingering_.LookAgain(name, uuid);
}

}  // namespace boxcar
