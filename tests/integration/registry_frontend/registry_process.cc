#include "registry_process.h"

#include <fcntl.h>
#include <rapidjson/document.h>
#include <signal.h>
#include <spawn.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <fstream>
#include <sstream>
#include <thread>

#include "build_paths.h"
#include "http/http_client.h"
#include "openstack_fixture.h"
#include "registry/registry_token.h"

extern char** environ;

namespace boxcar::testing {

RegistryProcess::RegistryProcess() {
  char dir[] = "/tmp/boxcar-registry-test.XXXXXX";
  if (mkdtemp(dir)) work_dir_ = dir;
  state_dir_ = work_dir_ + "/state";
}

RegistryProcess::~RegistryProcess() {
  Stop();
  if (!work_dir_.empty()) RunShell("rm -rf " + work_dir_);
}

bool RegistryProcess::Start(const std::vector<std::string>& extra_args,
                            const std::vector<std::string>& environment) {
  const std::string port_file = work_dir_ + "/port";
  ::unlink(port_file.c_str());
  std::vector<std::string> args = {BOXCAR_REGISTRY_PATH, "--port",      "0",
                                   "--port-file",        port_file,     "--state-dir",
                                   state_dir_,           "--log-level", "debug"};
  if (std::find(extra_args.begin(), extra_args.end(), "--keystone-url") == extra_args.end()) {
    args.insert(args.end(), {"--keystone-url", OpenStackFixture::Get("OS_FIXTURE_AUTH_URL")});
  }
  args.insert(args.end(), extra_args.begin(), extra_args.end());
  std::vector<std::string> env_strings(environment);
  for (char** e = environ; *e; ++e) env_strings.emplace_back(*e);
  std::vector<char*> envp;
  for (auto& entry : env_strings) envp.push_back(entry.data());
  envp.push_back(nullptr);
  tls_ = std::find(extra_args.begin(), extra_args.end(), "--tls-cert") != extra_args.end();
  std::vector<char*> argv;
  for (auto& arg : args) argv.push_back(arg.data());
  argv.push_back(nullptr);
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  const std::string log_path = work_dir_ + "/registry.log";
  posix_spawn_file_actions_addopen(&actions, 1, log_path.c_str(), O_WRONLY | O_CREAT | O_APPEND,
                                   0644);
  posix_spawn_file_actions_adddup2(&actions, 1, 2);
  int rc = posix_spawn(&pid_, argv[0], &actions, nullptr, argv.data(), envp.data());
  posix_spawn_file_actions_destroy(&actions);
  if (rc != 0) {
    pid_ = 0;
    return false;
  }
  for (int i = 0; i < 200; ++i) {
    std::ifstream in(port_file);
    std::string line;
    if (std::getline(in, line) && line.rfind("port=", 0) == 0) {
      host_ = "127.0.0.1:" + line.substr(5);
      return true;
    }
    int status = 0;
    if (waitpid(pid_, &status, WNOHANG) == pid_) {
      pid_ = 0;
      return false;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  return false;
}

void RegistryProcess::Stop(bool kill9) {
  if (pid_ <= 0) return;
  ::kill(pid_, kill9 ? SIGKILL : SIGTERM);
  int status = 0;
  for (int i = 0; i < 100; ++i) {
    if (waitpid(pid_, &status, WNOHANG) == pid_) {
      pid_ = 0;
      return;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  ::kill(pid_, SIGKILL);  // connection threads may hold it; the test must not hang
  waitpid(pid_, &status, 0);
  pid_ = 0;
}

std::string RegistryProcess::log() const {
  std::ifstream in(work_dir_ + "/registry.log");
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

HttpResult Http(const std::string& method, const std::string& url,
                const std::vector<std::string>& headers, const std::string& body) {
  HttpRequest request;
  request.method = method;
  request.url = url;
  request.headers = headers;
  request.body = body;
  request.timeout_seconds = 60;
  HttpResult result;
  auto response = PerformHttp(request);
  if (!response.ok()) return result;
  result.status = response->status;
  result.body = response->body;
  result.headers = response->headers;
  return result;
}

std::string RegistryTokenFor(const RegistryProcess& registry, const std::string& user,
                             const std::string& password, const std::string& scope) {
  auto result = Http("GET", registry.url() + "/token?service=boxcar-registry&scope=" + scope,
                     {"Authorization: Basic " + registry::Base64UrlEncode(user + ":" + password)});
  if (result.status != 200) return "";
  rapidjson::Document doc;
  doc.Parse(result.body.c_str());
  if (doc.HasParseError() || !doc.HasMember("token")) return "";
  return doc["token"].GetString();
}

std::string ErrorCodeOf(const std::string& body) {
  rapidjson::Document doc;
  doc.Parse(body.c_str());
  if (doc.HasParseError() || !doc.IsObject() || !doc.HasMember("errors") ||
      !doc["errors"].IsArray() || doc["errors"].Empty() || !doc["errors"][0].HasMember("code")) {
    return "";
  }
  return doc["errors"][0]["code"].GetString();
}

}  // namespace boxcar::testing
