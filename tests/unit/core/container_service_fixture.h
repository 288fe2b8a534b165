// The container state machine's unit-test fixture: the backend, the snapshotter and the
// cgroups mocked; the image store and the SQLite records real, in a temporary directory
// (container_service_test.cc, container_service_create_test.cc).
#pragma once

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
#include "core/container_service.h"
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
        ContainerServiceConfig{root_, "mock", "0123456789ab", 0, nullptr, userns_range}, db_.get(),
        images_.get(), &snapshotter_, &cgroups_, std::move(backends));
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

}  // namespace
}  // namespace boxcar
