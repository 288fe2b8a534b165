#include "openstack_fixture.h"

#include <stdlib.h>
#include <sys/wait.h>

#include <fstream>

#include "openstack/keystone_auth.h"

namespace boxcar::testing {

std::string OpenStackFixture::state_dir_;
std::map<std::string, std::string> OpenStackFixture::env_;

int RunShell(const std::string& command) {
  int status = system(command.c_str());
  return WIFEXITED(status) ? WEXITSTATUS(status) : 128;
}

void OpenStackFixture::SetUp() {
  char dir[] = "/tmp/boxcar-openstack.XXXXXX";
  ASSERT_NE(mkdtemp(dir), nullptr);
  state_dir_ = dir;
  const std::string up = std::string(BOXCAR_OPENSTACK_FIXTURE_DIR) + "/up " + state_dir_ +
                         " > " + state_dir_ + "/up.out 2>&1";
  if (RunShell(up) != 0) {
    RunShell("cat " + state_dir_ + "/up.out >&2");
    FAIL() << "tests/fixtures/openstack/up failed (see above)";
  }
  std::ifstream in(state_dir_ + "/env");
  std::string line;
  while (std::getline(in, line)) {
    auto eq = line.find('=');
    if (eq != std::string::npos) env_[line.substr(0, eq)] = line.substr(eq + 1);
  }
  ASSERT_FALSE(env_.empty()) << "no env file in " << state_dir_;
}

void OpenStackFixture::TearDown() {
  if (state_dir_.empty()) return;
  RunShell(std::string(BOXCAR_OPENSTACK_FIXTURE_DIR) + "/down " + state_dir_);
  // For chasing flaky runs: BOXCAR_FIXTURE_LOG_DIR=DIR keeps Keystone's and Glance's logs.
  if (const char* keep = getenv("BOXCAR_FIXTURE_LOG_DIR"); keep != nullptr && *keep != '\0') {
    RunShell("mkdir -p '" + std::string(keep) + "' && cp " + state_dir_ + "/*.log '" + keep + "'/");
  }
  RunShell("rm -rf " + state_dir_);
}

std::string OpenStackFixture::Get(const std::string& key) {
  auto it = env_.find(key);
  EXPECT_NE(it, env_.end()) << "fixture env has no " << key;
  return it == env_.end() ? std::string() : it->second;
}

const std::string& OpenStackFixture::state_dir() { return state_dir_; }

int OpenStackFixture::GlanceProcessGroup() {
  std::ifstream in(state_dir_ + "/pids");
  std::string name;
  int pid = 0;
  while (in >> name >> pid) {
    if (name == "glance") return pid;
  }
  return 0;
}

bool OpenStackFixture::RestartGlance() {
  return RunShell(std::string(BOXCAR_OPENSTACK_FIXTURE_DIR) + "/restart-glance " + state_dir_) == 0;
}

openstack::KeystoneCredentials OpenStackFixture::Credentials(const std::string& who) {
  openstack::KeystoneCredentials c;
  c.auth_url = Get("OS_FIXTURE_AUTH_URL");
  if (who == "admin") {
    c.username = Get("OS_FIXTURE_ADMIN_USER");
    c.password = Get("OS_FIXTURE_ADMIN_PASSWORD");
    c.project_name = Get("OS_FIXTURE_ADMIN_PROJECT");
  } else {
    c.username = Get("OS_FIXTURE_USER_" + who);
    c.password = Get("OS_FIXTURE_PASSWORD_" + who);
    c.project_name = Get("OS_FIXTURE_PROJECT_" + who);
  }
  return c;
}

glance::GlanceClient OpenStackFixture::Client(const std::string& who) {
  auto session = openstack::Authenticate(Credentials(who));
  EXPECT_TRUE(session.ok()) << session.status().message();
  return glance::GlanceClient(session.ok() ? *session : openstack::KeystoneSession{});
}

}  // namespace boxcar::testing
