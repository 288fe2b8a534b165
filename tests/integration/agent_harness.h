// Runs a real boxcard for one test: its own temporary --root, socket and cgroup parent, so
// tests never touch /var/lib/boxcar or a running agent and can run twice in a row.
#pragma once

#include <grpcpp/grpcpp.h>
#include <sys/types.h>

#include <chrono>
#include <memory>
#include <string>
#include <vector>

#include "boxcar/v1/containers.grpc.pb.h"
#include "boxcar/v1/images.grpc.pb.h"
#include "boxcar/v1/system.grpc.pb.h"

namespace boxcar::testing {

struct CommandResult {
  int exit_code = -1;
  std::string out;
  std::string err;
};

// One member of a tarball written by WriteTarball.
struct TarMember {
  enum Type { kFile, kDirectory, kSymlink, kHardlink, kBlockDevice } type = kFile;
  std::string name;
  std::string content_or_target;
};

class AgentHarness {
 public:
  AgentHarness();
  ~AgentHarness();

  // Starts boxcard and waits until it answers; `extra_args` go after the harness's flags,
  // `environment` ("KEY=value") is added to the agent's.
  void Start(const std::vector<std::string>& extra_args = {},
             const std::vector<std::string>& environment = {});
  // Before Start: use `parent` (shared with other agents of the test) instead of a cgroup
  // parent of this harness's own.
  void ShareCgroupParent(const std::string& parent) { cgroup_parent_ = parent; }
  // Before Start: make the work directory (and so --root) anew under `base`, e.g. a shared
  // mount that a libvirtd in its own mount namespace also sees (libvirtd_harness.h).
  void MoveWorkDirUnder(const std::string& base);
  // Before Start: run the agent inside the named network namespace (/run/netns/<name>), so
  // its bridges, veths and nftables table never touch the host's network.
  void UseNetworkNamespace(const std::string& name) { network_namespace_ = name; }
  // Stops it with SIGTERM (or SIGKILL); containers keep running either way.
  void Stop(bool kill9 = false);
  // Waits up to `timeout` for the agent to end by itself (e.g. at a crash point); its wait
  // status, or -1 if it still runs (then it is killed).
  int WaitForExit(std::chrono::milliseconds timeout);

  v1::Images::Stub& images() { return *images_; }
  v1::Containers::Stub& containers() { return *containers_; }
  v1::System::Stub& system() { return *system_; }

  // Imports the bundled busybox rootfs as busybox:latest with cmd ["sh"]; returns the id.
  std::string ImportBusybox();
  // Imports `tarball_path` over gRPC; returns the status.
  // `response` gets the last message (the image), `progress` every progress message.
  grpc::Status ImportTarball(const std::string& tarball_path, const std::string& reference,
                             v1::ImportResponse* response = nullptr,
                             std::vector<v1::ImportProgress>* progress = nullptr);
  // Runs the boxcar CLI against this agent; `environment` ("KEY=value") is added to its own.
  CommandResult Cli(const std::vector<std::string>& args,
                    const std::vector<std::string>& environment = {});
  // Force-removes every container the agent knows.
  void RemoveAllContainers();

  // Each returns a description of what is left ("" when clean).
  std::string LeftoverMounts() const;
  std::string LeftoverCgroups() const;
  std::string LeftoverShims() const;
  // Shims that are not the running agent's children (its prewarmed helpers and the shims of
  // containers it started are): what an agent killed before left running.
  std::string OrphanedShims() const;

  const std::string& root_dir() const { return root_dir_; }
  const std::string& socket_path() const { return socket_path_; }
  const std::string& cgroup_parent() const { return cgroup_parent_; }
  const std::string& work_dir() const { return work_dir_; }
  pid_t agent_pid() const { return agent_pid_; }
  // Path of a cgroup file of `container_id` in the v1 `controller` hierarchy or on cgroup2.
  std::string CgroupFile(const std::string& container_id, const std::string& controller,
                         const std::string& v1_file, const std::string& v2_file) const;

 private:
  void Connect();

  std::string work_dir_;
  std::string root_dir_;
  std::string socket_path_;
  std::string cgroup_parent_;
  std::string network_namespace_;
  pid_t agent_pid_ = 0;
  std::shared_ptr<grpc::Channel> channel_;
  std::unique_ptr<v1::Images::Stub> images_;
  std::unique_ptr<v1::Containers::Stub> containers_;
  std::unique_ptr<v1::System::Stub> system_;
};

// Starts `args` (argv[0] a path) with stdin from /dev/null, stdout and stderr appended to the
// given files and `environment` ("KEY=value") added to this process's; -1 if it cannot start.
pid_t Spawn(const std::vector<std::string>& args, const std::string& out_path,
            const std::string& err_path, const std::vector<std::string>& environment = {});

// Writes an uncompressed tarball with libarchive.
void WriteTarball(const std::string& path, const std::vector<TarMember>& members);

}  // namespace boxcar::testing
