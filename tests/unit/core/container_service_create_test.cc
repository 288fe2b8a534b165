// Create's checks of a container spec, against the state machine with its backend, snapshotter
// and cgroups mocked: defaults from the image, names, restart policies, users, rlimits, limits
// and user namespaces — each refusal before anything is prepared, naming the field.
#include "container_service_fixture.h"

namespace boxcar {
namespace {

TEST_F(ContainerServiceTest, CreateFillsDefaultsFromTheImage) {
  EXPECT_CALL(snapshotter_, Prepare(_, _)).Times(1);
  v1::ContainerSpec spec = Spec("web");
  spec.add_env("MODE=container");
  auto created = service_->Create(spec);
  ASSERT_TRUE(created.ok()) << created.status().message();
  EXPECT_EQ(created->state(), v1::CONTAINER_STATE_CREATED);
  EXPECT_EQ(created->name(), "web");
  EXPECT_EQ(created->backend(), "mock");
  EXPECT_THAT(created->argv(), ElementsAre("/bin/sh", "-c", "true"));
  EXPECT_THAT(created->spec().env(), ElementsAre("PATH=/bin", "MODE=container"));
  EXPECT_EQ(created->spec().hostname(), created->id().substr(0, 12));
  EXPECT_EQ(created->spec().working_dir(), "/");
}

TEST_F(ContainerServiceTest, DuplicateNameIsRefusedBeforeAnythingIsPrepared) {
  EXPECT_CALL(snapshotter_, Prepare(_, _)).Times(1);
  ASSERT_TRUE(service_->Create(Spec("same")).ok());
  auto again = service_->Create(Spec("same"));
  EXPECT_EQ(again.status().code(), StatusCode::kAlreadyExists);
  EXPECT_THAT(again.status().message(), HasSubstr("spec.name"));
  EXPECT_EQ(service_->List(true).size(), 1u);
}

TEST_F(ContainerServiceTest, AutoRemoveAndARestartPolicyContradict) {
  EXPECT_CALL(snapshotter_, Prepare(_, _)).Times(0);
  v1::ContainerSpec spec = Spec();
  spec.set_auto_remove(true);
  spec.mutable_restart_policy()->set_mode(v1::RestartPolicy::MODE_ALWAYS);
  auto created = service_->Create(spec);
  EXPECT_EQ(created.status().code(), StatusCode::kInvalidArgument);
  EXPECT_THAT(created.status().message(), HasSubstr("spec.auto_remove: "));
  EXPECT_EQ(service_->List(true).size(), 0u);
}

// (uid_t)-1 would leave setresuid's ids as they were (root), 4294967296 would wrap to 0.
TEST_F(ContainerServiceTest, UserIdsPastTheRangeAreRefusedNamingTheField) {
  EXPECT_CALL(snapshotter_, Prepare(_, _)).Times(0);
  for (const char* user :
       {"4294967295", "4294967296", "0:4294967295", "99999999999", "a:b:c", ":0", "app\nroot"}) {
    v1::ContainerSpec spec = Spec();
    spec.set_user(user);
    auto created = service_->Create(spec);
    EXPECT_EQ(created.status().code(), StatusCode::kInvalidArgument) << user;
    EXPECT_THAT(created.status().message(), HasSubstr("spec.user: ")) << user;
  }
  EXPECT_EQ(service_->List(true).size(), 0u);
}

TEST_F(ContainerServiceTest, RlimitsAreCheckedOneByOneNamingTheirIndex) {
  EXPECT_CALL(snapshotter_, Prepare(_, _)).Times(0);
  auto refusal = [&](std::vector<std::tuple<std::string, uint64_t, uint64_t>> limits) {
    v1::ContainerSpec spec = Spec();
    for (const auto& [name, soft, hard] : limits) {
      v1::Rlimit* rlimit = spec.add_rlimits();
      rlimit->set_name(name);
      rlimit->set_soft(soft);
      rlimit->set_hard(hard);
    }
    auto created = service_->Create(spec);
    EXPECT_EQ(created.status().code(), StatusCode::kInvalidArgument);
    return std::string(created.status().message());
  };
  EXPECT_THAT(refusal({{"core", 0, 0}, {"nofiles", 1, 1}}),
              HasSubstr("spec.rlimits[1].name: unknown rlimit 'nofiles'"));
  EXPECT_THAT(refusal({{"nofile", 64, 64}, {"nofile", 128, 128}}),
              HasSubstr("spec.rlimits[1].name: 'nofile' is given by spec.rlimits[0] too"));
  EXPECT_THAT(refusal({{"nproc", 10, 5}}), HasSubstr("spec.rlimits[0].soft: "));
  // More open files than the host allows any process: refused here, not at start.
  EXPECT_THAT(refusal({{"nofile", 1024, uint64_t{1} << 40}}),
              HasSubstr("spec.rlimits[0].hard: 1099511627776 open files is past this host's "
                        "fs.nr_open"));
  EXPECT_EQ(service_->List(true).size(), 0u);
}

TEST_F(ContainerServiceTest, LimitsOnABackendWithoutThemAreUnimplemented) {
  backend_->capabilities_.limits = false;
  v1::ContainerSpec spec = Spec();
  spec.mutable_limits()->set_memory_bytes(64 << 20);
  auto created = service_->Create(spec);
  EXPECT_EQ(created.status().code(), StatusCode::kUnimplemented);
  EXPECT_THAT(created.status().message(), HasSubstr("mock"));
}

TEST_F(ContainerServiceTest, UserNamespacesNeedTheCapabilityAndARange) {
  v1::ContainerSpec spec = Spec();
  spec.mutable_userns();
  auto unsupported = service_->Create(spec);
  EXPECT_EQ(unsupported.status().code(), StatusCode::kUnimplemented);
  EXPECT_THAT(unsupported.status().message(), HasSubstr("backend 'mock'"));
  backend_->capabilities_.userns = true;
  auto no_range = service_->Create(spec);
  EXPECT_EQ(no_range.status().code(), StatusCode::kFailedPrecondition);
  EXPECT_THAT(no_range.status().message(), HasSubstr("--userns-range"));
  spec.mutable_userns()->set_host_uid(5);
  NewService({100000, 200000});
  backend_->capabilities_.userns = true;
  auto half = service_->Create(spec);
  EXPECT_EQ(half.status().code(), StatusCode::kInvalidArgument) << "host_gid missing";
}

TEST_F(ContainerServiceTest, UserNamespaceBlocksDoNotOverlapAndReachTheSnapshotAndLaunch) {
  NewService({100000, 3 * 65536});
  backend_->capabilities_.userns = true;
  v1::ContainerSpec spec = Spec();
  spec.mutable_userns();
  EXPECT_CALL(snapshotter_, Prepare(_, _))
      .Times(3)
      .WillRepeatedly(Invoke([](const std::string&, const IdMapping& ids) {
        EXPECT_TRUE(ids.enabled());
        return OkStatus();
      }));
  auto first = service_->Create(spec);
  ASSERT_TRUE(first.ok()) << first.status().message();
  EXPECT_EQ(first->spec().userns().host_uid(), 100000u);
  EXPECT_EQ(first->spec().userns().host_gid(), 100000u);
  EXPECT_EQ(first->spec().userns().size(), 65536u);
  v1::ContainerSpec small = spec;
  small.mutable_userns()->set_size(10);
  auto second = service_->Create(small);
  ASSERT_TRUE(second.ok());
  EXPECT_EQ(second->spec().userns().host_uid(), 100000u + 65536);
  auto third = service_->Create(spec);
  ASSERT_TRUE(third.ok()) << "the block after the small one";
  EXPECT_EQ(third->spec().userns().host_uid(), 100000u + 65536 + 10);
  EXPECT_EQ(service_->Create(spec).status().code(), StatusCode::kResourceExhausted);
  ASSERT_TRUE(service_->Remove(first->id(), false).ok());
  v1::ContainerSpec pinned = Spec();
  pinned.mutable_userns()->set_host_uid(100000 + 65536 + 5);
  pinned.mutable_userns()->set_host_gid(100000);
  pinned.mutable_userns()->set_size(3);
  EXPECT_EQ(service_->Create(pinned).status().code(), StatusCode::kAlreadyExists);

  EXPECT_CALL(snapshotter_, Mount(third->id(), _, _))
      .WillOnce(
          Invoke([](const std::string&, const std::vector<std::string>&, const IdMapping& ids) {
            EXPECT_EQ(ids.host_uid, 100000u + 65546);
            EXPECT_EQ(ids.size, 65536u);
            return StatusOr<std::string>(std::string("/rootfs"));
          }));
  pid_t sleeper = 0;
  EXPECT_CALL(*backend_, Launch(_, _, _))
      .WillOnce(Invoke([&](const LaunchSpec& launch, const std::string&, int*) {
        EXPECT_EQ(launch.userns.host_uid, 100000u + 65546);
        EXPECT_EQ(launch.userns.host_gid, 100000u + 65546);
        EXPECT_EQ(launch.userns.size, 65536u);
        RunningContainer running;
        running.shim_pid = running.init_pid = sleeper = SpawnSleeper("30");
        return StatusOr<RunningContainer>(running);
      }));
  ASSERT_TRUE(service_->Start(third->id()).ok());
  ::kill(sleeper, SIGKILL);
  EXPECT_TRUE(service_->Wait(third->id(), nullptr).ok());
}

}  // namespace
}  // namespace boxcar
