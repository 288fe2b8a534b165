// The driver's view of one boxcard: the calls it makes, each returning a Status instead of a
// gRPC status. GrpcAgentClient talks to the real agent; unit tests mock this interface.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "boxcar/v1/containers.pb.h"
#include "boxcar/v1/distribution.pb.h"
#include "boxcar/v1/images.pb.h"
#include "boxcar/v1/networks.pb.h"
#include "boxcar/v1/system.pb.h"
#include "common/status.h"

namespace boxcar::nova {

// An Images.Import stream being written: chunks in order, then Finish for the stored image.
// Destroying an unfinished stream cancels the import (the agent keeps nothing of it).
class ImageImportStream {
 public:
  virtual ~ImageImportStream() = default;
  virtual Status Write(std::string chunk) = 0;
  virtual StatusOr<v1::Image> Finish() = 0;
};

// An Images.Save stream being read: Read gives the next bytes, "" at the end.
class ImageSaveStream {
 public:
  virtual ~ImageSaveStream() = default;
  virtual StatusOr<std::string> Read() = 0;
};

// A Containers.Events stream of every container. Cancel may be called from any thread; a Read
// blocked in another thread then returns false.
class ContainerEventStream {
 public:
  virtual ~ContainerEventStream() = default;
  // Blocks until the agent has the subscription in place (or the stream failed): events that
  // happen from then on arrive.
  virtual void WaitSubscribed() = 0;
  // Every container with its state (Containers.List), on the stream's own connection: the
  // driver's other calls never wait for a connection the stream keeps retrying.
  virtual StatusOr<std::vector<v1::Container>> ListContainers() = 0;
  // The next event; false when the stream ended (Finish says why).
  virtual bool Read(v1::ContainerEvent* event) = 0;
  virtual Status Finish() = 0;
  virtual void Cancel() = 0;
};

class AgentClient {
 public:
  virtual ~AgentClient() = default;

  virtual StatusOr<v1::InfoResponse> Info() = 0;

  virtual StatusOr<v1::Image> InspectImage(const std::string& image) = 0;
  virtual StatusOr<v1::Image> TagImage(const std::string& image, const std::string& reference) = 0;
  // `force`: untag even an image containers use (it stays until they are removed).
  virtual Status RemoveImage(const std::string& image, bool force) = 0;
  virtual StatusOr<std::unique_ptr<ImageImportStream>> StartImport(
      const v1::ImportHeader& header) = 0;
  virtual StatusOr<std::unique_ptr<ImageSaveStream>> StartSave(const std::string& image,
                                                               v1::ArchiveFormat format) = 0;
  // Distribution.Pull and Push, their progress drained; the last message's content.
  virtual StatusOr<v1::Image> Pull(const v1::PullRequest& request) = 0;
  virtual StatusOr<v1::PushResult> Push(const v1::PushRequest& request) = 0;

  virtual StatusOr<v1::Container> Create(const v1::ContainerSpec& spec) = 0;
  virtual StatusOr<v1::Container> Start(const std::string& container) = 0;
  virtual StatusOr<v1::Container> Stop(const std::string& container, uint32_t timeout_seconds) = 0;
  virtual Status Remove(const std::string& container, bool force) = 0;
  // Containers.Update: new limits, applied at once when the container runs.
  virtual StatusOr<v1::Container> Update(const v1::UpdateContainerRequest& request) = 0;
  virtual StatusOr<v1::Container> Inspect(const std::string& container) = 0;
  virtual StatusOr<std::vector<v1::Container>> List() = 0;
  // Containers.Events of every container, without a deadline: it lasts until cancelled or
  // the agent goes away.
  virtual std::unique_ptr<ContainerEventStream> OpenEvents() = 0;
  virtual StatusOr<v1::Container> Pause(const std::string& container) = 0;
  virtual StatusOr<v1::Container> Unpause(const std::string& container) = 0;
  virtual StatusOr<v1::ContainerStats> Stats(const std::string& container) = 0;
  // stdout and stderr as captured, in the order the agent sends them; only the last
  // `tail_bytes` of it (read backwards by the agent: LogsRequest.tail_bytes).
  virtual StatusOr<std::string> Logs(const std::string& container, uint64_t tail_bytes) = 0;
  virtual StatusOr<v1::CommitContainerResponse> Commit(
      const v1::CommitContainerRequest& request) = 0;
  // Networks.AttachInterface and DetachInterface.
  virtual StatusOr<v1::AttachInterfaceResponse> AttachInterface(const std::string& container,
                                                                const v1::VifSpec& vif) = 0;
  virtual Status DetachInterface(const std::string& container,
                                 const std::string& host_interface) = 0;
};

}  // namespace boxcar::nova
