// The fixture of the `boxcar build` integration tests (build_test.cc,
// build_remote_sources_test.cc): an agent with busybox, the build fixtures of fixtures/build/,
// and the check that no build leaves a container, scratch directory or mount behind.
#pragma once

#include <gtest/gtest.h>

#include <fstream>
#include <regex>
#include <string>

#include "agent_fixture.h"
#include "build_paths.h"
#include "registry_harness.h"

namespace boxcar::testing {

inline const std::string kBuildFixtures = std::string(BOXCAR_FIXTURES_DIR) + "/build";

class BuildTest : public ::testing::Test, public AgentFixture {
 protected:
  void SetUp() override { StartAgentWithBusybox({}); }
  void TearDown() override {
    // No build leaves a container, a scratch directory or a mount behind.
    CommandResult ps = agent_.Cli({"ps", "-a", "-q"});
    EXPECT_EQ(ps.out, "") << "containers left by builds";
    EXPECT_EQ(Shell("ls -A " + agent_.root_dir() + "/tmp"), "") << "build scratch left";
    StopAgentAndCheckLeftovers();
  }

  // The output of `command` (registry_harness.h's Shell).
  std::string Shell(const std::string& command) {
    std::string out;
    testing::Shell(command, &out);
    return out;
  }

  // A copy of a fixture in the work dir, to change files in.
  std::string CopyFixture(const std::string& name) {
    std::string dir = agent_.work_dir() + "/ctx-" + name;
    Shell("rm -rf " + dir + " && cp -a " + kBuildFixtures + "/" + name + " " + dir);
    return dir;
  }

  void WriteFile(const std::string& path, const std::string& content) {
    std::ofstream out(path, std::ios::trunc);
    out << content;
  }

  static int RunStepsExecuted(const CommandResult& build) {
    std::smatch match;
    static const std::regex summary("(\\d+) RUN steps executed, (\\d+) steps from the cache");
    if (!std::regex_search(build.out, match, summary)) return -1;
    return std::stoi(match[1]);
  }

  static int Count(const std::string& text, const std::string& needle) {
    int count = 0;
    for (size_t at = text.find(needle); at != std::string::npos; at = text.find(needle, at + 1))
      ++count;
    return count;
  }

  static std::string LastLine(const std::string& text) {
    std::string trimmed = text.substr(0, text.find_last_not_of('\n') + 1);
    return trimmed.substr(trimmed.rfind('\n') + 1);
  }
};

}  // namespace boxcar::testing
