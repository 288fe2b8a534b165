#include "core/container_namespace_modes.h"

#include <gtest/gtest.h>

namespace boxcar {
namespace {

v1::ContainerSpec OnNetworkOf(const std::string& other) {
  v1::ContainerSpec spec;
  spec.mutable_network()->set_mode("container:" + other);
  return spec;
}

void ExpectRefused(const v1::ContainerSpec& spec, const std::string& field) {
  Status status = ValidateNamespaceModes(spec);
  EXPECT_EQ(status.code(), StatusCode::kInvalidArgument) << field;
  EXPECT_EQ(status.message().rfind(field, 0), 0u) << status.message();
}

TEST(ContainerNamespaceModesTest, DockersModesAreAccepted) {
  v1::ContainerSpec spec = OnNetworkOf("web");
  spec.set_pid_mode("container:web");
  spec.set_ipc_mode("container:0123abcd");
  EXPECT_TRUE(ValidateNamespaceModes(spec).ok());
  for (const char* ipc : {"", "private", "shareable", "host"}) {
    v1::ContainerSpec other;
    other.set_ipc_mode(ipc);
    other.set_pid_mode("host");
    other.set_uts_mode("host");
    EXPECT_TRUE(ValidateNamespaceModes(other).ok()) << ipc;
  }
  EXPECT_EQ(ContainerOfMode("container:web"), "web");
  EXPECT_EQ(ContainerOfMode("web"), "");
  EXPECT_EQ(ContainerOfMode("host"), "");
}

TEST(ContainerNamespaceModesTest, UnknownModesAreRefusedNamingTheField) {
  v1::ContainerSpec spec;
  spec.set_pid_mode("private");
  ExpectRefused(spec, "spec.pid_mode");
  spec.Clear();
  spec.set_ipc_mode("none");
  ExpectRefused(spec, "spec.ipc_mode");
  spec.Clear();
  spec.set_uts_mode("container:x");
  ExpectRefused(spec, "spec.uts_mode");
  ExpectRefused(OnNetworkOf(""), "spec.network.mode");
}

TEST(ContainerNamespaceModesTest, NetworkFieldsCannotApplyOnAnotherContainersNetwork) {
  struct Case {
    void (*set)(v1::ContainerSpec*);
    const char* field;
  } cases[] = {
      {[](v1::ContainerSpec* s) { s->mutable_network()->add_ports()->set_container_port(80); },
       "spec.network.ports"},
      {[](v1::ContainerSpec* s) { s->mutable_network()->set_publish_all(true); },
       "spec.network.publish_all"},
      {[](v1::ContainerSpec* s) { s->mutable_network()->set_ip("10.0.0.2"); }, "spec.network.ip"},
      {[](v1::ContainerSpec* s) { s->mutable_network()->set_mac("02:00:00:00:00:01"); },
       "spec.network.mac"},
      {[](v1::ContainerSpec* s) { s->mutable_network()->add_dns("1.1.1.1"); }, "spec.network.dns"},
      {[](v1::ContainerSpec* s) { s->mutable_network()->add_dns_search("x"); },
       "spec.network.dns_search"},
      {[](v1::ContainerSpec* s) { s->mutable_network()->add_dns_options("ndots:1"); },
       "spec.network.dns_options"},
      {[](v1::ContainerSpec* s) { s->mutable_network()->add_extra_hosts("a:1.2.3.4"); },
       "spec.network.extra_hosts"},
      {[](v1::ContainerSpec* s) { s->mutable_network()->add_aliases("a"); },
       "spec.network.aliases"},
      {[](v1::ContainerSpec* s) { s->set_hostname("h"); }, "spec.hostname"},
      {[](v1::ContainerSpec* s) { (*s->mutable_sysctls())["net.ipv4.ip_forward"] = "1"; },
       "spec.sysctls[net.ipv4.ip_forward]"},
      {[](v1::ContainerSpec* s) { s->mutable_userns(); }, "spec.userns"},
  };
  for (const Case& bad : cases) {
    v1::ContainerSpec spec = OnNetworkOf("web");
    bad.set(&spec);
    ExpectRefused(spec, bad.field);
  }
}

TEST(ContainerNamespaceModesTest, SharedIpcAndUtsRefuseWhatWouldChangeTheOthers) {
  v1::ContainerSpec spec;
  spec.set_ipc_mode("host");
  (*spec.mutable_sysctls())["kernel.shmmax"] = "1000";
  ExpectRefused(spec, "spec.sysctls[kernel.shmmax]");
  spec.set_ipc_mode("shareable");
  EXPECT_TRUE(ValidateNamespaceModes(spec).ok()) << "its own namespace";
  spec.Clear();
  spec.set_uts_mode("host");
  spec.set_hostname("h");
  ExpectRefused(spec, "spec.hostname");
  spec.Clear();
  spec.set_pid_mode("host");
  spec.mutable_userns();
  ExpectRefused(spec, "spec.pid_mode");
}

TEST(ContainerNamespaceModesTest, SharingFieldsNeedTheCapabilityPrivateIpcDoesNot) {
  v1::ContainerSpec spec;
  EXPECT_EQ(FirstSharingField(spec), "");
  spec.set_ipc_mode("shareable");
  EXPECT_EQ(FirstSharingField(spec), "");
  spec.mutable_network()->set_mode("host");
  EXPECT_EQ(FirstSharingField(spec), "") << "--network host is older than the capability";
  spec.set_uts_mode("host");
  EXPECT_EQ(FirstSharingField(spec), "spec.uts_mode");
  spec.set_pid_mode("container:a");
  EXPECT_EQ(FirstSharingField(spec), "spec.pid_mode");
  EXPECT_EQ(ContainerModesOf(spec).size(), 1u);
}

}  // namespace
}  // namespace boxcar
