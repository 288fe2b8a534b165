// The automatic platform ARGs: uname's machine names in Go's (BuildKit's) names.
#include "build/platform_args.h"

#include <gtest/gtest.h>

namespace boxcar {
namespace {

TEST(PlatformArgsTest, MachineNamesBecomeGoPlatformNames) {
  struct Case {
    const char* machine;
    const char* platform;
  };
  for (const Case& c :
       {Case{"x86_64", "linux/amd64"}, Case{"aarch64", "linux/arm64"},
        Case{"armv7l", "linux/arm/v7"}, Case{"armv6l", "linux/arm/v6"}, Case{"i686", "linux/386"},
        Case{"i386", "linux/386"}, Case{"ppc64le", "linux/ppc64le"}, Case{"s390x", "linux/s390x"},
        Case{"riscv64", "linux/riscv64"}, Case{"loongarch64", "linux/loong64"}}) {
    EXPECT_EQ(LinuxPlatformOfMachine(c.machine).ToString(), c.platform) << c.machine;
  }
}

TEST(PlatformArgsTest, TargetAndBuildAreTheSamePlatform) {
  BuildVariables amd64 = AutomaticPlatformArgs(LinuxPlatformOfMachine("x86_64"));
  EXPECT_EQ(amd64, (BuildVariables{{"BUILDARCH", "amd64"},
                                   {"BUILDOS", "linux"},
                                   {"BUILDPLATFORM", "linux/amd64"},
                                   {"BUILDVARIANT", ""},
                                   {"TARGETARCH", "amd64"},
                                   {"TARGETOS", "linux"},
                                   {"TARGETPLATFORM", "linux/amd64"},
                                   {"TARGETVARIANT", ""}}));
  BuildVariables arm = AutomaticPlatformArgs(LinuxPlatformOfMachine("armv7l"));
  EXPECT_EQ(arm["TARGETARCH"], "arm");
  EXPECT_EQ(arm["TARGETVARIANT"], "v7");
  EXPECT_EQ(arm["BUILDPLATFORM"], "linux/arm/v7");
}

TEST(PlatformArgsTest, ThisHostIsALinuxPlatform) {
  BuildPlatform host = HostPlatform();
  EXPECT_EQ(host.os, "linux");
  EXPECT_FALSE(host.arch.empty());
  EXPECT_NE(host.arch, "x86_64") << "Go's name is amd64";
  EXPECT_NE(host.arch, "aarch64") << "Go's name is arm64";
}

}  // namespace
}  // namespace boxcar
