// The CLI's local fast path (proto/boxcar/v1/local.proto): the agent's SOCK_SEQPACKET socket
// next to the gRPC one answers `run -d` exactly as Create and Start over gRPC do, and `rm` as
// Remove does, with the gRPC socket's permissions, and the CLI falls back to gRPC without it.
#include <gtest/gtest.h>
#include <google/protobuf/util/message_differencer.h>
#include <signal.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include <cstring>
#include <string>

#include "agent_fixture.h"
#include "boxcar/v1/local.pb.h"
#include "common/directory_tree.h"
#include "common/local_socket_path.h"
#include "common/unique_fd.h"

namespace boxcar::testing {
namespace {

class LocalFastPathAgentTest : public ::testing::Test, public AgentFixture {
 protected:
  void SetUp() override { StartAgentWithBusybox({}); }
  void TearDown() override { StopAgentAndCheckLeftovers(); }

  std::string LocalPath() const { return LocalSocketPath(agent_.socket_path()); }

  // One message out, one message back, as the CLI does it; "" when the agent sent nothing.
  std::string Exchange(const std::string& bytes) {
    sockaddr_un address{};
    address.sun_family = AF_UNIX;
    std::strncpy(address.sun_path, LocalPath().c_str(), sizeof(address.sun_path) - 1);
    UniqueFd fd(::socket(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0));
    EXPECT_TRUE(fd.valid());
    EXPECT_EQ(::connect(fd.get(), reinterpret_cast<sockaddr*>(&address), sizeof(address)), 0)
        << std::strerror(errno);
    EXPECT_EQ(::send(fd.get(), bytes.data(), bytes.size(), MSG_NOSIGNAL),
              static_cast<ssize_t>(bytes.size()))
        << std::strerror(errno);
    std::string answer(1 << 20, '\0');
    ssize_t received = ::recv(fd.get(), answer.data(), answer.size(), 0);
    answer.resize(received > 0 ? static_cast<size_t>(received) : 0);
    return answer;
  }

  v1::LocalResponse RunDetachedLocally(const v1::ContainerSpec& spec) {
    v1::LocalRequest request;
    *request.mutable_run_detached()->mutable_spec() = spec;
    v1::LocalResponse response;
    EXPECT_TRUE(response.ParseFromString(Exchange(request.SerializeAsString())));
    return response;
  }

  v1::LocalResponse RemoveLocally(const std::string& container, bool force) {
    v1::LocalRequest request;
    request.mutable_remove()->set_container(container);
    request.mutable_remove()->set_force(force);
    v1::LocalResponse response;
    EXPECT_TRUE(response.ParseFromString(Exchange(request.SerializeAsString())));
    return response;
  }

  grpc::Status RemoveOverGrpc(const std::string& container, bool force,
                              v1::RemoveContainerResponse* removed) {
    grpc::ClientContext context;
    v1::RemoveContainerRequest request;
    request.set_container(container);
    request.set_force(force);
    return agent_.containers().Remove(&context, request, removed);
  }

