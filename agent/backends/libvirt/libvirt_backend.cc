#include "backends/libvirt/libvirt_backend.h"

#include <fcntl.h>
#include <spdlog/spdlog.h>
#include <sys/stat.h>
#include <unistd.h>

#include <chrono>
#include <fstream>
#include <set>

#include "backends/libvirt/libvirt_domain_xml.h"
#include "backends/libvirt/libvirt_shim_channel.h"
#include "backends/payload_signal.h"
#include "common/crash_points.h"
#include "common/fd_io.h"
#include "common/pidfd.h"
#include "common/unique_fd.h"

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

uint64_t HostMemoryBytes() {
  return static_cast<uint64_t>(::sysconf(_SC_PHYS_PAGES)) *
         static_cast<uint64_t>(::sysconf(_SC_PAGESIZE));
}

}  // namespace

StatusOr<std::unique_ptr<Backend>> LibvirtBackend::Create(const BackendConfig& config) {
  return std::unique_ptr<Backend>(new LibvirtBackend(config));
}

LibvirtBackend::LibvirtBackend(const BackendConfig& config)
    : root_dir_(config.root_dir),
      shim_path_(config.shim_path),
      connection_(config.libvirt_uri),
      exec_launcher_(config.shim_path) {}

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
  ASSIGN_OR_RETURN(LibvirtShimChannel channel, LibvirtShimChannel::Listen(state_dir));

  LibvirtDomainSpec domain_spec;
  ASSIGN_OR_RETURN(domain_spec.name, FreeDomainName(connection.get(), spec.container_id));
  domain_spec.container_id = spec.container_id;
  domain_spec.agent_root = root_dir_;
  domain_spec.rootfs_dir = spec.rootfs_dir;
  domain_spec.shim_dir = shim_directory;
  domain_spec.state_dir = state_dir;
  domain_spec.memory_bytes = spec.memory_limit_bytes;
  domain_spec.host_memory_bytes = HostMemoryBytes();
  domain_spec.cpu_millis = spec.cpu_millis;
  domain_spec.host_network = spec.host_network;
  // Transient: the domain is gone from libvirt as soon as its init (the shim) ends.
  LibvirtDomainHandle domain(
      virDomainCreateXML(connection.get(), LibvirtDomainXml(domain_spec).c_str(), 0));
  if (!domain) {
    return Internal("libvirt backend: create domain " + domain_spec.name + ": " +
                    LastLibvirtError());
  }
  CrashPoint("libvirt.after_create_domain");
  auto started =
      StartInDomain(spec, state_dir, connection.get(), domain.get(), channel, exit_code_hint);
  if (!started.ok()) {
    // The shim has usually ended by itself (and with it the domain); this covers the rest.
    // NOTE: virDomainDestroy costs ~1.8 s here, paid only on this failure path.
    virDomainPtr still = virDomainLookupByName(connection.get(), domain_spec.name.c_str());
    if (still != nullptr) {
      if (virDomainIsActive(still) == 1) virDomainDestroy(still);
      virDomainFree(still);
    }
    return started.status().Annotate("libvirt backend, domain " + domain_spec.name);
  }
  return started;
}

StatusOr<RunningContainer> LibvirtBackend::StartInDomain(const LaunchSpec& spec,
                                                         const std::string& state_dir,
                                                         virConnectPtr, virDomainPtr,
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
  ASSIGN_OR_RETURN(LibvirtConnectionRef connection, connection_.Get());
  virDomainPtr* domains = nullptr;
  int count = virConnectListAllDomains(connection.get(), &domains, VIR_CONNECT_LIST_DOMAINS_ACTIVE);
  if (count < 0) return Internal("libvirt backend: list domains: " + LastLibvirtError());
  std::vector<LibvirtDomainHandle> owned;
  for (int i = 0; i < count; ++i) owned.emplace_back(domains[i]);
  free(domains);
  const std::set<std::string> live(live_container_ids.begin(), live_container_ids.end());
  for (const auto& domain : owned) {
    const char* name = virDomainGetName(domain.get());
    if (name == nullptr || std::string(name).rfind("boxcar-", 0) != 0) continue;
    char* metadata = virDomainGetMetadata(domain.get(), VIR_DOMAIN_METADATA_ELEMENT,
                                          kLibvirtMetadataUri, VIR_DOMAIN_AFFECT_LIVE);
    if (metadata == nullptr) continue;  // not Boxcar's
    auto owner = ParseLibvirtMetadata(metadata);
    free(metadata);
    if (!owner.ok() || owner->agent_root != root_dir_) continue;  // another agent's
    if (live.count(owner->container_id)) {
      spdlog::info("libvirt: domain {} of container {} found running again", name,
                   owner->container_id.substr(0, 12));
      continue;
    }
    spdlog::warn("libvirt: destroying domain {}: its container {} is not running", name,
                 owner->container_id.substr(0, 12));
    if (virDomainDestroy(domain.get()) != 0) {
      spdlog::warn("libvirt: destroy {}: {}", name, LastLibvirtError());
    }
  }
  return OkStatus();
}

Status LibvirtBackend::Signal(const RunningContainer& container, int signal) {
  return SignalPayload(container, signal);
}

StatusOr<std::unique_ptr<ExecSession>> LibvirtBackend::Exec(const ExecSpec& spec,
                                                            int* exit_code_hint) {
  return exec_launcher_.Start(spec, exit_code_hint);
}

}  // namespace boxcar
