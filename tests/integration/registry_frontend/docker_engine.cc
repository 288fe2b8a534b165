#include "docker_engine.h"

#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <stdlib.h>
#include <sys/mount.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <fstream>
#include <sstream>
#include <thread>
#include <vector>

#include "openstack_fixture.h"

extern char** environ;

namespace boxcar::testing {
namespace {

constexpr char kContainerd[] = "/usr/bin/containerd";
constexpr char kDockerd[] = "/usr/sbin/dockerd";
constexpr char kDocker[] = "/usr/bin/docker";

std::string ReadFile(const std::string& path) {
  std::ifstream in(path);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

bool WriteFile(const std::string& path, const std::string& text) {
  std::ofstream out(path);
  out << text;
  return static_cast<bool>(out);
}

// Spawns `args` in a session of its own with stdout and stderr appended to `log_path`.
pid_t Spawn(std::vector<std::string> args, const std::string& log_path) {
  std::vector<char*> argv;
  for (auto& arg : args) argv.push_back(arg.data());
  argv.push_back(nullptr);
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0);
  posix_spawn_file_actions_addopen(&actions, 1, log_path.c_str(), O_WRONLY | O_CREAT | O_APPEND,
                                   0644);
  posix_spawn_file_actions_adddup2(&actions, 1, 2);
  posix_spawnattr_t attr;
  posix_spawnattr_init(&attr);
  posix_spawnattr_setflags(&attr, POSIX_SPAWN_SETSID);
  pid_t pid = 0;
  int rc = posix_spawn(&pid, argv[0], &actions, &attr, argv.data(), environ);
  posix_spawnattr_destroy(&attr);
  posix_spawn_file_actions_destroy(&actions);
  return rc == 0 ? pid : 0;
}

bool Exited(pid_t pid) {
  int status = 0;
  return waitpid(pid, &status, WNOHANG) == pid;
}

// SIGTERM, up to `seconds` to exit, then SIGKILL; reaps it.
void Terminate(pid_t pid, int seconds) {
  if (pid <= 0) return;
  ::kill(pid, SIGTERM);
  for (int i = 0; i < seconds * 10; ++i) {
    if (Exited(pid)) return;
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  ::kill(pid, SIGKILL);
  int status = 0;
  waitpid(pid, &status, 0);
}

}  // namespace

DockerEngine::DockerEngine() {
  char dir[] = "/tmp/boxcar-dockerd.XXXXXX";
  if (mkdtemp(dir)) dir_ = dir;
}

DockerEngine::~DockerEngine() { Stop(); }

bool DockerEngine::Start() {
  if (dir_.empty()) return false;
  if (RunShell("mkdir -p " + dir_ + "/containerd " + dir_ + "/data " + dir_ + "/exec " + dir_ +
               "/client") != 0) {
    return false;
  }
  // containerd's own root, state and sockets; no CRI plugin (it would look for CNI networks).
  const std::string c = dir_ + "/containerd";
  if (!WriteFile(c + "/config.toml",
                 "version = 2\nroot = \"" + c + "/root\"\nstate = \"" + c +
                     "/state\"\ndisabled_plugins = [\"io.containerd.grpc.v1.cri\"]\n"
                     "[grpc]\n  address = \"" +
                     c +
                     "/containerd.sock\"\n"
                     "[ttrpc]\n  address = \"" +
                     c +
                     "/containerd.sock.ttrpc\"\n"
                     "[debug]\n  address = \"\"\n[metrics]\n  address = \"\"\n") ||
      !WriteFile(dir_ + "/daemon.json", "{}\n") || !WriteFile(config_file(), "{}\n")) {
    return false;
  }
  containerd_pid_ = Spawn({kContainerd, "--config", c + "/config.toml"}, dir_ + "/containerd.log");
  if (containerd_pid_ <= 0) return false;
  for (int i = 0; i < 300 && ::access((c + "/containerd.sock").c_str(), F_OK) != 0; ++i) {
    if (Exited(containerd_pid_)) {
      containerd_pid_ = 0;
      return false;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  // --containerd: without it dockerd would use /run/containerd/containerd.sock when another
  // containerd listens there. --config-file: not /etc/docker/daemon.json.
  dockerd_pid_ = Spawn({kDockerd,
                        "--config-file",
                        dir_ + "/daemon.json",
                        "--data-root",
                        dir_ + "/data",
                        "--exec-root",
                        dir_ + "/exec",
                        "--pidfile",
                        dir_ + "/dockerd.pid",
                        "-H",
                        "unix://" + dir_ + "/docker.sock",
                        "--containerd",
                        c + "/containerd.sock",
                        "--storage-driver",
                        "vfs",
                        "--bridge=none",
                        "--iptables=false",
                        "--ip6tables=false",
                        "--ip-forward=false",
                        "--ip-masq=false"},
                       dir_ + "/dockerd.log");
  if (dockerd_pid_ <= 0) return false;
  for (int i = 0; i < 150; ++i) {
    if (Exited(dockerd_pid_)) {
      dockerd_pid_ = 0;
      return false;
    }
    if (RunShell(client() + "version >/dev/null 2>&1") == 0) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(200));
  }
  return false;
}

void DockerEngine::Stop() {
  // dockerd first: it unmounts its data root's bind mount on a clean shutdown.
  Terminate(dockerd_pid_, 20);
  dockerd_pid_ = 0;
  Terminate(containerd_pid_, 10);
  containerd_pid_ = 0;
  if (dir_.empty()) return;
  // Deepest first; what a killed dockerd left mounted.
  std::istringstream mounts(MountsUnder(dir_));
  std::vector<std::string> points;
  for (std::string line; std::getline(mounts, line);) points.push_back(line);
  for (auto it = points.rbegin(); it != points.rend(); ++it) ::umount2(it->c_str(), MNT_DETACH);
  RunShell("rm -rf " + dir_);
  dir_.clear();
}

std::string DockerEngine::client() const {
  return "DOCKER_CONFIG=" + dir_ + "/client DOCKER_HOST=unix://" + dir_ + "/docker.sock " +
         kDocker + " ";
}

std::string DockerEngine::log() const {
  return "--- containerd.log\n" + ReadFile(dir_ + "/containerd.log") + "--- dockerd.log\n" +
         ReadFile(dir_ + "/dockerd.log");
}

std::string HostNetworkSnapshot() {
  char path[] = "/tmp/boxcar-netstate.XXXXXX";
  int fd = mkstemp(path);
  if (fd < 0) return "";
  ::close(fd);
  RunShell(
      std::string(
          "{ ip -o link | awk '{print $2, $3}'; echo '-- iptables'; iptables-save | grep -v '^#';"
          " echo '-- ip6tables'; ip6tables-save | grep -v '^#';"
          " echo '-- nft'; nft list ruleset;"
          " echo '-- sysctl'; sysctl net.ipv4.ip_forward"
          " net.ipv6.conf.all.forwarding; } 2>&1"
          " | sed -E 's/\\[[0-9]+:[0-9]+\\]//; s/counter packets [0-9]+ bytes [0-9]+//'"
          " > ") +
      path);
  std::string text = ReadFile(path);
  ::unlink(path);
  return text;
}

std::string MountsUnder(const std::string& dir) {
  std::ifstream in("/proc/self/mountinfo");
  std::string result;
  for (std::string line; std::getline(in, line);) {
    std::istringstream fields(line);
    std::string id, parent, device, root, point;
    fields >> id >> parent >> device >> root >> point;
    if (point == dir || point.rfind(dir + "/", 0) == 0) result += point + "\n";
  }
  return result;
}

}  // namespace boxcar::testing
