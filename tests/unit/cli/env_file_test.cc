#include "cli/env_file.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <stdlib.h>
#include <unistd.h>

#include <fstream>

#include "cli/container_spec_flags.h"

namespace boxcar::cli {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;

class EnvFileTest : public ::testing::Test {
 protected:
  void SetUp() override {
    char name[] = "/tmp/boxcar-env-XXXXXX";
    ASSERT_NE(::mkdtemp(name), nullptr);
    dir_ = name;
  }
  void TearDown() override {
    ::unlink(path_.c_str());
    ::rmdir(dir_.c_str());
  }
  std::string Write(const std::string& content) {
    path_ = dir_ + "/env";
    std::ofstream(path_) << content;
    return path_;
  }
  std::string dir_;
  std::string path_;
};

TEST_F(EnvFileTest, LinesAreTakenAsDockerReadsThem) {
  ::setenv("BOXCAR_ENV_FILE_FROM_CALLER", "caller's", 1);
  ::unsetenv("BOXCAR_ENV_FILE_UNSET");
  auto entries =
      ReadEnvFile(Write("# a comment\n\nA=1\n  B=two words \nQUOTED=\"kept\"\r\n"
                        "BOXCAR_ENV_FILE_FROM_CALLER\nBOXCAR_ENV_FILE_UNSET\nEMPTY=\n"));
  ASSERT_TRUE(entries.ok()) << entries.status().message();
  EXPECT_THAT(*entries, ElementsAre("A=1", "B=two words ", "QUOTED=\"kept\"",
                                    "BOXCAR_ENV_FILE_FROM_CALLER=caller's", "EMPTY="));
}

TEST_F(EnvFileTest, ANameWithWhiteSpaceOrAMissingFileIsRefused) {
  auto bad = ReadEnvFile(Write("A=1\nexport B=2\n"));
  EXPECT_EQ(bad.status().code(), StatusCode::kInvalidArgument);
  EXPECT_THAT(bad.status().message(), HasSubstr("line 2: 'export B' is not a variable name"));
  auto missing = ReadEnvFile(dir_ + "/nope");
  EXPECT_THAT(missing.status().message(), HasSubstr("--env-file " + dir_ + "/nope: No such file"));
}

TEST_F(EnvFileTest, DashEComesAfterTheFileSoItWins) {
  ContainerSpecFlags flags;
  flags.env_files = {Write("A=from-file\nB=file\n")};
  flags.env = {"A=from-flag"};
  flags.image_and_command = {"busybox"};
  v1::ContainerSpec spec;
  ASSERT_TRUE(BuildContainerSpec(flags, &spec).ok());
  EXPECT_THAT(spec.env(), ElementsAre("A=from-file", "B=file", "A=from-flag"));
}

}  // namespace
}  // namespace boxcar::cli
