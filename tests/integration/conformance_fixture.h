// The conformance suite's fixture: a real boxcard with one backend (the test's parameter),
// and the gRPC calls the suite makes directly. Each conformance_*_test.cc derives a suite of
// its own from it and instantiates it over every backend this build has.
#pragma once

#include <dirent.h>
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstring>
#include <mutex>
#include <sstream>
#include <thread>

#include "agent_fixture.h"
#include "common/atomic_file.h"

namespace boxcar::testing {
using std::chrono::milliseconds;

class ConformanceTest : public ::testing::TestWithParam<std::string>, public AgentFixture {
 protected:
  void SetUp() override { StartBackendAgent(GetParam()); }
  void TearDown() override { StopBackendAgentAndCheckLeftovers(); }

  // For a capability the backend lacks: `status` must be UNIMPLEMENTED naming the backend.
  void ExpectUnimplemented(const grpc::Status& status) {
    EXPECT_EQ(status.error_code(), grpc::StatusCode::UNIMPLEMENTED) << status.error_message();
    EXPECT_NE(status.error_message().find(GetParam()), std::string::npos) << status.error_message();
  }

  // `create` with `flags` fails, its error naming `message` (a field or a flag).
  void ExpectCreateRefused(const std::vector<std::string>& flags, const std::string& message) {
    std::vector<std::string> args = {"create"};
    args.insert(args.end(), flags.begin(), flags.end());
    args.insert(args.end(), {"busybox", "true"});
    CommandResult refused = agent_.Cli(args);
    EXPECT_NE(refused.exit_code, 0) << message;
    EXPECT_NE(refused.err.find(message), std::string::npos) << message << ": " << refused.err;
  }

  grpc::Status Pause(const std::string& container) {
    grpc::ClientContext context;
    v1::PauseContainerRequest request;
    request.set_container(container);
    v1::Container ignored;
    return agent_.containers().Pause(&context, request, &ignored);
  }

  grpc::Status Unpause(const std::string& container) {
    grpc::ClientContext context;
    v1::UnpauseContainerRequest request;
    request.set_container(container);
    v1::Container ignored;
    return agent_.containers().Unpause(&context, request, &ignored);
  }

  grpc::Status Stats(const std::string& container, v1::ContainerStats* stats) {
    grpc::ClientContext context;
    v1::StatsRequest request;
    request.set_container(container);
    return agent_.containers().Stats(&context, request, stats);
  }

  grpc::Status Update(v1::UpdateContainerRequest request) {
    grpc::ClientContext context;
    v1::Container ignored;
    return agent_.containers().Update(&context, request, &ignored);
  }

  // Bytes of stdout captured so far.
  size_t LogSize(const std::string& container) {
    return agent_.Cli({"logs", container}).out.size();
  }
};

}  // namespace boxcar::testing
