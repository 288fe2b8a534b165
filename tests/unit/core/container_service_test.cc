// The container state machine with the backend, the snapshotter and the cgroups mocked; the
// image store and the SQLite records are real, in a temporary directory.
#include "core/container_service.h"

#include <archive.h>
#include <archive_entry.h>
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <signal.h>
#include <spawn.h>
#include <sys/stat.h>
#include <unistd.h>

#include <future>
#include <tuple>

#include "../temp_dir.h"
#include "common/atomic_file.h"
#include "common/directory_tree.h"
#include "mock_snapshotter.h"
#include "store/state_schema.h"

extern char** environ;

namespace boxcar {
namespace {

using ::testing::_;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::Invoke;
using ::testing::NiceMock;
using ::testing::Return;

class MockBackend : public Backend {
 public:
  MockBackend() {
    ON_CALL(*this, CheckAvailable()).WillByDefault(Return(OkStatus()));
    ON_CALL(*this, capabilities()).WillByDefault(Invoke([this] { return capabilities_; }));
    capabilities_.limits = true;
  }
  const std::string& name() const override { return name_; }
  MOCK_METHOD(BackendCapabilities, capabilities, (), (const, override));
  MOCK_METHOD(Status, CheckAvailable, (), (const, override));
  MOCK_METHOD(StatusOr<RunningContainer>, Launch, (const LaunchSpec&, const std::string&, int*),
              (override));
  MOCK_METHOD(Status, Signal, (const RunningContainer&, int), (override));

  BackendCapabilities capabilities_;
  std::string name_ = "mock";
};

class MockCgroups : public ContainerCgroups {
 public:
  MockCgroups() {
    ON_CALL(*this, Create(_, _))
        .WillByDefault(Return(StatusOr<CgroupPlacement>(CgroupPlacement{"", {"/cg/procs"}})));
    ON_CALL(*this, Destroy(_)).WillByDefault(Return(OkStatus()));
  }
  MOCK_METHOD(StatusOr<CgroupPlacement>, Create, (const std::string&, const ContainerLimits&),
              (override));
  MOCK_METHOD(bool, OomKilled, (const std::string&), (override));
  MOCK_METHOD(Status, Destroy, (const std::string&), (override));
  MOCK_METHOD(Status, Freeze, (const std::string&), (override));
  MOCK_METHOD(Status, Thaw, (const std::string&), (override));
  MOCK_METHOD(StatusOr<CgroupStats>, Stats, (const std::string&), (override));
  MOCK_METHOD(Status, UpdateLimits, (const std::string&, const CgroupLimitsUpdate&), (override));
  std::string ModeName() const override { return "mock"; }
  const std::string& parent() const override { return parent_; }
  std::string parent_ = "mock";
};

// A real child process stands in for the shim: the exit monitor watches its pidfd.
pid_t SpawnSleeper(const char* seconds) {
  pid_t pid = 0;
  char* argv[] = {const_cast<char*>("/bin/sleep"), const_cast<char*>(seconds), nullptr};
  EXPECT_EQ(::posix_spawn(&pid, "/bin/sleep", nullptr, nullptr, argv, environ), 0);
  return pid;
}

class ContainerServiceTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_NO_FATAL_FAILURE(MakeTempDir("/tmp/boxcar-unit-XXXXXX", &root_));
    auto db = SqliteDatabase::Open(root_ + "/state.db", kStateSchema);
    ASSERT_TRUE(db.ok()) << db.status().message();
    db_ = std::move(*db);
    auto blobs = BlobStore::Open(root_);
    ASSERT_TRUE(blobs.ok());
    blobs_ = std::move(*blobs);
    auto images = ImageStore::Open(root_, db_.get(), blobs_.get(), {});
    ASSERT_TRUE(images.ok());
    images_ = std::move(*images);
    ImportImage();
    NewService();
  }

  void TearDown() override {
    service_.reset();
    (void)RemoveTree(root_);
  }

