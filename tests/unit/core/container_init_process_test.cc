#include "core/container_init_process.h"

#include <gtest/gtest.h>
#include <stdlib.h>
#include <unistd.h>

namespace boxcar {
namespace {

TEST(ContainerInitProcessTest, TheInitRunsThePayloadAfterDashDash) {
  LaunchSpec spec;
  spec.argv = {"sh", "-c", "sleep 1"};
  spec.mounts.push_back({LaunchMount::Kind::kTmpfs, "", "/sbin"});
  AddInitProcess("/usr/bin/tini-static", &spec);
  EXPECT_EQ(spec.argv,
            (std::vector<std::string>{"/sbin/docker-init", "--", "sh", "-c", "sleep 1"}));
  ASSERT_EQ(spec.mounts.size(), 2u);
  EXPECT_EQ(spec.mounts[1].source, "/usr/bin/tini-static");
  EXPECT_EQ(spec.mounts[1].target, "/sbin/docker-init");
  EXPECT_TRUE(spec.mounts[1].read_only);
  EXPECT_EQ(spec.mounts[1].kind, LaunchMount::Kind::kBind) << "after the tmpfs on /sbin";
}

TEST(ContainerInitProcessTest, AMissingBinaryNamesThePackage) {
  Status missing = CheckInitBinary("/nonexistent/tini", "spec.init");
  EXPECT_EQ(missing.code(), StatusCode::kFailedPrecondition);
  EXPECT_NE(missing.message().find("spec.init: the init binary '/nonexistent/tini'"),
            std::string::npos)
      << missing.message();
  EXPECT_NE(missing.message().find("apt-get install tini"), std::string::npos);
  EXPECT_EQ(CheckInitBinary("/etc", "spec.init").code(), StatusCode::kFailedPrecondition);
  char plain[] = "/tmp/boxcar-init-XXXXXX";
  int fd = ::mkstemp(plain);  // mode 0600: not executable, even for root
  ASSERT_GE(fd, 0);
  ::close(fd);
  EXPECT_EQ(CheckInitBinary(plain, "spec.init").code(), StatusCode::kFailedPrecondition)
      << "not executable";
  ::unlink(plain);
  EXPECT_TRUE(CheckInitBinary("/bin/true", "spec.init").ok());
}

}  // namespace
}  // namespace boxcar
