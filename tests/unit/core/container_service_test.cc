// The container state machine with the backend, the snapshotter and the cgroups mocked; the
// image store and the SQLite records are real, in a temporary directory: start, exits,
// removal, kill and stop, recovery, lookup, pause, commit, update and restart policies.
#include "container_service_fixture.h"

namespace boxcar {
namespace {

TEST_F(ContainerServiceTest, StartMountsCreatesCgroupsAndLaunches) {
  v1::ContainerSpec spec = Spec("job");
  spec.mutable_limits()->set_memory_bytes(32 << 20);
  spec.mutable_limits()->set_pids_max(10);
  spec.add_command("echo");
  spec.add_command("hi");
  auto created = service_->Create(spec);
  ASSERT_TRUE(created.ok());
  EXPECT_CALL(snapshotter_, Mount(created->id(), ElementsAre(HasSubstr("/layers/")), _));
  EXPECT_CALL(cgroups_, Create(created->id(), _))
      .WillOnce(Invoke([](const std::string&, const ContainerLimits& limits) {
        EXPECT_EQ(limits.memory_bytes, 32u << 20);
        EXPECT_EQ(limits.pids_max, 10u);
        // Every container's device cgroup: Docker's defaults, nothing more without --device.
        EXPECT_EQ(limits.device_rules.size(), DefaultDeviceRules().size());
        return StatusOr<CgroupPlacement>(CgroupPlacement{"/cg/unified", {"/cg/a/cgroup.procs"}});
      }));
  EXPECT_CALL(*backend_, Launch(_, _, _))
      .WillOnce(Invoke([&](const LaunchSpec& launch, const std::string& state_dir, int*) {
        EXPECT_THAT(launch.argv, ElementsAre("/bin/sh", "echo", "hi"));
        EXPECT_EQ(launch.rootfs_dir, "/rootfs");
        EXPECT_THAT(launch.cgroup_procs_files, ElementsAre("/cg/a/cgroup.procs"));
        EXPECT_EQ(launch.cgroup_clone_into_dir, "/cg/unified");
        EXPECT_EQ(state_dir, root_ + "/containers/" + created->id());
        RunningContainer running;
        running.shim_pid = running.init_pid = SpawnSleeper("30");
        return StatusOr<RunningContainer>(running);
      }));
  auto started = service_->Start("job");
  ASSERT_TRUE(started.ok()) << started.status().message();
  EXPECT_EQ(started->state(), v1::CONTAINER_STATE_RUNNING);
  EXPECT_GT(started->pid(), 0);
  // Started again while it runs: nothing happens, and no error (as Docker's start).
  auto again = service_->Start("job");
  ASSERT_TRUE(again.ok()) << again.status().message();
  EXPECT_EQ(again->pid(), started->pid());
  ::kill(started->pid(), SIGKILL);
  auto waited = service_->Wait("job", nullptr);
  ASSERT_TRUE(waited.ok());
}

TEST_F(ContainerServiceTest, FailedLaunchUndoesMountAndCgroups) {
  auto created = service_->Create(Spec("broken"));
  ASSERT_TRUE(created.ok());
  EXPECT_CALL(*backend_, Launch(_, _, _))
      .WillOnce(
          Return(StatusOr<RunningContainer>(InvalidArgument("command: exec 'x': No such file"))));
  EXPECT_CALL(cgroups_, Destroy(created->id())).Times(1);
  EXPECT_CALL(snapshotter_, Unmount(created->id())).Times(1);
  auto started = service_->Start("broken");
  EXPECT_EQ(started.status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(service_->Inspect("broken")->state(), v1::CONTAINER_STATE_CREATED);
}

TEST_F(ContainerServiceTest, ExitIsRecordedWithCodeAndOomAndCleansUp) {
  auto created = service_->Create(Spec("short"));
  ASSERT_TRUE(created.ok());
  ExpectLaunchThatExits(3);
  EXPECT_CALL(cgroups_, OomKilled(created->id())).WillOnce(Return(true));
  // The exit's clean-up runs on the timer thread after waiters have their answer.
  std::promise<void> cleaned_up;
  EXPECT_CALL(snapshotter_, Unmount(created->id())).Times(1);
  EXPECT_CALL(cgroups_, Destroy(created->id())).WillOnce(Invoke([&](const std::string&) {
    cleaned_up.set_value();
    return OkStatus();
  }));
  ASSERT_TRUE(service_->Start("short").ok());
  auto waited = service_->Wait("short", nullptr);
  ASSERT_TRUE(waited.ok());
  EXPECT_EQ(waited->exit_code(), 3);
  EXPECT_TRUE(waited->oom_killed());
  auto inspected = service_->Inspect(created->id());
  EXPECT_EQ(inspected->state(), v1::CONTAINER_STATE_EXITED);
  EXPECT_EQ(inspected->pid(), 0);
  EXPECT_GT(inspected->finished_unix_ns(), 0);
  EXPECT_EQ(cleaned_up.get_future().wait_for(std::chrono::seconds(10)), std::future_status::ready);
}

TEST_F(ContainerServiceTest, RemoveRefusesRunningUnlessForced) {
  auto created = service_->Create(Spec("busy"));
  ASSERT_TRUE(created.ok());
  pid_t sleeper = 0;
  ExpectLaunchOfSleeper(&sleeper);
  ASSERT_TRUE(service_->Start("busy").ok());
  auto refused = service_->Remove("busy", false);
  EXPECT_EQ(refused.status().code(), StatusCode::kFailedPrecondition);
  EXPECT_CALL(*backend_, Signal(_, SIGKILL))
      .WillOnce(Invoke([&](const RunningContainer& running, int signal) {
        EXPECT_EQ(running.init_pid, sleeper);
        ::kill(sleeper, signal);
        return OkStatus();
      }));
  EXPECT_CALL(snapshotter_, Remove(created->id())).Times(1);
  auto removed = service_->Remove("busy", true);
  ASSERT_TRUE(removed.ok()) << removed.status().message();
  EXPECT_EQ(service_->Inspect("busy").status().code(), StatusCode::kNotFound);
  EXPECT_TRUE(service_->List(true).empty());
}

TEST_F(ContainerServiceTest, KillValidatesSignalAndState) {
  ASSERT_TRUE(service_->Create(Spec("idle")).ok());
  EXPECT_EQ(service_->Kill("idle", 9).code(), StatusCode::kFailedPrecondition);
  EXPECT_EQ(service_->Kill("idle", 999).code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(service_->Kill("nosuch", 9).code(), StatusCode::kNotFound);
}

TEST_F(ContainerServiceTest, StopEscalatesToKillAfterTheTimeout) {
  ASSERT_TRUE(service_->Create(Spec("stubborn")).ok());
  pid_t sleeper = 0;
  ExpectLaunchOfSleeper(&sleeper);
  ASSERT_TRUE(service_->Start("stubborn").ok());
  ::testing::InSequence order;
  EXPECT_CALL(*backend_, Signal(_, SIGTERM)).WillOnce(Return(OkStatus()));  // ignored
  EXPECT_CALL(*backend_, Signal(_, SIGKILL))
      .WillOnce(Invoke([&](const RunningContainer&, int signal) {
        ::kill(sleeper, signal);
        return OkStatus();
      }));
  auto stopped = service_->Stop("stubborn", 0);
  ASSERT_TRUE(stopped.ok()) << stopped.status().message();
  EXPECT_EQ(stopped->state(), v1::CONTAINER_STATE_EXITED);
}

TEST_F(ContainerServiceTest, RecoverReloadsRecordsAndFinishesContainersThatExitedMeanwhile) {
  auto created = service_->Create(Spec("survivor"));
  ASSERT_TRUE(created.ok());
  ExpectLaunchThatExits(7, "0.05");
  ASSERT_TRUE(service_->Start("survivor").ok());
  ASSERT_TRUE(service_->Wait("survivor", nullptr).ok());
  // Mark it running again in the database, as if the agent died before seeing the exit.
  v1::Container record = *service_->Inspect("survivor");
  record.set_state(v1::CONTAINER_STATE_RUNNING);
  record.set_exit_code(0);
  {
    auto update = db_->Prepare(
        "UPDATE containers SET record = ?, shim_pid = 1, shim_start_ticks = 1 WHERE id = ?");
    update->BindBlob(1, record.SerializeAsString()).Bind(2, record.id());
    ASSERT_TRUE(update->Run().ok());
  }
  NewService();
  auto recovered = service_->Inspect("survivor");
  ASSERT_TRUE(recovered.ok());
  EXPECT_EQ(recovered->state(), v1::CONTAINER_STATE_EXITED);
  EXPECT_EQ(recovered->exit_code(), 7);
}

TEST_F(ContainerServiceTest, LookupByPrefixNameAndId) {
  auto created = service_->Create(Spec("named"));
  ASSERT_TRUE(created.ok());
  EXPECT_TRUE(service_->Inspect(created->id()).ok());
  EXPECT_TRUE(service_->Inspect(created->id().substr(0, 6)).ok());
  EXPECT_TRUE(service_->Inspect("named").ok());
  EXPECT_EQ(service_->Inspect("").status().code(), StatusCode::kInvalidArgument);
  EXPECT_THAT(service_->Inspect("zzz").status().message(), HasSubstr("no container"));
}

TEST_F(ContainerServiceTest, PauseFreezesTheCgroupAndStopThawsIt) {
  backend_->capabilities_.pause = true;
  ASSERT_TRUE(service_->Create(Spec("sleepy")).ok());
  EXPECT_EQ(service_->Pause("sleepy").status().code(), StatusCode::kFailedPrecondition)
      << "a created container cannot be paused";
  pid_t sleeper = 0;
  ExpectLaunchOfSleeper(&sleeper);
  ASSERT_TRUE(service_->Start("sleepy").ok());
  auto subscription = service_->SubscribeEvents({"sleepy"});
  ASSERT_TRUE(subscription.ok());

  EXPECT_CALL(cgroups_, Freeze(_)).WillOnce(Return(OkStatus()));
  auto paused = service_->Pause("sleepy");
  ASSERT_TRUE(paused.ok()) << paused.status().message();
  EXPECT_EQ(paused->state(), v1::CONTAINER_STATE_PAUSED);
  EXPECT_EQ(service_->List(false).size(), 1u) << "paused containers are listed as live";
  EXPECT_EQ(service_->Start("sleepy").status().code(), StatusCode::kFailedPrecondition);

  EXPECT_CALL(cgroups_, Thaw(_)).WillOnce(Return(OkStatus()));
  EXPECT_CALL(*backend_, Signal(_, SIGTERM)).WillOnce(Invoke([&](const RunningContainer&, int) {
    ::kill(sleeper, SIGTERM);
    return OkStatus();
  }));
  auto stopped = service_->Stop("sleepy", 5);
  ASSERT_TRUE(stopped.ok()) << stopped.status().message();
  EXPECT_EQ(stopped->state(), v1::CONTAINER_STATE_EXITED);
  std::string types;
  for (int i = 0; i < 3; ++i) {
    auto event = (*subscription)->Next(std::chrono::milliseconds(1000));
    ASSERT_TRUE(event.ok() && event->has_value());
    types += v1::EventType_Name((*event)->type()) + " ";
  }
  EXPECT_EQ(types, "EVENT_TYPE_PAUSED EVENT_TYPE_UNPAUSED EVENT_TYPE_EXITED ");
}

TEST_F(ContainerServiceTest, PauseOnABackendWithoutItIsUnimplemented) {
  backend_->capabilities_.pause = false;
  ASSERT_TRUE(service_->Create(Spec("plain")).ok());
  pid_t sleeper = 0;
  ExpectLaunchOfSleeper(&sleeper);
  ASSERT_TRUE(service_->Start("plain").ok());
  EXPECT_CALL(cgroups_, Freeze(_)).Times(0);
  auto paused = service_->Pause("plain");
  EXPECT_EQ(paused.status().code(), StatusCode::kUnimplemented);
  EXPECT_THAT(paused.status().message(), HasSubstr("'mock'"));
  ::kill(sleeper, SIGKILL);
}

// A bad reference is refused before the running container is frozen for its changes.
TEST_F(ContainerServiceTest, CommitWithABadReferenceLeavesTheContainerAlone) {
  backend_->capabilities_.pause = true;
  ASSERT_TRUE(service_->Create(Spec("busy")).ok());
  pid_t sleeper = 0;
  ExpectLaunchOfSleeper(&sleeper);
  ASSERT_TRUE(service_->Start("busy").ok());
  EXPECT_CALL(cgroups_, Freeze(_)).Times(0);
  v1::CommitContainerRequest request;
  request.set_container("busy");
  request.set_reference("Bad Name!");
  auto committed = service_->Commit(request);
  EXPECT_EQ(committed.status().code(), StatusCode::kInvalidArgument);
  EXPECT_THAT(committed.status().message(), HasSubstr("reference"));
  request.set_reference("");
  request.mutable_changes()->set_user("4294967295");
  EXPECT_THAT(service_->Commit(request).status().message(), HasSubstr("changes.user: "));
  ::kill(sleeper, SIGKILL);
}

TEST_F(ContainerServiceTest, UpdateValidatesAppliesToLiveCgroupsAndPersists) {
  ASSERT_TRUE(service_->Create(Spec("limited")).ok());
  v1::UpdateContainerRequest request;
  request.set_container("limited");
  request.set_memory_bytes(1000);
  EXPECT_EQ(service_->Update(request).status().code(), StatusCode::kInvalidArgument);

  // Not running: only the record changes.
  request.set_memory_bytes(64 << 20);
  EXPECT_CALL(cgroups_, UpdateLimits(_, _)).Times(0);
  auto updated = service_->Update(request);
  ASSERT_TRUE(updated.ok()) << updated.status().message();
  EXPECT_EQ(updated->spec().limits().memory_bytes(), 64u << 20);
  testing::Mock::VerifyAndClearExpectations(&cgroups_);

  pid_t sleeper = 0;
  ExpectLaunchOfSleeper(&sleeper);
  ASSERT_TRUE(service_->Start("limited").ok());
  v1::UpdateContainerRequest pids;
  pids.set_container("limited");
  pids.set_pids_max(7);
  EXPECT_CALL(cgroups_, UpdateLimits(_, _))
      .WillOnce(Invoke([](const std::string&, const CgroupLimitsUpdate& update) {
        EXPECT_FALSE(update.memory_bytes.has_value()) << "unset fields stay unchanged";
        EXPECT_EQ(update.pids_max, std::optional<uint64_t>(7));
        return OkStatus();
      }));
  ASSERT_TRUE(service_->Update(pids).ok());
  NewService();  // the new limits survive an agent restart
  auto reloaded = service_->Inspect("limited");
  ASSERT_TRUE(reloaded.ok());
  EXPECT_EQ(reloaded->spec().limits().pids_max(), 7u);
  EXPECT_EQ(reloaded->spec().limits().memory_bytes(), 64u << 20);
  ::kill(sleeper, SIGKILL);
}

TEST_F(ContainerServiceTest, OnFailurePolicyRestartsUpToItsLimit) {
  v1::ContainerSpec spec = Spec("flaky");
  spec.mutable_restart_policy()->set_mode(v1::RestartPolicy::MODE_ON_FAILURE);
  spec.mutable_restart_policy()->set_max_retries(1);
  ASSERT_TRUE(service_->Create(spec).ok());
  EXPECT_CALL(*backend_, Launch(_, _, _))
      .Times(2)
      .WillRepeatedly(Invoke([](const LaunchSpec& spec, const std::string&, int*) {
        ExitRecord record;
        record.exit_code = 1;
        EXPECT_TRUE(WriteFileAtomically(spec.exit_file, ExitRecordToJson(record)).ok());
        RunningContainer running;
        running.shim_pid = running.init_pid = SpawnSleeper("0.01");
        return StatusOr<RunningContainer>(running);
      }));
  ASSERT_TRUE(service_->Start("flaky").ok());
  v1::Container record;
  for (int i = 0; i < 200; ++i) {
    record = *service_->Inspect("flaky");
    if (record.restart_count() == 1 && record.state() == v1::CONTAINER_STATE_EXITED) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  std::this_thread::sleep_for(std::chrono::milliseconds(300));
  record = *service_->Inspect("flaky");
  EXPECT_EQ(record.restart_count(), 1u);
  EXPECT_EQ(record.state(), v1::CONTAINER_STATE_EXITED);
  EXPECT_EQ(record.exit_code(), 1);
}

}  // namespace
}  // namespace boxcar
