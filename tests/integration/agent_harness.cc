#include "agent_harness.h"

#include <archive.h>
#include <archive_entry.h>
#include <dirent.h>
#include <fcntl.h>
#include <gtest/gtest.h>
#include <signal.h>
#include <spawn.h>
#include <sys/mount.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstring>
#include <fstream>
#include <iostream>
#include <mutex>
#include <sstream>
#include <thread>

#include "build_paths.h"
#include "cgroup_mount_points.h"
#include "common/atomic_file.h"
#include "common/directory_tree.h"
#include "dead_test_leftovers.h"

extern char** environ;

namespace boxcar::testing {

namespace {

std::vector<std::string> ListDir(const std::string& path) {
  std::vector<std::string> names;
  DIR* dir = ::opendir(path.c_str());
  if (!dir) return names;
  while (auto* entry = ::readdir(dir)) {
    std::string name = entry->d_name;
    if (name != "." && name != ".." && entry->d_type == DT_DIR) names.push_back(name);
  }
  ::closedir(dir);
  return names;
}

std::atomic<int> g_agent_counter{0};

}  // namespace

pid_t Spawn(const std::vector<std::string>& args, const std::string& out_path,
            const std::string& err_path, const std::vector<std::string>& environment) {
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0);
  posix_spawn_file_actions_addopen(&actions, 1, out_path.c_str(), O_WRONLY | O_CREAT | O_APPEND,
                                   0644);
  posix_spawn_file_actions_addopen(&actions, 2, err_path.c_str(), O_WRONLY | O_CREAT | O_APPEND,
                                   0644);
  std::vector<char*> argv;
  for (const auto& arg : args) argv.push_back(const_cast<char*>(arg.c_str()));
  argv.push_back(nullptr);
  std::vector<char*> envp;
  for (char** entry = environ; *entry != nullptr; ++entry) envp.push_back(*entry);
  for (const auto& entry : environment) envp.push_back(const_cast<char*>(entry.c_str()));
  envp.push_back(nullptr);
  pid_t pid = 0;
  int rc = ::posix_spawn(&pid, argv[0], &actions, nullptr, argv.data(), envp.data());
  posix_spawn_file_actions_destroy(&actions);
  return rc == 0 ? pid : -1;
}

AgentHarness::AgentHarness() {
  static std::once_flag swept;
  std::call_once(swept, [] {
    std::string removed = RemoveDeadTestsLeftovers();
    if (!removed.empty()) std::cerr << "removed what killed tests left:\n" << removed;
  });
  char dir_template[] = "/tmp/boxcar-it-XXXXXX";
  work_dir_ = ::mkdtemp(dir_template);
  MarkOwnedByThisProcess(work_dir_);
  root_dir_ = work_dir_ + "/root";
  socket_path_ = work_dir_ + "/boxcard.sock";
  cgroup_parent_ =
      "boxcar-it-" + std::to_string(::getpid()) + "-" + std::to_string(g_agent_counter++);
}

void AgentHarness::MoveWorkDirUnder(const std::string& base) {
  (void)RemoveTree(work_dir_);
  std::string dir_template = base + "/boxcar-it-XXXXXX";
  work_dir_ = ::mkdtemp(dir_template.data());
  MarkOwnedByThisProcess(work_dir_);
  root_dir_ = work_dir_ + "/root";
  socket_path_ = work_dir_ + "/boxcard.sock";
}

AgentHarness::~AgentHarness() {
  if (agent_pid_ > 0 && containers_) {
    RemoveAllContainers();
    Stop();
  }
  // Whatever a failed test left: kill shims and payloads, unmount, remove cgroups and files.
  for (const auto& mount : CgroupMountPoints()) {
    std::string parent = mount + "/" + cgroup_parent_;
    for (const auto& child : ListDir(parent)) {
      std::ifstream procs(parent + "/" + child + "/cgroup.procs");
      for (pid_t pid; procs >> pid;) ::kill(pid, SIGKILL);
    }
  }
  std::ifstream mountinfo("/proc/self/mountinfo");
  std::vector<std::string> mounts;
  for (std::string line; std::getline(mountinfo, line);) {
    std::istringstream fields(line);
    std::string field;
    for (int i = 0; i < 5; ++i) fields >> field;
    if (field.rfind(root_dir_, 0) == 0) mounts.push_back(field);
  }
  for (auto it = mounts.rbegin(); it != mounts.rend(); ++it) ::umount2(it->c_str(), MNT_DETACH);
  std::this_thread::sleep_for(std::chrono::milliseconds(50));
  for (const auto& mount : CgroupMountPoints()) {
    std::string parent = mount + "/" + cgroup_parent_;
    for (const auto& child : ListDir(parent)) ::rmdir((parent + "/" + child).c_str());
    ::rmdir(parent.c_str());
  }
  (void)RemoveTree(work_dir_);
}

