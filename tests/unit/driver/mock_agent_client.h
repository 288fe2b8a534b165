// The agent as the driver's unit tests see it.
#pragma once

#include <gmock/gmock.h>

#include "core/agent_client.h"

namespace boxcar::nova {

class MockAgentClient : public AgentClient {
 public:
  MOCK_METHOD(StatusOr<v1::InfoResponse>, Info, (), (override));
  MOCK_METHOD(StatusOr<v1::Image>, InspectImage, (const std::string&), (override));
  MOCK_METHOD(StatusOr<v1::Image>, TagImage, (const std::string&, const std::string&), (override));
  MOCK_METHOD(Status, RemoveImage, (const std::string&, bool), (override));
  MOCK_METHOD(StatusOr<std::unique_ptr<ImageImportStream>>, StartImport, (const v1::ImportHeader&),
              (override));
  MOCK_METHOD(StatusOr<std::unique_ptr<ImageSaveStream>>, StartSave,
              (const std::string&, v1::ArchiveFormat), (override));
  MOCK_METHOD(StatusOr<v1::Image>, Pull, (const v1::PullRequest&), (override));
  MOCK_METHOD(StatusOr<v1::PushResult>, Push, (const v1::PushRequest&), (override));
  MOCK_METHOD(StatusOr<v1::Container>, Create, (const v1::ContainerSpec&), (override));
  MOCK_METHOD(StatusOr<v1::Container>, Start, (const std::string&), (override));
  MOCK_METHOD(StatusOr<v1::Container>, Stop, (const std::string&, uint32_t), (override));
  MOCK_METHOD(Status, Remove, (const std::string&, bool), (override));
  MOCK_METHOD(StatusOr<v1::Container>, Update, (const v1::UpdateContainerRequest&), (override));
  MOCK_METHOD(StatusOr<v1::Container>, Inspect, (const std::string&), (override));
  MOCK_METHOD(StatusOr<std::vector<v1::Container>>, List, (), (override));
  MOCK_METHOD(std::unique_ptr<ContainerEventStream>, OpenEvents, (), (override));
  MOCK_METHOD(StatusOr<v1::Container>, Pause, (const std::string&), (override));
  MOCK_METHOD(StatusOr<v1::Container>, Unpause, (const std::string&), (override));
  MOCK_METHOD(StatusOr<v1::ContainerStats>, Stats, (const std::string&), (override));
  MOCK_METHOD(StatusOr<std::string>, Logs, (const std::string&, uint64_t), (override));
  MOCK_METHOD(StatusOr<v1::AttachInterfaceResponse>, AttachInterface,
              (const std::string&, const v1::VifSpec&), (override));
  MOCK_METHOD(Status, DetachInterface, (const std::string&, const std::string&), (override));
  MOCK_METHOD(StatusOr<v1::CommitContainerResponse>, Commit, (const v1::CommitContainerRequest&),
              (override));
};

class MockImportStream : public ImageImportStream {
 public:
  MOCK_METHOD(Status, Write, (std::string), (override));
  MOCK_METHOD(StatusOr<v1::Image>, Finish, (), (override));
};

inline v1::Container ContainerIn(v1::ContainerState state, const std::string& uuid = "") {
  v1::Container container;
  container.set_id(std::string(64, 'c'));
  container.set_state(state);
  if (!uuid.empty()) {
    container.set_name("nova-" + uuid);
    (*container.mutable_spec()->mutable_labels())["org.openstack.nova.instance-uuid"] = uuid;
  }
  return container;
}

inline v1::Image ImageWithId(const std::string& id) {
  v1::Image image;
  image.set_id(id);
  return image;
}

}  // namespace boxcar::nova