  void NewService(HostIdRange userns_range = {}) {
    service_.reset();
    auto backend = std::make_unique<NiceMock<MockBackend>>();
    backend_ = backend.get();
    ContainerService::BackendMap backends;
    backends.emplace("mock", std::move(backend));
    ON_CALL(snapshotter_, RootfsDir(_)).WillByDefault(Invoke([](const std::string& key) {
      return "/snap/" + key;
    }));
    service_ = std::make_unique<ContainerService>(
        ContainerServiceConfig{root_, "mock", "0123456789ab", 0, nullptr, userns_range}, db_.get(), images_.get(),
        &snapshotter_, &cgroups_, std::move(backends));
    ASSERT_TRUE(service_->Recover().ok());
  }

  void ImportImage() {
    std::string tar_path = root_ + "/image.tar";
    archive* writer = archive_write_new();
    archive_write_set_format_pax_restricted(writer);
    archive_write_open_filename(writer, tar_path.c_str());
    archive_entry* entry = archive_entry_new();
    archive_entry_set_pathname(entry, "bin/sh");
    archive_entry_set_filetype(entry, AE_IFREG);
    archive_entry_set_perm(entry, 0755);
    archive_entry_set_size(entry, 2);
    archive_write_header(writer, entry);
    archive_write_data(writer, "#!", 2);
    archive_entry_free(entry);
    archive_write_close(writer);
    archive_write_free(writer);
    v1::ImportHeader header;
    header.set_reference("test:1");
    header.mutable_config()->add_entrypoint("/bin/sh");
    header.mutable_config()->add_cmd("-c");
    header.mutable_config()->add_cmd("true");
    header.mutable_config()->add_env("PATH=/bin");
    header.mutable_config()->add_env("MODE=image");
    auto import = images_->BeginImport(header);
    ASSERT_TRUE(import.ok());
    auto content = ReadFileToString(tar_path);
    ASSERT_TRUE((*import)->Write(content->data(), content->size()).ok());
    auto image = (*import)->Finish();
    ASSERT_TRUE(image.ok()) << image.status().message();
  }

  v1::ContainerSpec Spec(const std::string& name = "") {
    v1::ContainerSpec spec;
    spec.set_image("test:1");
    spec.set_name(name);
    return spec;
  }

  // Makes the next Launch start a 30 s sleeper as the payload; its pid goes to `*sleeper`.
  void ExpectLaunchOfSleeper(pid_t* sleeper) {
    EXPECT_CALL(*backend_, Launch(_, _, _))
        .WillOnce(Invoke([sleeper](const LaunchSpec&, const std::string&, int*) {
          RunningContainer running;
          running.shim_pid = running.init_pid = *sleeper = SpawnSleeper("30");
          return StatusOr<RunningContainer>(running);
        }));
  }

  // Makes the next Launch start a sleeper that "exits" with `exit_code` as recorded by a shim.
  void ExpectLaunchThatExits(int exit_code, const char* seconds = "0.05") {
    EXPECT_CALL(*backend_, Launch(_, _, _))
        .WillOnce(Invoke([=](const LaunchSpec& spec, const std::string&, int*) {
          ExitRecord record;
          record.exit_code = exit_code;
          EXPECT_TRUE(WriteFileAtomically(spec.exit_file, ExitRecordToJson(record)).ok());
          RunningContainer running;
          running.container_id = spec.container_id;
          running.shim_pid = running.init_pid = SpawnSleeper(seconds);
          return StatusOr<RunningContainer>(running);
        }));
  }

  std::string root_;
  std::unique_ptr<SqliteDatabase> db_;
  std::unique_ptr<BlobStore> blobs_;
  std::unique_ptr<ImageStore> images_;
  NiceMock<MockSnapshotter> snapshotter_;
  NiceMock<MockCgroups> cgroups_;
  NiceMock<MockBackend>* backend_ = nullptr;
  std::unique_ptr<ContainerService> service_;
};

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
