// AgentClient over the agent's gRPC API on its unix socket. Every call has a deadline; a lost
// agent shows as kUnavailable with a message that names the socket and the nova.conf option.
#pragma once

#include <grpcpp/grpcpp.h>

#include <chrono>
#include <memory>
#include <string>

#include "api/agent_stubs.h"
#include "core/agent_client.h"

namespace boxcar::nova {

struct AgentClientOptions {
  std::string socket_path = "/run/boxcar/boxcard.sock";
  // Calls that do not move images or wait for a payload.
  std::chrono::seconds rpc_timeout{60};
  // Pull, Push, Import, Save and Commit.
  std::chrono::seconds transfer_timeout{1800};
};

class GrpcAgentClient final : public AgentClient {
 public:
  explicit GrpcAgentClient(AgentClientOptions options);

  StatusOr<v1::InfoResponse> Info() override;
  StatusOr<v1::Image> InspectImage(const std::string& image) override;
  StatusOr<v1::Image> TagImage(const std::string& image, const std::string& reference) override;
  Status RemoveImage(const std::string& image, bool force) override;
  StatusOr<std::unique_ptr<ImageImportStream>> StartImport(const v1::ImportHeader& header) override;
  StatusOr<std::unique_ptr<ImageSaveStream>> StartSave(const std::string& image,
                                                       v1::ArchiveFormat format) override;
  StatusOr<v1::Image> Pull(const v1::PullRequest& request) override;
  StatusOr<v1::PushResult> Push(const v1::PushRequest& request) override;
  StatusOr<v1::Container> Create(const v1::ContainerSpec& spec) override;
  StatusOr<v1::Container> Start(const std::string& container) override;
  StatusOr<v1::Container> Stop(const std::string& container, uint32_t timeout_seconds) override;
  Status Remove(const std::string& container, bool force) override;
  StatusOr<v1::Container> Update(const v1::UpdateContainerRequest& request) override;
  StatusOr<v1::Container> Inspect(const std::string& container) override;
  StatusOr<std::vector<v1::Container>> List() override;
  std::unique_ptr<ContainerEventStream> OpenEvents() override;
  StatusOr<v1::Container> Pause(const std::string& container) override;
  StatusOr<v1::Container> Unpause(const std::string& container) override;
  StatusOr<v1::ContainerStats> Stats(const std::string& container) override;
  StatusOr<std::string> Logs(const std::string& container, uint64_t tail_bytes) override;
  StatusOr<v1::CommitContainerResponse> Commit(const v1::CommitContainerRequest& request) override;
  StatusOr<v1::AttachInterfaceResponse> AttachInterface(const std::string& container,
                                                        const v1::VifSpec& vif) override;
  Status DetachInterface(const std::string& container, const std::string& host_interface) override;

 private:
  // A context whose deadline is `timeout` from now.
  std::unique_ptr<grpc::ClientContext> Context(std::chrono::seconds timeout) const;

  AgentClientOptions options_;
  AgentStubs stubs_;
  // Containers.Events only, on a connection of its own (OpenEvents).
  v1::Containers::Stub events_stub_;
};

// grpc::Status -> Status, the message prefixed with the call ("Containers.Start: ...");
// kUnavailable and kDeadlineExceeded also name the socket and what to check.
Status FromGrpc(const grpc::Status& status, const std::string& call,
                const AgentClientOptions& options, std::chrono::seconds timeout);

}  // namespace boxcar::nova
