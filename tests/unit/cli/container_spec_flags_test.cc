#include "cli/container_spec_flags.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <vector>

namespace boxcar::cli {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;

// Parses `args` (after the command name) as `boxcar run` would, into a spec.
class ContainerSpecFlagsTest : public ::testing::Test {
 protected:
  Status Parse(std::vector<std::string> args) {
    CLI::App app;
    CLI::App* run = app.add_subcommand("run");
    AddContainerSpecFlags(run, flags_);
    args.insert(args.begin(), "run");
    std::reverse(args.begin(), args.end());  // CLI11 parses a reversed vector
    try {
      app.parse(args);
    } catch (const CLI::ParseError& error) {
      return InvalidArgument(error.what());
    }
    if (!TakeImageAndCommand(run, flags_)) return InvalidArgument("no image");
    return BuildContainerSpec(flags_, &spec_);
  }

  ContainerSpecFlags flags_;
  v1::ContainerSpec spec_;
};

TEST_F(ContainerSpecFlagsTest, EverythingFromTheImageOnIsThePayloadOptionsIncluded) {
  ASSERT_TRUE(Parse({"--name", "web", "-e", "A=1", "busybox", "sh", "-c", "echo -e x"}).ok());
  EXPECT_EQ(spec_.image(), "busybox");
  EXPECT_THAT(spec_.command(), ElementsAre("sh", "-c", "echo -e x"));
  EXPECT_EQ(spec_.name(), "web");
  EXPECT_THAT(spec_.env(), ElementsAre("A=1"));
}

TEST_F(ContainerSpecFlagsTest, NamespaceModesReachTheSpecAsGiven) {
  ASSERT_TRUE(Parse({"--net", "container:web", "--pid", "container:web", "--ipc", "shareable",
                     "--uts", "host", "busybox"})
                  .ok());
  EXPECT_EQ(spec_.network().mode(), "container:web");
  EXPECT_EQ(spec_.pid_mode(), "container:web");
  EXPECT_EQ(spec_.ipc_mode(), "shareable");
  EXPECT_EQ(spec_.uts_mode(), "host");
}

TEST_F(ContainerSpecFlagsTest, LimitsAreConvertedToBytesMillisAndCounts) {
  ASSERT_TRUE(Parse({"-m", "64m", "--cpus", "0.5", "--pids-limit", "20", "busybox"}).ok());
  EXPECT_EQ(spec_.limits().memory_bytes(), 64u << 20);
  EXPECT_EQ(spec_.limits().cpu_millis(), 500u);
  EXPECT_EQ(spec_.limits().pids_max(), 20u);
}

TEST_F(ContainerSpecFlagsTest, BadValuesAreRefusedNamingTheFlag) {
  Status memory = Parse({"-m", "lots", "busybox"});
  EXPECT_EQ(memory.code(), StatusCode::kInvalidArgument);
  EXPECT_THAT(memory.message(), HasSubstr("--memory 'lots' is not a size"));
}

TEST_F(ContainerSpecFlagsTest, RestartPolicyAndUlimitsAreParsed) {
  ASSERT_TRUE(Parse({"--restart", "on-failure:3", "--ulimit", "nofile=100:200", "--ulimit",
                     "nproc=50", "busybox"})
                  .ok());
  EXPECT_EQ(spec_.restart_policy().mode(), v1::RestartPolicy::MODE_ON_FAILURE);
  EXPECT_EQ(spec_.restart_policy().max_retries(), 3u);
  ASSERT_EQ(spec_.rlimits_size(), 2);
  EXPECT_EQ(spec_.rlimits(0).name(), "nofile");
  EXPECT_EQ(spec_.rlimits(0).soft(), 100u);
  EXPECT_EQ(spec_.rlimits(0).hard(), 200u);
  EXPECT_EQ(spec_.rlimits(1).hard(), 50u);  // soft only: hard = soft
}

TEST_F(ContainerSpecFlagsTest, BadRestartAndUlimitAreRefused) {
  EXPECT_THAT(Parse({"--restart", "sometimes", "busybox"}).message(),
              HasSubstr("--restart 'sometimes' is not a policy"));
  flags_ = {};
  EXPECT_THAT(Parse({"--restart", "on-failure:x", "busybox"}).message(),
              HasSubstr("the retry count must be a number"));
  flags_ = {};
  EXPECT_THAT(Parse({"--ulimit", "nofile", "busybox"}).message(),
              HasSubstr("--ulimit 'nofile' is not name=soft[:hard]"));
  flags_ = {};
  EXPECT_THAT(Parse({"--ulimit", "nofile=a", "busybox"}).message(),
              HasSubstr("non-numeric value"));
}

TEST_F(ContainerSpecFlagsTest, DeviceRatesOfOneDeviceShareOneLimit) {
  ASSERT_TRUE(Parse({"--device-read-bps", "/dev/vda:10m", "--device-write-bps", "/dev/vda:1m",
                     "--device-read-iops", "/dev/vda:500", "--device-write-iops", "/dev/vda:20",
                     "busybox"})
                  .ok());
  ASSERT_EQ(spec_.limits().block_devices_size(), 1);
  EXPECT_EQ(spec_.limits().block_devices(0).device(), "/dev/vda");
  EXPECT_EQ(spec_.limits().block_devices(0).read_bps(), 10u << 20);
  EXPECT_EQ(spec_.limits().block_devices(0).write_bps(), 1u << 20);
  EXPECT_EQ(spec_.limits().block_devices(0).read_iops(), 500u);
  EXPECT_EQ(spec_.limits().block_devices(0).write_iops(), 20u);
  flags_ = {};
  spec_.Clear();
  EXPECT_THAT(Parse({"--device-read-bps", "/dev/vda", "busybox"}).message(),
              HasSubstr("is not DEVICE:RATE"));
  flags_ = {};
  spec_.Clear();
  EXPECT_THAT(Parse({"--device-write-iops", "/dev/vda:1k", "busybox"}).message(),
              HasSubstr("--device-write-iops '/dev/vda:1k' is not DEVICE:COUNT"));
}

TEST_F(ContainerSpecFlagsTest, AnEnvNameAloneTakesTheCallersValue) {
  ::setenv("BOXCAR_TEST_VALUE", "from-caller", 1);
  ASSERT_TRUE(Parse({"-e", "BOXCAR_TEST_VALUE", "-e", "BOXCAR_TEST_UNSET_X", "busybox"}).ok());
  EXPECT_THAT(spec_.env(), ElementsAre("BOXCAR_TEST_VALUE=from-caller"));
}

TEST_F(ContainerSpecFlagsTest, NoImageIsRefused) {
  EXPECT_FALSE(Parse({"--name", "x"}).ok());
}

}  // namespace
}  // namespace boxcar::cli
