#include "registry_harness.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <thread>

#include "build_paths.h"
#include "common/atomic_file.h"
#include "common/directory_tree.h"
#include "test_ca.h"

namespace boxcar::testing {

int FreeLoopbackPort() {
  int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  address.sin_port = 0;
  socklen_t length = sizeof address;
  int port = 0;
  if (::bind(fd, reinterpret_cast<sockaddr*>(&address), sizeof address) == 0 &&
      ::getsockname(fd, reinterpret_cast<sockaddr*>(&address), &length) == 0) {
    port = ntohs(address.sin_port);
  }
  ::close(fd);
  return port;
}

bool WaitForPort(int port, int seconds) {
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(seconds);
  while (std::chrono::steady_clock::now() < deadline) {
    int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    address.sin_port = htons(static_cast<uint16_t>(port));
    bool connected = ::connect(fd, reinterpret_cast<sockaddr*>(&address), sizeof address) == 0;
    ::close(fd);
    if (connected) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  return false;
}

int Shell(const std::string& command, std::string* out) {
  FILE* pipe = ::popen(command.c_str(), "r");
  if (pipe == nullptr) return -1;
  char buffer[4096];
  size_t n;
  while ((n = std::fread(buffer, 1, sizeof buffer, pipe)) > 0) {
    if (out) out->append(buffer, n);
  }
  int status = ::pclose(pipe);
  return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

RegistryServer::RegistryServer() {
  char dir_template[] = "/tmp/boxcar-registry-XXXXXX";
  work_dir_ = ::mkdtemp(dir_template);
}

RegistryServer::~RegistryServer() {
  Stop(/*kill9=*/true);
  (void)RemoveTree(work_dir_);
}

std::string RegistryServer::log() const {
  auto text = ReadFileToString(work_dir_ + "/registry.log");
  return text.ok() ? *text : "(no registry log)";
}

bool RegistryServer::Start(const RegistryServerOptions& options) {
  if (port_ == 0) {
    port_ = FreeLoopbackPort();
    host_ = "127.0.0.1:" + std::to_string(port_);
    if (!options.basic_user.empty() &&
        Shell("htpasswd -Bbn '" + options.basic_user + "' '" + options.basic_password + "' > " +
              work_dir_ + "/htpasswd") != 0) {
      return false;
    }
    if (options.tls && !MakeTestCa(work_dir_)) return false;
  }
  std::string config =
      "version: 0.1\nlog: {level: info}\n"
      "storage: {filesystem: {rootdirectory: " +
      work_dir_ + "/storage}, delete: {enabled: true}}\nhttp:\n  addr: " + host_ + "\n";
  if (options.tls) {
    config +=
        "  tls: {certificate: " + work_dir_ + "/server.pem, key: " + work_dir_ + "/server.key}\n";
  }
  if (!options.basic_user.empty()) {
    config += "auth: {htpasswd: {realm: boxcar-test, path: " + work_dir_ + "/htpasswd}}\n";
  } else if (!options.token_realm.empty()) {
    config += "auth: {token: {realm: \"" + options.token_realm +
              "\", service: boxcar-test-registry, issuer: boxcar-test-issuer, rootcertbundle: " +
              options.token_cert_file + "}}\n";
  }
  if (!WriteFileAtomically(work_dir_ + "/config.yml", config).ok()) return false;
  pid_t pid = ::fork();
  if (pid == 0) {
    int log = ::open((work_dir_ + "/registry.log").c_str(), O_WRONLY | O_CREAT | O_APPEND, 0644);
    ::dup2(log, 1);
    ::dup2(log, 2);
    ::execlp("docker-registry", "docker-registry", "serve", (work_dir_ + "/config.yml").c_str(),
             nullptr);
    ::_exit(127);
  }
  pid_ = pid;
  if (!WaitForPort(port_, 10)) {
    Stop(true);
    return false;
  }
  return true;
}

void RegistryServer::Stop(bool kill9) {
  if (pid_ <= 0) return;
  ::kill(pid_, kill9 ? SIGKILL : SIGTERM);
  int status = 0;
  ::waitpid(pid_, &status, 0);
  pid_ = 0;
}

TokenService::TokenService() {
  char dir_template[] = "/tmp/boxcar-token-XXXXXX";
  work_dir_ = ::mkdtemp(dir_template);
}

TokenService::~TokenService() {
  if (pid_ > 0) {
    ::kill(pid_, SIGKILL);
    ::waitpid(pid_, nullptr, 0);
  }
  (void)RemoveTree(work_dir_);
}

std::string TokenService::log() const {
  auto text = ReadFileToString(work_dir_ + "/token.log");
  return text.ok() ? *text : "(no token service log)";
}

bool TokenService::Start(const std::string& user, const std::string& password) {
  const std::string script = std::string(BOXCAR_FIXTURES_DIR) + "/registry-token-service.py";
  pid_t pid = ::fork();
  if (pid == 0) {
    int log = ::open((work_dir_ + "/token.log").c_str(), O_WRONLY | O_CREAT | O_APPEND, 0644);
    ::dup2(log, 1);
    ::dup2(log, 2);
    ::execlp("python3", "python3", script.c_str(), work_dir_.c_str(), user.c_str(),
             password.c_str(), nullptr);
    ::_exit(127);
  }
  pid_ = pid;
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(20);
  while (std::chrono::steady_clock::now() < deadline) {
    auto port = ReadFileToString(work_dir_ + "/token.port");
    if (port.ok() && !port->empty()) {
      port_ = std::stoi(*port);
      return WaitForPort(port_, 5);
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  return false;
}

}  // namespace boxcar::testing
