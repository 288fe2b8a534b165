#include "core/container_security_options.h"

#include <gtest/gtest.h>

#include "core/container_capabilities.h"

namespace boxcar {
namespace {

v1::ContainerSpec SpecWith(std::initializer_list<std::string> options) {
  v1::ContainerSpec spec;
  for (const auto& option : options) spec.add_security_opt(option);
  return spec;
}

TEST(ContainerSecurityOptionsTest, DefaultIsDockersNoNoNewPrivsAndTheDefaultFilter) {
  auto confinement = ConfinementOf(v1::ContainerSpec());
  ASSERT_TRUE(confinement.ok());
  EXPECT_EQ(*confinement, ProcessConfinement{});
  EXPECT_FALSE(confinement->no_new_privileges);
}

TEST(ContainerSecurityOptionsTest, ReadsNoNewPrivilegesAndSeccomp) {
  EXPECT_TRUE(ConfinementOf(SpecWith({"no-new-privileges"}))->no_new_privileges);
  EXPECT_TRUE(ConfinementOf(SpecWith({"no-new-privileges=true"}))->no_new_privileges);
  EXPECT_TRUE(ConfinementOf(SpecWith({"no-new-privileges:true"}))->no_new_privileges);
  EXPECT_FALSE(
      ConfinementOf(SpecWith({"no-new-privileges", "no-new-privileges=false"}))->no_new_privileges);
  EXPECT_TRUE(ConfinementOf(SpecWith({"seccomp=unconfined"}))->seccomp_unconfined);
  EXPECT_EQ(*ConfinementOf(SpecWith({"seccomp=unconfined", "seccomp=builtin"})),
            ProcessConfinement{});
  const std::string profile = R"({"defaultAction": "SCMP_ACT_ALLOW"})";
  auto with_profile = ConfinementOf(SpecWith({"label=disable", "seccomp=" + profile}));
  ASSERT_TRUE(with_profile.ok());
  EXPECT_EQ(with_profile->seccomp_profile_json, profile);
  EXPECT_EQ(SeccompProfileOptionIndex(SpecWith({"label=disable", "seccomp=" + profile})), 1);
  EXPECT_EQ(SeccompProfileOptionIndex(SpecWith({"seccomp=unconfined"})), -1);
}

TEST(ContainerSecurityOptionsTest, DisablingPoliciesBoxcarLacksIsANoOp) {
  auto confinement =
      ConfinementOf(SpecWith({"label=disable", "label:disable", "apparmor=unconfined"}));
  ASSERT_TRUE(confinement.ok()) << confinement.status().message();
  EXPECT_EQ(*confinement, ProcessConfinement{});
}

TEST(ContainerSecurityOptionsTest, RefusesWhatItCannotHonourNamingTheField) {
  const std::pair<std::string, std::string> cases[] = {
      {"apparmor=docker-default", "spec.security_opt[1]: 'apparmor=docker-default' needs a policy"},
      {"label=level:s0:c100", "spec.security_opt[1]: 'label=level:s0:c100' needs a policy"},
      {"seccomp=/etc/profile.json", "spec.security_opt[1]: seccomp profile: not a JSON object"},
      {"seccomp=", "spec.security_opt[1]: seccomp takes unconfined, builtin"},
      {"no-new-privileges=yes", "spec.security_opt[1]: no-new-privileges takes true or false"},
      {"systempaths=unconfined", "spec.security_opt[1]: unknown security option"},
      {"seccomp={\"defaultAction\": \"SCMP_ACT_NOPE\"}",
       "spec.security_opt[1]: seccomp profile: defaultAction: unknown action 'SCMP_ACT_NOPE'"},
  };
  for (const auto& [option, message] : cases) {
    v1::ContainerSpec spec = SpecWith({"no-new-privileges", option});
    Status status = ValidateSecurityOptions(spec, *KeptCapabilitiesOf(spec));
    EXPECT_EQ(status.code(), StatusCode::kInvalidArgument) << option;
    EXPECT_NE(status.message().find(message), std::string::npos) << status.message();
  }
}

TEST(ContainerSecurityOptionsTest, PrivilegedHasNoFilterEveryCapabilityAndNoUserNamespace) {
  v1::ContainerSpec spec = SpecWith({"seccomp={\"defaultAction\": \"SCMP_ACT_ALLOW\"}"});
  spec.set_privileged(true);
  spec.add_cap_drop("ALL");
  auto confinement = ConfinementOf(spec);
  ASSERT_TRUE(confinement.ok());
  EXPECT_TRUE(confinement->seccomp_unconfined);
  EXPECT_EQ(confinement->seccomp_profile_json, "");
  EXPECT_EQ(SeccompProfileOptionIndex(spec), -1);
  auto kept = KeptCapabilitiesOf(spec);
  ASSERT_TRUE(kept.ok());
  EXPECT_EQ(*kept & kDefaultKeptCapabilities, kDefaultKeptCapabilities);
  EXPECT_NE(*kept & (uint64_t{1} << 21), 0u) << "CAP_SYS_ADMIN";
  EXPECT_TRUE(ValidateSecurityOptions(spec, *kept).ok())
      << ValidateSecurityOptions(spec, *kept).message();
  spec.mutable_userns();
  Status userns = ValidateSecurityOptions(spec, *kept);
  EXPECT_EQ(userns.code(), StatusCode::kInvalidArgument);
  EXPECT_NE(userns.message().find("spec.privileged"), std::string::npos) << userns.message();
}

}  // namespace
}  // namespace boxcar