  // Create and Start over gRPC; the status of the first that failed, and which.
  grpc::Status CreateAndStart(const v1::ContainerSpec& spec, v1::Container* started,
                              std::string* failed_step) {
    v1::Container created;
    grpc::Status status = Create(spec, &created);
    if (!status.ok()) {
      *failed_step = "create";
      return status;
    }
    grpc::ClientContext context;
    v1::StartContainerRequest request;
    request.set_container(created.id());
    status = agent_.containers().Start(&context, request, started);
    if (!status.ok()) *failed_step = "start";
    return status;
  }
};

// What differs between two containers made from one spec: who they are and when they ran.
v1::Container WithoutIdentity(v1::Container container) {
  container.clear_id();
  container.clear_name();
  container.clear_rootfs_dir();
  container.clear_pid();
  container.clear_created_unix_ns();
  container.clear_started_unix_ns();
  // 1 when the start took a prewarmed helper, which depends on the pool, not on the path.
  container.clear_cgroup_helper_processes();
  // Inspect's host paths name the container's own directories.
  container.clear_resolv_conf_path();
  container.clear_hostname_path();
  container.clear_hosts_path();
  container.clear_log_path();
  container.clear_storage();
  container.mutable_spec()->clear_name();
  container.mutable_spec()->clear_hostname();
  return container;
}

TEST_F(LocalFastPathAgentTest, RunDetachedGivesWhatCreateAndStartOverGrpcGive) {
  v1::ContainerSpec spec;
  spec.set_image("busybox");
  spec.add_command("sleep");
  spec.add_command("30");
  spec.add_env("GREETING=hello");
  (*spec.mutable_labels())["tier"] = "web";
  spec.mutable_limits()->set_memory_bytes(64 << 20);

  spec.set_name("local");
  v1::LocalResponse local = RunDetachedLocally(spec);
  ASSERT_EQ(local.status_code(), 0) << local.status_message();
  EXPECT_EQ(local.failed_step(), "");
  spec.set_name("grpc");
  v1::Container over_grpc;
  std::string failed_step;
  grpc::Status status = CreateAndStart(spec, &over_grpc, &failed_step);
  ASSERT_TRUE(status.ok()) << status.error_message();

  EXPECT_EQ(local.container().state(), v1::CONTAINER_STATE_RUNNING);
  EXPECT_EQ(local.container().name(), "local");
  EXPECT_GT(local.container().pid(), 0);
  std::string difference;
  google::protobuf::util::MessageDifferencer differencer;
  differencer.ReportDifferencesToString(&difference);
  EXPECT_TRUE(differencer.Compare(WithoutIdentity(local.container()), WithoutIdentity(over_grpc)))
      << difference;
  // What the agent keeps is what it answered.
  EXPECT_TRUE(google::protobuf::util::MessageDifferencer::Equals(
      WithoutIdentity(Inspect(local.container().id())), WithoutIdentity(Inspect(over_grpc.id()))));
  EXPECT_EQ(Inspect("local").state(), v1::CONTAINER_STATE_RUNNING);
}

TEST_F(LocalFastPathAgentTest, BadInputGivesTheSameErrorAsGrpcNamingTheField) {
  struct Case {
    std::string what;
    std::function<void(v1::ContainerSpec&)> change;
    std::string field;
    std::string failed_step;
  } cases[] = {
      {"no image", [](auto& s) { s.clear_image(); }, "spec.image", "create"},
      {"unknown image", [](auto& s) { s.set_image("nosuch:image"); }, "spec.image", "create"},
      {"tiny memory", [](auto& s) { s.mutable_limits()->set_memory_bytes(1000); },
       "spec.limits.memory_bytes", "create"},
      {"bad env", [](auto& s) { s.add_env("NOEQUALS"); }, "spec.env", "create"},
      {"unknown backend", [](auto& s) { s.set_backend("nosuch"); }, "spec.backend", "create"},
      {"duplicate name", [](auto& s) { s.set_name("taken"); }, "spec.name", "create"},
      {"no such command", [](auto& s) { s.set_command(0, "/nosuch"); }, "No such file", "start"},
  };
  v1::ContainerSpec taken;
  taken.set_image("busybox");
  taken.add_command("true");
  taken.set_name("taken");
  ASSERT_TRUE(Create(taken).ok());
  for (const auto& c : cases) {
    SCOPED_TRACE(c.what);
    v1::ContainerSpec spec;
    spec.set_image("busybox");
    spec.add_command("true");
    c.change(spec);
    v1::LocalResponse local = RunDetachedLocally(spec);
    v1::Container ignored;
    std::string failed_step;
    grpc::Status status = CreateAndStart(spec, &ignored, &failed_step);
    ASSERT_FALSE(status.ok());
    EXPECT_EQ(local.status_code(), static_cast<int>(status.error_code()));
    EXPECT_EQ(local.status_message(), status.error_message());
    EXPECT_NE(local.status_message().find(c.field), std::string::npos) << local.status_message();
    EXPECT_EQ(local.failed_step(), c.failed_step);
    EXPECT_EQ(failed_step, c.failed_step);
  }
}

TEST_F(LocalFastPathAgentTest, RemoveGivesWhatRemoveOverGrpcGives) {
  const std::string local_id = RunDetached({"--name", "local"}, {"sleep", "30"});
  const std::string grpc_id = RunDetached({"--name", "grpc"}, {"sleep", "30"});
  // Running, not forced: the same refusal both ways, nothing removed.
  v1::LocalResponse refused = RemoveLocally("local", false);
  v1::RemoveContainerResponse ignored;
  grpc::Status refused_over_grpc = RemoveOverGrpc("local", false, &ignored);
  ASSERT_FALSE(refused_over_grpc.ok());
  EXPECT_EQ(refused.status_code(), static_cast<int>(refused_over_grpc.error_code()));
  EXPECT_EQ(refused.status_message(), refused_over_grpc.error_message());
  EXPECT_NE(refused.status_message().find("is running"), std::string::npos)
      << refused.status_message();
  EXPECT_EQ(Inspect("local").state(), v1::CONTAINER_STATE_RUNNING);

  v1::LocalResponse removed = RemoveLocally("local", true);
  ASSERT_EQ(removed.status_code(), 0) << removed.status_message();
  v1::RemoveContainerResponse removed_over_grpc;
  grpc::Status status = RemoveOverGrpc("grpc", true, &removed_over_grpc);
  ASSERT_TRUE(status.ok()) << status.error_message();
  EXPECT_EQ(removed.removed().id(), local_id);
  EXPECT_EQ(removed_over_grpc.id(), grpc_id);
  EXPECT_EQ(removed.removed().exit_code(), removed_over_grpc.exit_code());
  EXPECT_EQ(removed.removed().exit_signal(), removed_over_grpc.exit_signal());
  EXPECT_EQ(removed.removed().exit_signal(), SIGKILL);
  EXPECT_FALSE(removed.container().has_spec()) << "a remove answers in `removed` only";

  // Gone: the same NotFound both ways.
  v1::LocalResponse again = RemoveLocally("local", true);
  grpc::Status again_over_grpc = RemoveOverGrpc("local", true, &ignored);
  EXPECT_EQ(again.status_code(), static_cast<int>(grpc::StatusCode::NOT_FOUND));
  EXPECT_EQ(again.status_code(), static_cast<int>(again_over_grpc.error_code()));
  EXPECT_EQ(again.status_message(), again_over_grpc.error_message());
}

TEST_F(LocalFastPathAgentTest, MalformedAndOversizedRequestsAreRefusedNamingTheRequest) {
  v1::LocalResponse garbage;
  ASSERT_TRUE(garbage.ParseFromString(Exchange(std::string("\xff\xff\xff\xff garbage", 13))));
  EXPECT_EQ(garbage.status_code(), static_cast<int>(grpc::StatusCode::INVALID_ARGUMENT));
  EXPECT_EQ(garbage.status_message().rfind("request:", 0), 0u) << garbage.status_message();

  // A call this agent does not know (field 15 of LocalRequest, empty): from a newer CLI.
  v1::LocalResponse empty_call;
  ASSERT_TRUE(empty_call.ParseFromString(Exchange(std::string("\x7a\x00", 2))));
  EXPECT_EQ(empty_call.status_code(), static_cast<int>(grpc::StatusCode::UNIMPLEMENTED));
  EXPECT_EQ(empty_call.status_message().rfind("request:", 0), 0u) << empty_call.status_message();

  v1::LocalResponse oversized;
  ASSERT_TRUE(oversized.ParseFromString(Exchange(std::string(kLocalMessageMaxBytes + 1, 'x'))));
  EXPECT_EQ(oversized.status_code(), static_cast<int>(grpc::StatusCode::INVALID_ARGUMENT));
  EXPECT_NE(oversized.status_message().find("larger than"), std::string::npos);
}

TEST_F(LocalFastPathAgentTest, SocketHasTheGrpcSocketsOwnerAndModeAndGoesWithTheAgent) {
  struct stat grpc_socket {}, local_socket {};
  ASSERT_EQ(::stat(agent_.socket_path().c_str(), &grpc_socket), 0);
  ASSERT_EQ(::stat(LocalPath().c_str(), &local_socket), 0) << LocalPath();
  EXPECT_TRUE(S_ISSOCK(local_socket.st_mode));
  EXPECT_EQ(local_socket.st_mode, grpc_socket.st_mode);
  EXPECT_EQ(local_socket.st_mode & 0777, 0660u);
  EXPECT_EQ(local_socket.st_uid, grpc_socket.st_uid);
  EXPECT_EQ(local_socket.st_gid, grpc_socket.st_gid);
  // No temporary name left beside it.
  const std::string dir = agent_.socket_path().substr(0, agent_.socket_path().rfind('/'));
  for (const auto& name : ListDirectoryNames(dir)) {
    EXPECT_EQ(name.find(".tmp-"), std::string::npos) << name;
  }
  agent_.Stop();
  EXPECT_NE(::access(LocalPath().c_str(), F_OK), 0) << "the local socket outlived the agent";
  RestartAgent();
  EXPECT_EQ(::access(LocalPath().c_str(), F_OK), 0);
}

TEST_F(LocalFastPathAgentTest, CliRunDetachedUsesItAndFallsBackToGrpcWithoutIt) {
  // With the gRPC socket's name gone, only the local path can serve `run -d`.
  const std::string hidden = agent_.socket_path() + ".hidden";
  ASSERT_EQ(::rename(agent_.socket_path().c_str(), hidden.c_str()), 0);
  CommandResult local = agent_.Cli({"run", "-d", "--name", "fast", "busybox", "sleep", "30"});
  CommandResult refused = agent_.Cli({"run", "-d", "busybox", "/nosuch"});
  CommandResult listing = agent_.Cli({"ps"});
  ASSERT_EQ(::rename(hidden.c_str(), agent_.socket_path().c_str()), 0);
  EXPECT_EQ(local.exit_code, 0) << local.err;
  EXPECT_EQ(local.out.size(), 65u) << local.out;
  EXPECT_EQ(refused.exit_code, 127) << refused.err;  // a start failure, as over gRPC
  EXPECT_NE(refused.err.find("No such file"), std::string::npos) << refused.err;
  EXPECT_NE(listing.exit_code, 0) << "ps reached the agent without its gRPC socket";
  EXPECT_EQ(Inspect("fast").state(), v1::CONTAINER_STATE_RUNNING);

  // Without the local socket (an older agent) and with it turned off: gRPC, same results.
  ASSERT_EQ(::unlink(LocalPath().c_str()), 0);
  CommandResult over_grpc = agent_.Cli({"run", "-d", "--name", "slow", "busybox", "sleep", "30"});
  CommandResult refused_over_grpc = agent_.Cli({"run", "-d", "busybox", "/nosuch"});
  EXPECT_EQ(over_grpc.exit_code, 0) << over_grpc.err;
  EXPECT_EQ(refused_over_grpc.exit_code, 127) << refused_over_grpc.err;
  EXPECT_EQ(refused_over_grpc.err, refused.err);
  EXPECT_EQ(Inspect("slow").state(), v1::CONTAINER_STATE_RUNNING);
}

TEST_F(LocalFastPathAgentTest, CliRmUsesItAndFallsBackToGrpcWithoutIt) {
  // With the gRPC socket's name gone, only the local path can serve `rm`.
  RunDetached({"--name", "box"}, {"sleep", "30"});
  const std::string hidden = agent_.socket_path() + ".hidden";
  ASSERT_EQ(::rename(agent_.socket_path().c_str(), hidden.c_str()), 0);
  CommandResult refused = agent_.Cli({"rm", "box"});
  CommandResult removed = agent_.Cli({"rm", "-f", "box"});
  CommandResult missing = agent_.Cli({"rm", "-f", "box"});
  ASSERT_EQ(::rename(hidden.c_str(), agent_.socket_path().c_str()), 0);
  EXPECT_NE(refused.exit_code, 0);
  EXPECT_NE(refused.err.find("is running"), std::string::npos) << refused.err;
  EXPECT_EQ(removed.exit_code, 0) << removed.err;
  EXPECT_EQ(removed.out, "box\n");
  EXPECT_NE(missing.exit_code, 0);
  EXPECT_NE(missing.err.find("no container 'box'"), std::string::npos) << missing.err;

  // Without the local socket (an older agent): gRPC, the same results.
  ASSERT_EQ(::unlink(LocalPath().c_str()), 0);
  RunDetached({"--name", "box"}, {"sleep", "30"});
  CommandResult refused_over_grpc = agent_.Cli({"rm", "box"});
  CommandResult removed_over_grpc = agent_.Cli({"rm", "-f", "box"});
  CommandResult missing_over_grpc = agent_.Cli({"rm", "-f", "box"});
  EXPECT_EQ(refused_over_grpc.exit_code, refused.exit_code);
  EXPECT_EQ(refused_over_grpc.err, refused.err);
  EXPECT_EQ(removed_over_grpc.exit_code, 0) << removed_over_grpc.err;
  EXPECT_EQ(removed_over_grpc.out, "box\n");
  EXPECT_EQ(missing_over_grpc.exit_code, missing.exit_code);
  EXPECT_EQ(missing_over_grpc.err, missing.err);
}

TEST_F(LocalFastPathAgentTest, CliCanBeToldNotToUseIt) {
  ASSERT_EQ(::setenv("BOXCAR_LOCAL_FAST_PATH", "0", 1), 0);
  const std::string hidden = agent_.socket_path() + ".hidden";
  ASSERT_EQ(::rename(agent_.socket_path().c_str(), hidden.c_str()), 0);
  CommandResult run = agent_.Cli({"run", "-d", "busybox", "sleep", "30"});
  ASSERT_EQ(::rename(hidden.c_str(), agent_.socket_path().c_str()), 0);
  ::unsetenv("BOXCAR_LOCAL_FAST_PATH");
  EXPECT_NE(run.exit_code, 0) << "BOXCAR_LOCAL_FAST_PATH=0 still used the local socket";
  EXPECT_NE(run.err.find("cannot reach boxcard"), std::string::npos) << run.err;
}

}  // namespace
}  // namespace boxcar::testing
