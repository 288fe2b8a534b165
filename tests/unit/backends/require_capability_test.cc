#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "backends/backend.h"

namespace boxcar {
namespace {

using ::testing::HasSubstr;

class FixedBackend : public Backend {
 public:
  FixedBackend(std::string name, BackendCapabilities capabilities)
      : name_(std::move(name)), capabilities_(capabilities) {}
  const std::string& name() const override { return name_; }
  BackendCapabilities capabilities() const override { return capabilities_; }
  Status CheckAvailable() const override { return OkStatus(); }
  StatusOr<RunningContainer> Launch(const LaunchSpec&, const std::string&, int*) override {
    return Unimplemented("not in this test");
  }
  Status Signal(const RunningContainer&, int) override { return OkStatus(); }

 private:
  std::string name_;
  BackendCapabilities capabilities_;
};

BackendMap Backends() {
  BackendCapabilities limited;
  limited.limits = true;
  limited.exec = true;
  BackendMap backends;
  backends.emplace("limited", std::make_unique<FixedBackend>("limited", limited));
  return backends;
}

TEST(RequireCapabilityTest, ABackendWithTheCapabilityIsReturned) {
  BackendMap backends = Backends();
  auto backend = RequireCapability(backends, "limited", Capability::kLimits, "spec.limits");
  ASSERT_TRUE(backend.ok());
  EXPECT_EQ((*backend)->name(), "limited");
  EXPECT_TRUE(RequireCapability(backends, "limited", std::nullopt, "backend").ok());
}

TEST(RequireCapabilityTest, AMissingCapabilityIsUnimplementedNamingFieldAndBackend) {
  BackendMap backends = Backends();
  auto paused = RequireCapability(backends, "limited", Capability::kPause, "pause");
  EXPECT_EQ(paused.status().code(), StatusCode::kUnimplemented);
  EXPECT_EQ(paused.status().message(), "pause: backend 'limited' cannot pause containers");
  EXPECT_THAT(RequireCapability(backends, "limited", Capability::kUserns, "spec.userns")
                  .status()
                  .message(),
              HasSubstr("spec.userns: backend 'limited' does not support user namespaces"));
  EXPECT_THAT(RequireCapability(backends, "limited", Capability::kTerminal, "spec.tty")
                  .status()
                  .message(),
              HasSubstr("spec.tty: backend 'limited' cannot give containers a terminal"));
}

TEST(RequireCapabilityTest, ASpecFieldNamesTheBackendsThatHaveTheCapability) {
  BackendMap backends = Backends();
  BackendCapabilities full;
  full.userns = true;
  full.pause = true;
  backends.emplace("chroot", std::make_unique<FixedBackend>("chroot", full));
  backends.emplace("lxc", std::make_unique<FixedBackend>("lxc", full));
  EXPECT_EQ(
      RequireCapability(backends, "limited", Capability::kUserns, "spec.userns").status().message(),
      "spec.userns: backend 'limited' does not support user namespaces; use a backend that does "
      "(--backend): chroot, lxc");
  // A call on an existing container cannot change its backend: no hint.
  EXPECT_EQ(RequireCapability(backends, "limited", Capability::kPause, "pause").status().message(),
            "pause: backend 'limited' cannot pause containers");
}

TEST(RequireCapabilityTest, ABackendTheAgentLacksIsAFailedPrecondition) {
  BackendMap backends = Backends();
  auto missing = RequireCapability(backends, "libvirt", Capability::kExec, "exec");
  EXPECT_EQ(missing.status().code(), StatusCode::kFailedPrecondition);
  EXPECT_THAT(missing.status().message(),
              HasSubstr("exec: backend 'libvirt' is not configured in this agent"));
}

}  // namespace
}  // namespace boxcar