void AgentHarness::Start(const std::vector<std::string>& extra_args,
                         const std::vector<std::string>& environment) {
  std::vector<std::string> args = {BOXCARD_PATH,   "--root",      root_dir_,
                                   "--socket",     socket_path_,  "--cgroup-parent",
                                   cgroup_parent_, "--shim-path", BOXCAR_SHIM_PATH,
                                   "--log-level",  "debug"};
  args.insert(args.end(), extra_args.begin(), extra_args.end());
  if (!network_namespace_.empty()) {
    // nsenter enters only the network namespace and execs boxcard in place (same pid).
    args.insert(args.begin(), {"/usr/bin/nsenter", "--net=/run/netns/" + network_namespace_, "--"});
  }
  agent_pid_ = Spawn(args, work_dir_ + "/agent.log", work_dir_ + "/agent.log", environment);
  ASSERT_GT(agent_pid_, 0) << "spawn " << BOXCARD_PATH;
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
  for (;;) {
    // Poll the socket ourselves: a gRPC channel that failed once backs off for seconds.
    int probe = ::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    sockaddr_un address{};
    address.sun_family = AF_UNIX;
    std::strncpy(address.sun_path, socket_path_.c_str(), sizeof address.sun_path - 1);
    bool listening = ::connect(probe, reinterpret_cast<sockaddr*>(&address), sizeof address) == 0;
    ::close(probe);
    if (listening) {
      Connect();
      grpc::ClientContext context;
      // Generous: a machine loaded by parallel builds may take seconds to schedule a new agent.
      context.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(20));
      v1::InfoResponse info;
      grpc::Status status = system_->Info(&context, {}, &info);
      if (!status.ok()) {
        ::kill(agent_pid_, SIGKILL);  // not left running behind a failed test
        int exit_status = 0;
        ::waitpid(agent_pid_, &exit_status, 0);
        agent_pid_ = 0;
        auto log = ReadFileToString(work_dir_ + "/agent.log");
        FAIL() << "boxcard answered Info with: " << status.error_message() << " (wait status "
               << exit_status << "); its log: " << (log.ok() ? *log : "");
      }
      return;
    }
    int status = 0;
    if (::waitpid(agent_pid_, &status, WNOHANG) == agent_pid_) {
      agent_pid_ = 0;
      auto log = ReadFileToString(work_dir_ + "/agent.log");
      FAIL() << "boxcard exited at start-up: " << (log.ok() ? *log : "");
    }
    if (std::chrono::steady_clock::now() > deadline) FAIL() << "boxcard did not answer within 10 s";
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
}

void AgentHarness::Connect() {
  grpc::ChannelArguments arguments;
  // A fresh connection per agent process: a restarted agent gets a new channel.
  arguments.SetInt("boxcar.harness.generation", g_agent_counter++);
  // The agent is starting: retry the socket every 20 ms instead of gRPC's 1 s backoff.
  arguments.SetInt(GRPC_ARG_INITIAL_RECONNECT_BACKOFF_MS, 20);
  arguments.SetInt(GRPC_ARG_MAX_RECONNECT_BACKOFF_MS, 100);
  // NOTE: this argument is also how long one connection attempt may wait for the server's
  // first HTTP/2 frame; a freshly started agent on a loaded machine can take over 100 ms.
  arguments.SetInt(GRPC_ARG_MIN_RECONNECT_BACKOFF_MS, 5000);
  channel_ = grpc::CreateCustomChannel("unix:" + socket_path_, grpc::InsecureChannelCredentials(),
                                       arguments);
  images_ = v1::Images::NewStub(channel_);
  containers_ = v1::Containers::NewStub(channel_);
  system_ = v1::System::NewStub(channel_);
}

void AgentHarness::Stop(bool kill9) {
  if (agent_pid_ <= 0) return;
  // Close our connection first so the agent's graceful shutdown has nothing to wait for.
  images_.reset();
  containers_.reset();
  system_.reset();
  channel_.reset();
  ::kill(agent_pid_, kill9 ? SIGKILL : SIGTERM);
  int status = 0;
  ::waitpid(agent_pid_, &status, 0);
  agent_pid_ = 0;
}

