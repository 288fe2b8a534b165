#include "agent_fixture.h"

namespace boxcar::testing {

void AgentFixture::StartAgentWithBusybox(const std::vector<std::string>& agent_args) {
  agent_args_ = agent_args;
  agent_.Start(agent_args_);
  ASSERT_FALSE(::testing::Test::HasFatalFailure());
  image_id_ = agent_.ImportBusybox();
  ASSERT_FALSE(image_id_.empty());
}

void AgentFixture::RestartAgent() { agent_.Start(agent_args_); }

void AgentFixture::StopAgentAndCheckLeftovers() {
  agent_.RemoveAllContainers();
  EXPECT_EQ(agent_.LeftoverMounts(), "");
  EXPECT_EQ(agent_.LeftoverCgroups(), "");
  agent_.Stop();
  EXPECT_EQ(agent_.LeftoverShims(), "");
  EXPECT_EQ(agent_.LeftoverCgroups(), "")
      << "a stopped agent leaves no cgroup, not even its parent";
}

CommandResult AgentFixture::RunRm(std::vector<std::string> flags,
                                  std::vector<std::string> command) {
  std::vector<std::string> args = {"run", "--rm"};
  args.insert(args.end(), flags.begin(), flags.end());
  args.push_back("busybox");
  args.insert(args.end(), command.begin(), command.end());
  return agent_.Cli(args);
}

std::string AgentFixture::RunDetached(std::vector<std::string> flags,
                                      std::vector<std::string> command) {
  std::vector<std::string> args = {"run", "-d"};
  args.insert(args.end(), flags.begin(), flags.end());
  args.push_back("busybox");
  args.insert(args.end(), command.begin(), command.end());
  CommandResult result = agent_.Cli(args);
  EXPECT_EQ(result.exit_code, 0) << result.err;
  std::string id = result.out.substr(0, result.out.find('\n'));
  EXPECT_EQ(id.size(), 64u) << result.out;
  return id;
}

v1::Container AgentFixture::Inspect(const std::string& container) {
  grpc::ClientContext context;
  v1::InspectContainerRequest request;
  request.set_container(container);
  v1::Container response;
  grpc::Status status = agent_.containers().Inspect(&context, request, &response);
  EXPECT_TRUE(status.ok()) << status.error_message();
  return response;
}

grpc::Status AgentFixture::Create(const v1::ContainerSpec& spec, v1::Container* created) {
  grpc::ClientContext context;
  v1::CreateContainerRequest request;
  *request.mutable_spec() = spec;
  v1::Container ignored;
  return agent_.containers().Create(&context, request, created ? created : &ignored);
}

}  // namespace boxcar::testing
