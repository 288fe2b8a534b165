// End-to-end behaviour of boxcard and the boxcar CLI that does not depend on the backend:
// request validation, configuration, labels, host info, the Run stream, spares. The image
// commands are in image_commands_test.cc; what every backend must do is in
// conformance_test.cc.
#include <dirent.h>
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstring>
#include <fstream>
#include <set>
#include <thread>

#include "agent_fixture.h"
#include "build_paths.h"
#include "common/atomic_file.h"
#include "common/directory_tree.h"
#include "common/sha256.h"
#include "image_test_support.h"

namespace boxcar::testing {
namespace {

class AgentTest : public ::testing::Test, public AgentFixture {
 protected:
  void SetUp() override { StartAgentWithBusybox({}); }
  void TearDown() override { StopAgentAndCheckLeftovers(); }
};

TEST(AgentConfigTest, ConfigFileSettingsApply) {
  AgentHarness agent;
  std::string config = agent.work_dir() + "/boxcard.conf";
  std::ofstream(config) << "# a boxcard config file\nmax-layer-bytes = 100000\nprewarm = 0\n";
  agent.Start({"--config", config});
  ASSERT_FALSE(::testing::Test::HasFatalFailure());
  v1::ImportResponse response;
  grpc::Status status = agent.ImportTarball(BOXCAR_BUSYBOX_TAR, "busybox:latest", &response);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::RESOURCE_EXHAUSTED) << status.error_message();
  EXPECT_NE(status.error_message().find("100000"), std::string::npos) << status.error_message();
  agent.Stop();
  EXPECT_EQ(agent.LeftoverCgroups(), "");
}

TEST_F(AgentTest, BadRequestsNameTheFieldAndChangeNothing) {
  v1::ContainerSpec spec;
  spec.set_image("busybox");
  spec.add_command("true");
  spec.set_name("taken");
  ASSERT_TRUE(Create(spec).ok());

  struct Case {
    std::string what;
    std::function<void(v1::ContainerSpec&)> change;
    grpc::StatusCode code;
    std::string field;
  } cases[] = {
      {"duplicate name", [](auto&) {}, grpc::StatusCode::ALREADY_EXISTS, "spec.name"},
      {"invalid name", [](auto& s) { s.set_name("-bad/name"); }, grpc::StatusCode::INVALID_ARGUMENT,
       "spec.name"},
      {"unknown image",
       [](auto& s) {
         s.set_name("x1");
         s.set_image("nosuch:image");
       },
       grpc::StatusCode::NOT_FOUND, "spec.image"},
      {"tiny memory",
       [](auto& s) {
         s.set_name("x2");
         s.mutable_limits()->set_memory_bytes(1000);
       },
       grpc::StatusCode::INVALID_ARGUMENT, "spec.limits.memory_bytes"},
      {"huge cpu",
       [](auto& s) {
         s.set_name("x3");
         s.mutable_limits()->set_cpu_millis(1000000);
       },
       grpc::StatusCode::INVALID_ARGUMENT, "spec.limits.cpu_millis"},
      {"relative workdir",
       [](auto& s) {
         s.set_name("x4");
         s.set_working_dir("rel");
       },
       grpc::StatusCode::INVALID_ARGUMENT, "spec.working_dir"},
      {"bad env",
       [](auto& s) {
         s.set_name("x5");
         s.add_env("NOEQUALS");
       },
       grpc::StatusCode::INVALID_ARGUMENT, "spec.env"},
      {"unknown backend",
       [](auto& s) {
         s.set_name("x6");
         s.set_backend("nosuch");
       },
       grpc::StatusCode::INVALID_ARGUMENT, "spec.backend"},
      {"bad label key",
       [](auto& s) {
         s.set_name("x7");
         (*s.mutable_labels())["no spaces"] = "x";
       },
       grpc::StatusCode::INVALID_ARGUMENT, "spec.labels"},
  };
  for (const auto& c : cases) {
    v1::ContainerSpec bad = spec;
    c.change(bad);
    grpc::Status status = Create(bad);
    EXPECT_EQ(status.error_code(), c.code) << c.what << ": " << status.error_message();
    EXPECT_NE(status.error_message().find(c.field), std::string::npos)
        << c.what << ": " << status.error_message();
  }
  CommandResult list = agent_.Cli({"ps", "-a", "-q"});
  EXPECT_EQ(list.out, Inspect("taken").id().substr(0, 12) + "\n")
      << "only the first container exists";

  grpc::ClientContext context;
  v1::StartContainerRequest start;
  start.set_container("nosuchcontainer");
  v1::Container ignored;
  grpc::Status unknown = agent_.containers().Start(&context, start, &ignored);
  EXPECT_EQ(unknown.error_code(), grpc::StatusCode::NOT_FOUND);
  EXPECT_NE(unknown.error_message().find("container"), std::string::npos);
}

TEST_F(AgentTest, LabelsAreKeptAcrossAgentRestarts) {
  v1::ContainerSpec spec;
  spec.set_image("busybox");
  spec.set_name("labelled");
  spec.add_command("true");
  (*spec.mutable_labels())["org.openstack.nova.instance-uuid"] =
      "0b9e5d5e-1111-4c4c-8888-000000000001";
  (*spec.mutable_labels())["empty"] = "";
  ASSERT_TRUE(Create(spec).ok());
  agent_.Stop();
  RestartAgent();
  v1::Container container = Inspect("labelled");
  ASSERT_EQ(container.spec().labels().size(), 2u);
  EXPECT_EQ(container.spec().labels().at("org.openstack.nova.instance-uuid"),
            "0b9e5d5e-1111-4c4c-8888-000000000001");
  CommandResult inspected = agent_.Cli({"inspect", "labelled"});
  EXPECT_NE(inspected.out.find("\"org.openstack.nova.instance-uuid\""), std::string::npos)
      << inspected.out;
}

TEST_F(AgentTest, InfoReportsTheHostsResources) {
  grpc::ClientContext context;
  v1::InfoResponse info;
  ASSERT_TRUE(agent_.system().Info(&context, v1::InfoRequest(), &info).ok());
  const v1::HostResources& host = info.host();
  EXPECT_EQ(host.cpus(), static_cast<uint32_t>(::sysconf(_SC_NPROCESSORS_ONLN)));
  EXPECT_GT(host.memory_total_bytes(), 0u);
  EXPECT_LE(host.memory_available_bytes(), host.memory_total_bytes());
  EXPECT_GT(host.disk_total_bytes(), 0u);
  EXPECT_LE(host.disk_available_bytes(), host.disk_total_bytes());
  EXPECT_GT(host.uptime_seconds(), 0);
  EXPECT_FALSE(host.hostname().empty());
  EXPECT_FALSE(host.kernel_release().empty());
}

// The Run stream: started, output, exit; with remove, nothing is left, also when the caller
// goes away before the exit; contradictions and failed starts leave nothing either.
TEST_F(AgentTest, RunStreamsOutputAndExitAndRemovesEvenWhenTheCallerGoesAway) {
  auto all_containers = [&] {
    grpc::ClientContext context;
    v1::ListContainersRequest request;
    request.set_all(true);
    v1::ListContainersResponse response;
    EXPECT_TRUE(agent_.containers().List(&context, request, &response).ok());
    return response.containers_size();
  };
  v1::RunContainerRequest request;
  request.mutable_spec()->set_image("busybox");
  for (const char* arg : {"sh", "-c", "echo out; echo err >&2; exit 5"})
    request.mutable_spec()->add_command(arg);
  request.set_remove(true);
  {
    grpc::ClientContext context;
    auto reader = agent_.containers().Run(&context, request);
    v1::RunContainerResponse message;
    std::vector<v1::RunContainerResponse::EventCase> order;
    std::string out, err;
    int exit_code = -1;
    while (reader->Read(&message)) {
      order.push_back(message.event_case());
      if (message.has_started()) {
        EXPECT_EQ(message.started().state(), v1::CONTAINER_STATE_RUNNING);
        EXPECT_EQ(message.started().id().size(), 64u);
      }
      if (message.has_output()) {
        (message.output().stream() == v1::LOG_STREAM_STDERR ? err : out) += message.output().data();
      }
      if (message.has_exited()) exit_code = message.exited().exit_code();
    }
    grpc::Status status = reader->Finish();
    ASSERT_TRUE(status.ok()) << status.error_message();
    ASSERT_GE(order.size(), 2u);
    EXPECT_EQ(order.front(), v1::RunContainerResponse::kStarted);
    EXPECT_EQ(order.back(), v1::RunContainerResponse::kExited);
    EXPECT_EQ(out, "out\n");
    EXPECT_EQ(err, "err\n");
    EXPECT_EQ(exit_code, 5);
    EXPECT_EQ(all_containers(), 0) << "remove: the container must be gone at the last message";
  }
  {
    v1::RunContainerRequest contradiction = request;
    contradiction.mutable_spec()->mutable_restart_policy()->set_mode(
        v1::RestartPolicy::MODE_ALWAYS);
    grpc::ClientContext context;
    auto reader = agent_.containers().Run(&context, contradiction);
    v1::RunContainerResponse message;
    EXPECT_FALSE(reader->Read(&message));
    grpc::Status status = reader->Finish();
    EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
    EXPECT_NE(status.error_message().find("spec.restart_policy"), std::string::npos)
        << status.error_message();
    EXPECT_EQ(all_containers(), 0);
  }
  {
    v1::RunContainerRequest missing = request;
    missing.mutable_spec()->clear_command();
    missing.mutable_spec()->add_command("/no/such/binary");
    grpc::ClientContext context;
    auto reader = agent_.containers().Run(&context, missing);
    v1::RunContainerResponse message;
    EXPECT_FALSE(reader->Read(&message));
    grpc::Status status = reader->Finish();
    EXPECT_FALSE(status.ok());
    EXPECT_NE(status.error_message().find("/no/such/binary"), std::string::npos)
        << status.error_message();
    auto step = context.GetServerTrailingMetadata().find("boxcar-failed-step");
    ASSERT_NE(step, context.GetServerTrailingMetadata().end());
    EXPECT_EQ(std::string(step->second.data(), step->second.size()), "start");
    EXPECT_EQ(all_containers(), 0) << "a failed start with remove leaves nothing";
  }
  {
    v1::RunContainerRequest slow = request;
    slow.mutable_spec()->clear_command();
    for (const char* arg : {"sleep", "1"}) slow.mutable_spec()->add_command(arg);
    grpc::ClientContext context;
    auto reader = agent_.containers().Run(&context, slow);
    v1::RunContainerResponse message;
    ASSERT_TRUE(reader->Read(&message));
    ASSERT_TRUE(message.has_started());
    context.TryCancel();  // the caller goes away while the payload runs
    (void)reader->Finish();
    EXPECT_EQ(Inspect(message.started().id()).state(), v1::CONTAINER_STATE_RUNNING)
        << "the container runs on without its caller";
    auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(15);
    while (all_containers() != 0 && std::chrono::steady_clock::now() < deadline)
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
    EXPECT_EQ(all_containers(), 0) << "the agent removes it at its exit";
  }
}

// Spares (a snapshot and a state directory with its log files, made ahead by the prewarm loop)
// are renamed to new containers, refilled, and gone once the agent stops; a killed agent's
// spares are removed by the next one.
TEST_F(AgentTest, SpareDirectoriesAreTakenByCreatesRefilledAndNeverLeftBehind) {
  const std::string containers = agent_.root_dir() + "/containers";
  const std::string snapshots = agent_.root_dir() + "/snapshots";
  auto spares_in = [](const std::string& dir) {
    std::set<std::string> names;
    for (const auto& name : ListDirectoryNames(dir))
      if (name.rfind("spare-", 0) == 0) names.insert(name);
    return names;
  };
  auto wait_for_spares = [&](size_t count) {
    for (int i = 0; i < 250 && spares_in(containers).size() != count; ++i)
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    EXPECT_EQ(spares_in(containers).size(), count);
    EXPECT_EQ(spares_in(snapshots).size(), 3 * count) << "upper, work and rootfs of each";
  };
  wait_for_spares(4);  // --prewarm's default
  const std::set<std::string> before = spares_in(containers);

  CommandResult created = agent_.Cli({"create", "--name", "spare-user", "busybox", "echo", "hi"});
  ASSERT_EQ(created.exit_code, 0) << created.err;
  std::string id = created.out.substr(0, created.out.find('\n'));
  std::set<std::string> taken;
  for (const auto& name : before)
    if (!spares_in(containers).count(name)) taken.insert(name);
  EXPECT_EQ(taken.size(), 1u) << "the create took one spare";
  for (const char* file : {"output.log", "shim.log"}) {
    struct stat st;
    ASSERT_EQ(::stat((containers + "/" + id + "/" + file).c_str(), &st), 0) << file;
    EXPECT_EQ(st.st_mode & 07777, 0640u) << file;
    EXPECT_EQ(st.st_size, 0) << file;
  }
  ASSERT_EQ(agent_.Cli({"start", id}).exit_code, 0);
  EXPECT_EQ(agent_.Cli({"wait", id}).out, "0\n");
  EXPECT_EQ(agent_.Cli({"logs", id}).out, "hi\n");
  // The pool is refilled once it is down to half: two more creates.
  for (const char* name : {"spare-user-2", "spare-user-3"})
    ASSERT_EQ(agent_.Cli({"create", "--name", name, "busybox", "true"}).exit_code, 0);
  wait_for_spares(4);

  agent_.Stop(/*kill9=*/true);
  const std::set<std::string> left_by_killed = spares_in(containers);
  EXPECT_FALSE(left_by_killed.empty());
  RestartAgent();
  wait_for_spares(4);
  for (const auto& name : left_by_killed) {
    EXPECT_FALSE(spares_in(containers).count(name)) << name << " left by the killed agent";
    for (const char* part : {".upper", ".work", ".rootfs"})
      EXPECT_FALSE(spares_in(snapshots).count(name + part)) << name << part;
  }
  agent_.Stop();
  EXPECT_TRUE(spares_in(containers).empty());
  EXPECT_TRUE(spares_in(snapshots).empty());
  RestartAgent();  // for the fixture's clean-up checks
}

TEST_F(AgentTest, InfoListsBackendsWithCapabilities) {
  CommandResult info = agent_.Cli({"info", "--json"});
  EXPECT_EQ(info.exit_code, 0);
  EXPECT_NE(info.out.find("\"name\": \"chroot\""), std::string::npos) << info.out;
  EXPECT_NE(info.out.find("\"limits\""), std::string::npos);
  EXPECT_NE(info.out.find("\"is_default\": true"), std::string::npos);
}

}  // namespace
}  // namespace boxcar::testing
