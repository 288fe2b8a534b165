#include "cli/local_call.h"

#include <gtest/gtest.h>
#include <stdlib.h>
#include <unistd.h>

#include "api/local_socket_server.h"
#include "common/directory_tree.h"
#include "common/local_socket_path.h"
#include "../temp_dir.h"

namespace boxcar::cli {
namespace {

class LocalCallTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_NO_FATAL_FAILURE(MakeTempDir("/tmp/local-call-test-XXXXXX", &dir_));
    grpc_socket_ = dir_ + "/boxcard.sock";
  }
  void TearDown() override {
    ::unsetenv("BOXCAR_LOCAL_FAST_PATH");
    (void)RemoveTree(dir_);
  }

  void Serve(LocalSocketServer::Handler handler) {
    auto server = LocalSocketServer::Listen(LocalSocketPath(grpc_socket_),
                                            {::getuid(), ::getgid(), 0660}, std::move(handler));
    ASSERT_TRUE(server.ok()) << server.status().message();
    server_ = std::move(*server);
  }

  static v1::LocalRequest RunDetached(const std::string& image) {
    v1::LocalRequest request;
    request.mutable_run_detached()->mutable_spec()->set_image(image);
    return request;
  }

  std::string dir_;
  std::string grpc_socket_;
  std::unique_ptr<LocalSocketServer> server_;
};

TEST_F(LocalCallTest, WithoutTheLocalSocketTheCallerIsToldToUseGrpc) {
  EXPECT_FALSE(CallLocal(grpc_socket_, RunDetached("busybox")).has_value());
}

TEST_F(LocalCallTest, SendsTheRequestAndReturnsTheAgentsAnswer) {
  Serve([](const StatusOr<std::string>& bytes) {
    v1::LocalRequest request;
    v1::LocalResponse response;
    if (!bytes.ok() || !request.ParseFromString(*bytes)) {
      response.set_status_code(3);
      return response.SerializeAsString();
    }
    response.mutable_container()->set_id("id-of-" + request.run_detached().spec().image());
    return response.SerializeAsString();
  });
  auto answer = CallLocal(grpc_socket_, RunDetached("busybox"));
  ASSERT_TRUE(answer.has_value());
  EXPECT_EQ(answer->status_code(), 0);
  EXPECT_EQ(answer->container().id(), "id-of-busybox");
}

TEST_F(LocalCallTest, AnAgentThatClosesWithoutAnAnswerIsUnavailableNotRetried) {
  int calls = 0;
  Serve([&calls](const StatusOr<std::string>&) {
    ++calls;
    return std::string();  // an empty message: the same as closing for the CLI
  });
  auto answer = CallLocal(grpc_socket_, RunDetached("busybox"));
  ASSERT_TRUE(answer.has_value());
  EXPECT_EQ(answer->status_code(), 14);
  EXPECT_NE(answer->status_message().find(LocalSocketPath(grpc_socket_)), std::string::npos);
  EXPECT_EQ(calls, 1);
}

TEST_F(LocalCallTest, RequestsTooLargeForTheSocketGoOverGrpc) {
  Serve([](const StatusOr<std::string>&) { return std::string("unexpected"); });
  v1::LocalRequest request = RunDetached("busybox");
  request.mutable_run_detached()->mutable_spec()->add_env("BIG=" +
                                                          std::string(kLocalMessageMaxBytes, 'x'));
  EXPECT_FALSE(CallLocal(grpc_socket_, request).has_value());
}

TEST_F(LocalCallTest, TurnedOffByTheEnvironment) {
  Serve([](const StatusOr<std::string>&) { return v1::LocalResponse().SerializeAsString(); });
  ::setenv("BOXCAR_LOCAL_FAST_PATH", "0", 1);
  EXPECT_FALSE(CallLocal(grpc_socket_, RunDetached("busybox")).has_value());
  ::setenv("BOXCAR_LOCAL_FAST_PATH", "1", 1);
  EXPECT_TRUE(CallLocal(grpc_socket_, RunDetached("busybox")).has_value());
}

}  // namespace
}  // namespace boxcar::cli
