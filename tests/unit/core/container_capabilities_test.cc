#include "core/container_capabilities.h"

#include <gtest/gtest.h>
#include <linux/capability.h>

#include "launch/launch_spec.h"

namespace boxcar {
namespace {

uint64_t Bit(int capability) { return uint64_t{1} << capability; }

v1::ContainerSpec Spec(std::vector<std::string> add, std::vector<std::string> drop) {
  v1::ContainerSpec spec;
  for (const auto& name : add) spec.add_cap_add(name);
  for (const auto& name : drop) spec.add_cap_drop(name);
  return spec;
}

TEST(ContainerCapabilitiesTest, NoneGivenIsTheDefaultSet) {
  EXPECT_EQ(*KeptCapabilitiesOf(Spec({}, {})), kDefaultKeptCapabilities);
}

TEST(ContainerCapabilitiesTest, DockerSpellingsOfOneCapability) {
  for (const char* name : {"NET_ADMIN", "CAP_NET_ADMIN", "net_admin", "cap_Net_Admin"}) {
    auto kept = KeptCapabilitiesOf(Spec({name}, {}));
    ASSERT_TRUE(kept.ok()) << name << ": " << kept.status().message();
    EXPECT_EQ(*kept, kDefaultKeptCapabilities | Bit(CAP_NET_ADMIN)) << name;
  }
}

TEST(ContainerCapabilitiesTest, DropsApplyFirstThenAdds) {
  EXPECT_EQ(*KeptCapabilitiesOf(Spec({}, {"NET_RAW", "MKNOD"})),
            kDefaultKeptCapabilities & ~Bit(CAP_NET_RAW));
  // In both lists: kept, as Docker's TweakCapabilities does.
  EXPECT_EQ(*KeptCapabilitiesOf(Spec({"CHOWN"}, {"CHOWN"})), kDefaultKeptCapabilities);
  EXPECT_EQ(*KeptCapabilitiesOf(Spec({"CHOWN", "SYS_ADMIN"}, {"ALL"})),
            Bit(CAP_CHOWN) | Bit(CAP_SYS_ADMIN));
  EXPECT_EQ(*KeptCapabilitiesOf(Spec({}, {"all"})), 0u);
  auto everything_but_admin = KeptCapabilitiesOf(Spec({"ALL"}, {"SYS_ADMIN"}));
  ASSERT_TRUE(everything_but_admin.ok());
  EXPECT_EQ(*everything_but_admin & Bit(CAP_SYS_ADMIN), 0u);
  EXPECT_NE(*everything_but_admin & Bit(CAP_SYS_MODULE), 0u);
  EXPECT_NE(*everything_but_admin & Bit(CAP_MKNOD), 0u);
}

TEST(ContainerCapabilitiesTest, UnknownNamesAreRefusedNamingTheField) {
  auto added = KeptCapabilitiesOf(Spec({"CHOWN", "NET_ADMN"}, {}));
  EXPECT_EQ(added.status().code(), StatusCode::kInvalidArgument);
  EXPECT_NE(added.status().message().find("spec.cap_add[1]: unknown capability 'NET_ADMN'"),
            std::string::npos)
      << added.status().message();
  for (const char* name : {"12", "", "CAP_", "cap_999", "SYS-ADMIN"}) {
    auto dropped = KeptCapabilitiesOf(Spec({}, {name}));
    EXPECT_EQ(dropped.status().code(), StatusCode::kInvalidArgument) << name;
    EXPECT_NE(dropped.status().message().find("spec.cap_drop[0]"), std::string::npos) << name;
  }
}

}  // namespace
}  // namespace boxcar
