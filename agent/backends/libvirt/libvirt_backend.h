// The libvirt backend: each container is a transient libvirt LXC domain, `boxcar-<short id>`,
// made from XML generated from the LaunchSpec (libvirt_domain_xml.h). The domain's init is
// boxcar-shim, which connects back to the agent over a socket in the container's state
// directory (libvirt_shim_channel.h) and then does what it does for chroot containers: the
// payload as PID 1 of its own namespaces, Boxcar's /dev, hardening, log files, and the exit
// record that gives the payload's real exit code (libvirt's LXC driver reports none). The
// agent moves the shim into the container's cgroups before the payload starts, so limits,
// pause, stats and OOM reports work as on the other backends. libvirt's lifecycle events
// tell the agent of a domain's end; what libvirt leaves of ended domains is removed
// (libvirt_domains.h). docs/libvirt.md has the details.
#pragma once

#include <memory>
#include <mutex>
#include <set>
#include <string>
#include <vector>

#include "backends/libvirt/libvirt_connection.h"
#include "backends/libvirt/libvirt_domains.h"
#include "backends/libvirt/libvirt_lingering_domains.h"
#include "backends/shim_payload_backend.h"

namespace boxcar {

class LibvirtBackend : public ShimPayloadBackend {
 public:
  static constexpr const char* kName = "libvirt";
  static StatusOr<std::unique_ptr<Backend>> Create(const BackendConfig& config);

  explicit LibvirtBackend(const BackendConfig& config);

  BackendCapabilities capabilities() const override;
  // boxcar-shim is there, we are root, and libvirtd answers at the configured URI.
  Status CheckAvailable() const override;
  StatusOr<RunningContainer> Launch(const LaunchSpec& spec, const std::string& state_dir,
                                    int* exit_code_hint) override;
  // Finds this agent's domains, in every state, by their <metadata> (the agent root and
  // container id): those of `live_container_ids` are watched again, the others removed (a
  // crash between the domain's creation and the record of the start; domains that libvirtd,
  // restarted after their init ended, keeps shut off). Done again at every (re)connection to
  // libvirtd, so a libvirtd away now is reconciled once it is back.
  Status ReconcileAfterRestart(const std::vector<std::string>& live_container_ids) override;
  // Reports the end of a container's current domain (a STOPPED event, or one found missing
  // after a reconnect to libvirtd).
  void SetExitListener(ExitListener listener) override;
  // Destroys the run's domain if libvirt still lists it a while later (see
  // libvirt_lingering_domains.h).
  void RunEnded(const std::string& container_id) override;
  // Removes the container's domains that libvirt still lists and that are not about to end
  // by themselves (shut off, or unknown to this run of the agent), and what libvirt left of
  // its ended domains.
  void ReleaseContainer(const std::string& container_id) override;

  // The libvirt domain name of a container.
  static std::string DomainName(const std::string& container_id);

 private:
  // A directory holding only boxcar-shim (a hard link, or a copy across file systems), bound
  // read-only into every domain.
  StatusOr<std::string> EnsureShimDirectory();
  // An empty directory of the agent's, the "/" of every domain (see
  // LibvirtDomainSpec::domain_root_dir).
  StatusOr<std::string> EnsureDomainRootDirectory();
  // DomainName, or with a suffix while a domain of an earlier run still goes away.
  StatusOr<std::string> FreeDomainName(virConnectPtr connection, const std::string& container_id);
  StatusOr<RunningContainer> StartInDomain(const LaunchSpec& spec, const std::string& state_dir,
                                           std::vector<LaunchMount> mounts_inside,
                                           class LibvirtShimChannel& channel, int* exit_code_hint);
  // libvirt's lifecycle event of a boxcar-* domain (on libvirt's event thread).
  void OnLifecycle(const std::string& domain, const std::string& uuid, int event, int detail);
  // On the connection's thread after each open: the reconcile (once recovery has asked for
  // one), and after a reopen FindDomainsEndedMeanwhile.
  void OnConnected(bool reopened);
  // The agent's domains that libvirtd lists, against what this backend knows runs.
  Status Reconcile();
  // After a reconnect: the domains believed running are looked for a while later; those
  // that ended while libvirtd was away are handled as if their STOPPED events had come.
  void FindDomainsEndedMeanwhile();
  void ReportExit(const std::string& container_id);
  // LibvirtLingeringDomains' check: true once the domain is gone, destroyed (only with
  // `init_ended`) or found running.
  bool EndIfLingering(const std::string& name, const std::string& uuid, bool init_ended);

  std::string root_dir_;
  std::string shim_path_;
  std::mutex shim_directory_mutex_;
  std::string shim_directory_;         // set once made
  std::string domain_root_directory_;  // set once made
  std::mutex reconcile_mutex_;         // one reconcile at a time
  std::mutex recovered_mutex_;
  // Since ReconcileAfterRestart: reconciles run at every connection. Guarded by
  // recovered_mutex_.
  bool reconcile_enabled_ = false;
  // Containers recovery found running whose run has not ended yet: their domains are found
  // again, not removed. Guarded by recovered_mutex_.
  std::set<std::string> recovered_live_;
  std::set<std::string> ended_before_reconcile_;  // guarded by recovered_mutex_
  LibvirtDomains domains_;
  std::mutex listener_mutex_;
  ExitListener listener_;  // guarded by listener_mutex_
  // Last: destroyed first, so their threads stop before what their callbacks use goes.
  mutable LibvirtConnection connection_;
  LibvirtLingeringDomains lingering_;
};

}  // namespace boxcar
