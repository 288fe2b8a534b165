// The instance's VIFs: attached before the first start, plugged and unplugged idempotently,
// attach_interface / detach_interface as single agent calls, and what cannot be plugged.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "container_instances_fixture.h"

namespace boxcar::nova {
namespace {

using ::testing::_;
using ::testing::HasSubstr;
using ::testing::InSequence;
using ::testing::Return;

VifRequest BridgeVif(const std::string& port_id, const std::string& mac) {
  VifRequest vif;
  vif.id = port_id;
  vif.type = "bridge";
  vif.mac_address = mac;
  vif.bridge = "brq1234567890";
  vif.mtu = 1450;
  vif.addresses = {"10.0.0.5/24", "2001:db8::5/64"};
  vif.gateway_v4 = "10.0.0.1";
  vif.create_bridge = true;
  return vif;
}

v1::AttachInterfaceResponse Attached() { return v1::AttachInterfaceResponse(); }

v1::Container WithInterfaces(v1::ContainerState state, std::vector<std::string> host_ends) {
  v1::Container container = ContainerIn(state);
  for (const auto& name : host_ends) container.add_interfaces()->set_host_interface(name);
  return container;
}

class InstanceInterfacesTest : public ContainerInstancesTest {};

TEST_F(InstanceInterfacesTest, SpawnAttachesEveryVifInOrderBeforeTheStart) {
  InstanceRequest instance = Instance();
  instance.vifs = {BridgeVif("aaaaaaaa-1111-2222", "fa:16:3e:00:00:01"),
                   BridgeVif("bbbbbbbb-1111-2222", "fa:16:3e:00:00:02")};
  std::vector<v1::VifSpec> attached;
  v1::ContainerSpec spec;
  EXPECT_CALL(agent_, Info()).WillOnce(Return(info_));
  ExpectNoLeftover();
  {
    InSequence order;
    EXPECT_CALL(agent_, Create(_)).WillOnce([&](const v1::ContainerSpec& given) {
      spec = given;
      return ContainerIn(v1::CONTAINER_STATE_CREATED, kUuid);
    });
    EXPECT_CALL(agent_, AttachInterface(kName, _))
        .Times(2)
        .WillRepeatedly([&](const std::string&, const v1::VifSpec& vif) {
          attached.push_back(vif);
          return Attached();
        });
    EXPECT_CALL(agent_, Start(kName)).WillOnce(Return(ContainerIn(v1::CONTAINER_STATE_RUNNING)));
  }
  auto state = Instances().Spawn(instance, Image(), "sha256:abc");
  ASSERT_TRUE(state.ok()) << state.status().message();
  EXPECT_EQ(spec.network().mode(), "none") << "never the agent's default network";
  ASSERT_EQ(attached.size(), 2u);
  EXPECT_EQ(attached[0].host_interface(), "tapaaaaaaaa-11");
  EXPECT_EQ(attached[0].name(), "eth0");
  EXPECT_EQ(attached[0].bridge(), "brq1234567890");
  EXPECT_TRUE(attached[0].create_bridge());
  EXPECT_EQ(attached[0].mac(), "fa:16:3e:00:00:01");
  EXPECT_EQ(attached[0].mtu(), 1450u);
  ASSERT_EQ(attached[0].addresses_size(), 1) << "IPv4 only";
  EXPECT_EQ(attached[0].addresses(0), "10.0.0.5/24");
  EXPECT_EQ(attached[0].gateway(), "10.0.0.1");
  EXPECT_EQ(attached[1].name(), "eth1");
  EXPECT_EQ(attached[1].host_interface(), "tapbbbbbbbb-11");
}

TEST_F(InstanceInterfacesTest, AVifTheAgentRefusesRemovesTheContainer) {
  InstanceRequest instance = Instance();
  instance.vifs = {BridgeVif("aaaaaaaa-1111-2222", "fa:16:3e:00:00:01")};
  EXPECT_CALL(agent_, Info()).WillOnce(Return(info_));
  ExpectNoLeftover();
  EXPECT_CALL(agent_, Create(_)).WillOnce(Return(ContainerIn(v1::CONTAINER_STATE_CREATED)));
  EXPECT_CALL(agent_, AttachInterface(kName, _))
      .WillOnce(Return(FailedPrecondition("interface.bridge: no bridge 'brq1234567890'")));
  EXPECT_CALL(agent_, Start(_)).Times(0);
  EXPECT_CALL(agent_, Remove(kName, true)).WillOnce(Return(OkStatus()));
  auto state = Instances().Spawn(instance, Image(), "sha256:abc");
  EXPECT_EQ(state.status().code(), StatusCode::kFailedPrecondition);
  EXPECT_THAT(state.status().message(), HasSubstr("attach port aaaaaaaa-1111-2222"));
  EXPECT_THAT(state.status().message(), HasSubstr("interface.bridge"));
}

TEST_F(InstanceInterfacesTest, UnpluggableVifsFailTheBootUnlessAllowed) {
  InstanceRequest instance = Instance();
  VifRequest ovs = BridgeVif("cccccccc-1111", "fa:16:3e:00:00:03");
  ovs.type = "ovs";
  instance.vifs = {ovs};
  EXPECT_CALL(agent_, Create(_)).Times(0);
  auto refused = Instances().Spawn(instance, Image(), "sha256:abc");
  EXPECT_EQ(refused.status().code(), StatusCode::kInvalidArgument);
  EXPECT_THAT(refused.status().message(), HasSubstr("vif_type 'ovs'"));
  EXPECT_THAT(refused.status().message(), HasSubstr("allow_unplugged_vifs"));

  options_.allow_unplugged_vifs = true;
  EXPECT_CALL(agent_, Info()).WillOnce(Return(info_));
  ExpectNoLeftover();
  EXPECT_CALL(agent_, Create(_)).WillOnce(Return(ContainerIn(v1::CONTAINER_STATE_CREATED)));
  EXPECT_CALL(agent_, AttachInterface(_, _)).Times(0);
  EXPECT_CALL(agent_, Start(kName)).WillOnce(Return(ContainerIn(v1::CONTAINER_STATE_RUNNING)));
  EXPECT_TRUE(Instances().Spawn(instance, Image(), "sha256:abc").ok());
}

TEST_F(InstanceInterfacesTest, PlugAndUnplugAreIdempotent) {
  const VifRequest first = BridgeVif("aaaaaaaa-1111-2222", "fa:16:3e:00:00:01");
  const VifRequest second = BridgeVif("bbbbbbbb-1111-2222", "fa:16:3e:00:00:02");
  const std::string id(64, 'c');
  EXPECT_CALL(agent_, Inspect(kName))
      .WillOnce(Return(WithInterfaces(v1::CONTAINER_STATE_RUNNING, {"tapaaaaaaaa-11"})))
      .WillOnce(Return(WithInterfaces(v1::CONTAINER_STATE_RUNNING, {"tapbbbbbbbb-11"})))
      .WillOnce(Return(NotFound("no container")));
  EXPECT_CALL(agent_, AttachInterface(id, _)).WillOnce([](const std::string&, const v1::VifSpec& vif) {
    EXPECT_EQ(vif.host_interface(), "tapbbbbbbbb-11");
    EXPECT_EQ(vif.name(), "") << "the agent picks the name of a hot-plugged one";
    return Attached();
  });
  EXPECT_CALL(agent_, DetachInterface(id, "tapbbbbbbbb-11")).WillOnce(Return(OkStatus()));
  EXPECT_TRUE(Instances().PlugInterfaces(kUuid, {first, second}).ok());
  EXPECT_TRUE(Instances().UnplugInterfaces(kUuid, {first, second}).ok());
  EXPECT_TRUE(Instances().UnplugInterfaces(kUuid, {first}).ok()) << "the container is gone";
  EXPECT_TRUE(Instances().PlugInterfaces(kUuid, {}).ok());
}

TEST_F(InstanceInterfacesTest, AttachAndDetachOneInterface) {
  const VifRequest vif = BridgeVif("aaaaaaaa-1111-2222", "fa:16:3e:00:00:01");
  const std::string id(64, 'c');
  EXPECT_CALL(agent_, Inspect(kName))
      .WillOnce(Return(WithInterfaces(v1::CONTAINER_STATE_RUNNING, {})))
      .WillOnce(Return(WithInterfaces(v1::CONTAINER_STATE_RUNNING, {"tapaaaaaaaa-11"})))
      .WillOnce(Return(WithInterfaces(v1::CONTAINER_STATE_RUNNING, {"tapaaaaaaaa-11"})))
      .WillOnce(Return(WithInterfaces(v1::CONTAINER_STATE_RUNNING, {})));
  EXPECT_CALL(agent_, AttachInterface(id, _)).WillOnce(Return(Attached()));
  EXPECT_CALL(agent_, DetachInterface(id, "tapaaaaaaaa-11")).WillOnce(Return(OkStatus()));
  EXPECT_TRUE(Instances().AttachInterface(kUuid, vif).ok());
  EXPECT_EQ(Instances().AttachInterface(kUuid, vif).code(), StatusCode::kAlreadyExists);
  EXPECT_TRUE(Instances().DetachInterface(kUuid, vif).ok());
  EXPECT_EQ(Instances().DetachInterface(kUuid, vif).code(), StatusCode::kNotFound);
}

}  // namespace
}  // namespace boxcar::nova
