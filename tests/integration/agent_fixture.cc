#include "agent_fixture.h"

#include <unistd.h>

#include <chrono>
#include <thread>

#include "libvirtd_harness.h"
#include "lxc_leftovers.h"

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

void AgentFixture::StartBackendAgent(const std::string& backend,
                                     std::vector<std::string> extra_args) {
  backend_ = backend;
  run_lxc_before_ = RunLxcListing();
  extra_args.insert(extra_args.begin(), {"--default-backend", backend});
  if (backend == "libvirt") {
    LibvirtdHarness& libvirtd = LibvirtdHarness::Shared();
    ASSERT_TRUE(libvirtd.running());
    agent_.MoveWorkDirUnder(libvirtd.shared_dir());
    extra_args.insert(extra_args.end(), {"--libvirt-uri", libvirtd.uri()});
  }
  StartAgentWithBusybox(extra_args);
  ASSERT_FALSE(::testing::Test::HasFatalFailure());
  grpc::ClientContext context;
  v1::InfoResponse info;
  ASSERT_TRUE(agent_.system().Info(&context, {}, &info).ok());
  for (const auto& described : info.backends()) {
    if (described.name() != backend) continue;
    ASSERT_TRUE(described.available())
        << "backend " << backend
        << " must be available on the test machines: " << described.unavailable_reason();
    capabilities_.insert(described.capabilities().begin(), described.capabilities().end());
    return;
  }
  FAIL() << "the agent has no backend " << backend;
}

void AgentFixture::StopBackendAgentAndCheckLeftovers() {
  if (backend_ == "libvirt") {
    agent_.RemoveAllContainers();
    // A domain ends with its shim; libvirtd may take a moment to forget it. The agent still
    // runs meanwhile, to hear of each domain's end and remove what libvirt leaves of it.
    LibvirtdHarness& libvirtd = LibvirtdHarness::Shared();
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
    while (!libvirtd.BoxcarDomains().empty() && std::chrono::steady_clock::now() < deadline) {
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    EXPECT_EQ(libvirtd.BoxcarDomains(), "") << "transient domains must end with their containers";
    // libvirt 9.0 leaves <name>.{sock,dev,devpts,fuse}: the agent removes them.
    EXPECT_EQ(LibvirtdHarness::RunStateLeftAfter("boxcar-", std::chrono::seconds(5)), "")
        << "under /run/libvirt/lxc";
  }
  StopAgentAndCheckLeftovers();
  if (backend_ == "lxc") {
    EXPECT_EQ(LxcShimProcesses(), "");
    EXPECT_EQ(LxcCgroupsAnywhere(), "") << "LXC made cgroups of its own";
    EXPECT_EQ(RunLxcListing(), run_lxc_before_);
  }
  if (backend_ == "libvirt") LibvirtdHarness::RemoveDomainLeftovers();  // logs; after failures
}

void AgentFixture::ExpectPrivilegedOperationsRefused(const std::vector<std::string>& run_flags) {
  CommandResult status =
      RunRm(run_flags, {"grep", "-E", "^(CapBnd|NoNewPrivs|Seccomp):", "/proc/self/status"});
  EXPECT_EQ(status.out, "CapBnd:\t00000000a00425fb\nNoNewPrivs:\t0\nSeccomp:\t2\n") << status.err;
  char host_hostname[256] = {};
  ::gethostname(host_hostname, sizeof host_hostname - 1);
  struct Attempt {
    std::string what;
    std::string script;
    std::string error;
  } attempts[] = {
      {"mount", "mount -t tmpfs none /mnt", "denied"},
      {"load a module", "insmod /bin/busybox", "Operation not permitted"},
      {"write /proc/sys", "echo boxcar > /proc/sys/kernel/domainname", "Read-only file system"},
      {"make a block device", "mknod /tmp/sda b 8 0", "Operation not permitted"},
      {"set the hostname", "hostname evil", "Operation not permitted"},
      {"make a user namespace", "unshare -U true", "Operation not permitted"},
      {"write /sys", "echo 1 > /sys/kernel/boxcar", "Read-only file system"},
  };
  for (const auto& attempt : attempts) {
    CommandResult result = RunRm(run_flags, {"sh", "-c", attempt.script});
    EXPECT_NE(result.exit_code, 0) << attempt.what << " must be refused";
    EXPECT_NE(result.err.find(attempt.error), std::string::npos)
        << attempt.what << ": " << result.err;
  }
  char after[256] = {};
  ::gethostname(after, sizeof after - 1);
  EXPECT_STREQ(after, host_hostname);
  CommandResult ordinary = RunRm(
      run_flags, {"sh", "-c", "chown 1:1 /tmp && ping -c1 -W1 127.0.0.1 >/dev/null && echo ok"});
  EXPECT_EQ(ordinary.out, "ok\n") << "the kept capabilities still work: " << ordinary.err;
}

AgentFixture::TtyExecResult AgentFixture::ExecWithTty(const std::string& id,
                                                      const std::vector<std::string>& command,
                                                      const std::string& input, uint32_t rows,
                                                      uint32_t columns) {
  TtyExecResult result;
  grpc::ClientContext context;
  auto stream = agent_.containers().Exec(&context);
  v1::ExecRequest start;
  start.mutable_start()->set_container(id);
  start.mutable_start()->mutable_spec()->set_tty(true);
  start.mutable_start()->mutable_spec()->mutable_terminal_size()->set_rows(rows);
  start.mutable_start()->mutable_spec()->mutable_terminal_size()->set_columns(columns);
  start.mutable_start()->mutable_spec()->mutable_command()->Add(command.begin(), command.end());
  EXPECT_TRUE(stream->Write(start));
  if (!input.empty()) {
    v1::ExecRequest stdin_bytes;
    stdin_bytes.set_stdin(input);
    EXPECT_TRUE(stream->Write(stdin_bytes));
  }
  v1::ExecResponse response;
  while (stream->Read(&response)) {
    result.output += response.stdout();
    if (response.has_exit()) {
      result.exit_code = response.exit().exit_code();
      stream->WritesDone();
    }
  }
  EXPECT_TRUE(stream->Finish().ok());
  return result;
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
