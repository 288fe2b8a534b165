// The interface every container backend (chroot, lxc, libvirt) implements, in the manner of
// libvirt's driver tables: one entry point per operation, capabilities declared up front.
#pragma once

#include <sys/types.h>

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "common/status.h"
#include "launch/exec_launcher.h"
#include "launch/exec_spec.h"
#include "launch/launch_spec.h"

namespace boxcar {

// What a backend can do. The agent refuses (UNIMPLEMENTED, naming the backend) any call whose
// flag is false instead of guessing.
struct BackendCapabilities {
  bool limits = false;                  // memory / cpu / pids cgroup limits
  bool pause = false;                   // freezer
  bool exec = false;                    // extra processes inside a running container
  bool networking = false;              // interfaces plugged into the container's netns
  bool checkpoint = false;              // CRIU
  bool survives_agent_restart = false;  // payloads outlive boxcard
  bool prewarm = false;                 // helpers can be started before their container is known
  bool userns = false;                  // a user namespace per container (LaunchSpec::userns)
  bool terminal = false;  // a terminal or an open stdin for the payload (LaunchSpec::tty)
  // A seccomp profile of the container's own (ProcessConfinement::seccomp_profile_json).
  bool seccomp_profile = false;
  // Every action of Docker's format in such a profile; without it (LXC's policy language) only
  // SCMP_ACT_ALLOW, _ERRNO, _KILL, _KILL_THREAD and _TRAP, others refused at Create.
  bool seccomp_every_action = false;
  // Namespaced sysctls (LaunchSpec::sysctls) for a container that also has a user namespace.
  bool sysctls_in_userns = false;
  // Namespaces shared with another container or the host (LaunchSpec::joined_namespaces:
  // --network/--pid/--ipc container:NAME, --pid/--ipc/--uts host).
  bool namespace_sharing = false;
  // Processes of the backend's own that live inside the container's cgroups (LXC's monitor);
  // the agent raises pids_max by as many, so the payload gets the limit it asked for.
  uint32_t helper_processes_in_cgroup = 0;

  std::vector<std::string> Names() const;
};

// The capabilities a call may need, by name; see RequireCapability.
enum class Capability {
  kLimits,
  kPause,
  kExec,
  kNetworking,
  kCheckpoint,
  kUserns,
  kTerminal,
  kSeccompProfile,
  kSysctlsInUserns,
  kNamespaceSharing
};

// The running processes of one container, as recorded by the agent.
struct RunningContainer {
  std::string container_id;
  pid_t shim_pid = 0;
  pid_t init_pid = 0;
  int init_pidfd = -1;  // owned by the caller; signals go through it to avoid pid reuse
  // Set by Launch when the shim is not the agent's child (libvirt's): a pidfd opened while the
  // shim surely lived, since another parent may reap it before the agent opens one. Owned by
  // the caller of Launch.
  int shim_pidfd = -1;
};

// Agent-wide settings every backend may need.
struct BackendConfig {
  std::string root_dir;       // the agent's --root
  std::string shim_path;      // boxcar-shim executable
  std::string lxc_shim_path;  // boxcar-lxc-shim executable (the lxc backend)
  std::string libvirt_uri = "lxc:///system";  // libvirtd to connect to (the libvirt backend)
};

// A backend helper process started ahead of time, before its container is known (for
// example so it can join cgroups off the critical path). Destroying an unused one stops it.
class PrewarmedLauncher {
 public:
  virtual ~PrewarmedLauncher() = default;
  virtual pid_t pid() const = 0;
};

class Backend {
 public:
  virtual ~Backend() = default;

  virtual const std::string& name() const = 0;
  virtual BackendCapabilities capabilities() const = 0;
  // OK when containers can run on this host, else why not (kUnavailable).
  virtual Status CheckAvailable() const = 0;

  // Starts the payload described by `spec` and returns once it runs. `state_dir` is the
  // container's private directory for backend files. `exit_code_hint` receives 125/126/127
  // when the payload could not start.
  virtual StatusOr<RunningContainer> Launch(const LaunchSpec& spec, const std::string& state_dir,
                                            int* exit_code_hint) = 0;

  // Capability "prewarm": starts a helper for a future Launch.
  virtual StatusOr<std::unique_ptr<PrewarmedLauncher>> Prewarm() {
    return Unimplemented("backend '" + name() + "' cannot prewarm");
  }
  // Launch() through a helper from Prewarm(); the payload inherits the helper's cgroups.
  virtual StatusOr<RunningContainer> LaunchPrewarmed(std::unique_ptr<PrewarmedLauncher> launcher,
                                                     const LaunchSpec& spec,
                                                     const std::string& state_dir,
                                                     int* exit_code_hint) {
    return Unimplemented("backend '" + name() + "' cannot prewarm");
  }

  // Delivers `signal` to the payload's PID 1.
  virtual Status Signal(const RunningContainer& container, int signal) = 0;

  // After an agent restart, once the records are loaded: `live_container_ids` are this
  // backend's containers the agent found still running. A backend with state of its own (the
  // libvirt backend's domains) ends what belongs to this agent but to none of them; when that
  // state cannot be reached now, it returns the error and reconciles once it can.
  virtual Status ReconcileAfterRestart(const std::vector<std::string>& live_container_ids) {
    return OkStatus();
  }

  // Exits a backend learns of by itself (libvirt's domain events), besides the agent's own
  // watch of the shim: the current run of `container_id` may have ended (the agent checks).
  // Called on a thread of the backend's; the listener must not block. Null stops the calls.
  using ExitListener = std::function<void(const std::string& container_id)>;
  virtual void SetExitListener(ExitListener listener) {}

  // The container's current run has ended (its shim is gone): the backend may end what of it
  // outlives the shim. Called with the container's job lock held: must not block.
  virtual void RunEnded(const std::string& container_id) {}

  // The container was removed: the backend drops what it still keeps of it.
  virtual void ReleaseContainer(const std::string& container_id) {}

  // Capability "exec": starts `spec` inside the running container; `exit_code_hint` as for
  // Launch.
  virtual StatusOr<std::unique_ptr<ExecSession>> Exec(const ExecSpec& spec, int* exit_code_hint) {
    return Unimplemented("exec: backend '" + name() + "' cannot run processes in containers");
  }
};

// Backends of an agent by name.
using BackendMap = std::map<std::string, std::unique_ptr<Backend>>;

// The one check of every capability-gated call: the backend `name` of `backends`, which must
// have `capability` when one is given. A backend this agent does not have is
// FAILED_PRECONDITION, a capability it lacks UNIMPLEMENTED, both naming `field` and the
// backend.
StatusOr<Backend*> RequireCapability(const BackendMap& backends, const std::string& name,
                                     std::optional<Capability> capability,
                                     const std::string& field);

}  // namespace boxcar