int AgentHarness::WaitForExit(std::chrono::milliseconds timeout) {
  if (agent_pid_ <= 0) return -1;
  images_.reset();
  containers_.reset();
  system_.reset();
  channel_.reset();
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  int status = 0;
  while (::waitpid(agent_pid_, &status, WNOHANG) == 0) {
    if (std::chrono::steady_clock::now() > deadline) {
      ::kill(agent_pid_, SIGKILL);
      ::waitpid(agent_pid_, nullptr, 0);
      agent_pid_ = 0;
      return -1;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  agent_pid_ = 0;
  return status;
}

grpc::Status AgentHarness::ImportTarball(const std::string& tarball_path,
                                         const std::string& reference, v1::ImportResponse* response,
                                         std::vector<v1::ImportProgress>* progress) {
  grpc::ClientContext context;
  auto writer = images_->Import(&context);
  v1::ImportRequest request;
  request.mutable_header()->set_reference(reference);
  request.mutable_header()->mutable_config()->add_cmd("sh");
  request.mutable_header()->mutable_config()->add_env("PATH=/usr/sbin:/usr/bin:/sbin:/bin");
  writer->Write(request);
  auto content = ReadFileToString(tarball_path);
  EXPECT_TRUE(content.ok()) << tarball_path;
  if (content.ok()) {
    for (size_t offset = 0; offset < content->size(); offset += 256 * 1024) {
      request.Clear();
      request.set_chunk(content->substr(offset, 256 * 1024));
      if (!writer->Write(request)) break;
    }
  }
  writer->WritesDone();
  v1::ImportResponse message;
  while (writer->Read(&message)) {
    if (message.has_progress() && progress) progress->push_back(message.progress());
    if (message.has_image() && response) *response = message;
  }
  return writer->Finish();
}

std::string AgentHarness::ImportBusybox() {
  v1::ImportResponse response;
  grpc::Status status = ImportTarball(BOXCAR_BUSYBOX_TAR, "busybox:latest", &response);
  EXPECT_TRUE(status.ok()) << status.error_message();
  return response.image().id();
}

CommandResult AgentHarness::Cli(const std::vector<std::string>& args,
                                const std::vector<std::string>& environment) {
  static std::atomic<int> counter{0};
  std::string base = work_dir_ + "/cli-" + std::to_string(counter++);
  std::vector<std::string> argv = {BOXCAR_CLI_PATH, "--socket", socket_path_};
  argv.insert(argv.end(), args.begin(), args.end());
  CommandResult result;
  pid_t pid = Spawn(argv, base + ".out", base + ".err", environment);
  if (pid <= 0) return result;
  int status = 0;
  ::waitpid(pid, &status, 0);
  result.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
  auto out = ReadFileToString(base + ".out");
  auto err = ReadFileToString(base + ".err");
  result.out = out.ok() ? *out : "";
  result.err = err.ok() ? *err : "";
  return result;
}

void AgentHarness::RemoveAllContainers() {
  grpc::ClientContext context;
  v1::ListContainersRequest request;
  request.set_all(true);
  v1::ListContainersResponse response;
  if (!containers_->List(&context, request, &response).ok()) return;
  for (const auto& container : response.containers()) {
    grpc::ClientContext remove_context;
    v1::RemoveContainerRequest remove;
    remove.set_container(container.id());
    remove.set_force(true);
    v1::RemoveContainerResponse removed;
    grpc::Status status = containers_->Remove(&remove_context, remove, &removed);
    EXPECT_TRUE(status.ok()) << "remove " << container.id() << ": " << status.error_message();
  }
}

std::string AgentHarness::LeftoverMounts() const {
  std::ifstream mountinfo("/proc/self/mountinfo");
  std::string leftovers;
  for (std::string line; std::getline(mountinfo, line);) {
    if (line.find(root_dir_) != std::string::npos) leftovers += line + "\n";
  }
  return leftovers;
}

std::string AgentHarness::LeftoverCgroups() const {
  std::string leftovers;
  for (const auto& mount : CgroupMountPoints()) {
    for (const auto& child : ListDir(mount + "/" + cgroup_parent_)) {
      // Prewarmed slots belong to the running agent; they must be gone once it stops.
      if (agent_pid_ > 0 && child.rfind("slot-", 0) == 0) continue;
      leftovers += mount + "/" + cgroup_parent_ + "/" + child + "\n";
    }
    if (agent_pid_ == 0 && ::access((mount + "/" + cgroup_parent_).c_str(), F_OK) == 0) {
      leftovers += mount + "/" + cgroup_parent_ + " (the agent's parent cgroup)\n";
    }
  }
  return leftovers;
}

std::string AgentHarness::LeftoverShims() const {
  std::string leftovers;
  DIR* proc = ::opendir("/proc");
  while (auto* entry = ::readdir(proc)) {
    std::string pid = entry->d_name;
    if (pid.find_first_not_of("0123456789") != std::string::npos) continue;
    char exe[4096];
    ssize_t n = ::readlink(("/proc/" + pid + "/exe").c_str(), exe, sizeof exe - 1);
    if (n > 0 && std::string(exe, static_cast<size_t>(n)) == BOXCAR_SHIM_PATH)
      leftovers += "shim pid " + pid + "\n";
  }
  ::closedir(proc);
  return leftovers;
}

std::string AgentHarness::OrphanedShims() const {
  // The shims of an agent that was killed see their socket to it close and exit, a few
  // milliseconds later: allow them a second.
  std::string orphans;
  for (int attempt = 0; attempt < 100; ++attempt) {
    orphans.clear();
    std::istringstream shims(LeftoverShims());
    for (std::string word, pid; shims >> word >> word >> pid;) {
      auto status = ReadFileToString("/proc/" + pid + "/status");
      if (!status.ok()) continue;
      auto ppid_at = status->find("PPid:");
      if (ppid_at == std::string::npos) continue;
      pid_t ppid = std::atoi(status->c_str() + ppid_at + 5);
      if (ppid == agent_pid_) continue;
      auto parent = ReadFileToString("/proc/" + std::to_string(ppid) + "/cmdline");
      std::string parent_command = parent.ok() ? *parent : "?";
      std::replace(parent_command.begin(), parent_command.end(), '\0', ' ');
      orphans += "shim pid " + pid + " (parent " + std::to_string(ppid) + ": " + parent_command +
                 ")\n";
    }
    if (orphans.empty()) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  return orphans;
}

std::string AgentHarness::CgroupFile(const std::string& container_id, const std::string& controller,
                                     const std::string& v1_file, const std::string& v2_file) const {
  std::string v1_dir = "/sys/fs/cgroup/" + controller + "/" + cgroup_parent_ + "/" + container_id;
  if (::access(v1_dir.c_str(), F_OK) == 0) return v1_dir + "/" + v1_file;
  return "/sys/fs/cgroup/" + cgroup_parent_ + "/" + container_id + "/" + v2_file;
}

void WriteTarball(const std::string& path, const std::vector<TarMember>& members) {
  archive* writer = archive_write_new();
  archive_write_set_format_pax_restricted(writer);
  ASSERT_EQ(archive_write_open_filename(writer, path.c_str()), ARCHIVE_OK);
  for (const auto& member : members) {
    archive_entry* entry = archive_entry_new();
    archive_entry_set_pathname(entry, member.name.c_str());
    archive_entry_set_mtime(entry, 1700000000, 0);
    switch (member.type) {
      case TarMember::kFile:
        archive_entry_set_filetype(entry, AE_IFREG);
        archive_entry_set_perm(entry, 0755);
        archive_entry_set_size(entry, static_cast<la_int64_t>(member.content_or_target.size()));
        break;
      case TarMember::kDirectory:
        archive_entry_set_filetype(entry, AE_IFDIR);
        archive_entry_set_perm(entry, 0755);
        break;
      case TarMember::kSymlink:
        archive_entry_set_filetype(entry, AE_IFLNK);
        archive_entry_set_perm(entry, 0777);
        archive_entry_set_symlink(entry, member.content_or_target.c_str());
        break;
      case TarMember::kHardlink:
        archive_entry_set_filetype(entry, AE_IFREG);
        archive_entry_set_perm(entry, 0644);
        archive_entry_set_hardlink(entry, member.content_or_target.c_str());
        break;
      case TarMember::kBlockDevice:
        archive_entry_set_filetype(entry, AE_IFBLK);
        archive_entry_set_perm(entry, 0600);
        archive_entry_set_rdev(entry, makedev(8, 0));
        break;
    }
    archive_write_header(writer, entry);
    if (member.type == TarMember::kFile && !member.content_or_target.empty()) {
      archive_write_data(writer, member.content_or_target.data(), member.content_or_target.size());
    }
    archive_entry_free(entry);
  }
  archive_write_close(writer);
  archive_write_free(writer);
}

}  // namespace boxcar::testing
