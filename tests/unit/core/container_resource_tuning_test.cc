// Docker's finer resource knobs from the agent's side (core/container_resource_tuning.h) and
// --volumes-from's parsing and mount copying (core/container_volumes_from.h): Create's checks
// name the field, Update checks the result against what the container keeps.
#include "core/container_resource_tuning.h"

#include <gtest/gtest.h>

#include "core/container_volumes_from.h"

namespace boxcar {
namespace {

constexpr uint64_t kMiB = 1ull << 20;

void ExpectInvalid(const Status& status, const std::string& field) {
  EXPECT_EQ(status.code(), StatusCode::kInvalidArgument) << field << ": " << status.message();
  EXPECT_NE(status.message().find(field), std::string::npos) << status.message();
}

TEST(ContainerResourceTuningTest, CreateChecksNameTheField) {
  v1::ContainerSpec spec;
  EXPECT_TRUE(ValidateResourceTuning(spec).ok());
  EXPECT_FALSE(UsesResourceTuning(spec));
  spec.mutable_limits()->set_memory_swap_bytes(64 * kMiB);
  ExpectInvalid(ValidateResourceTuning(spec), "spec.limits.memory_swap_bytes");
  spec.mutable_limits()->set_memory_bytes(32 * kMiB);
  EXPECT_TRUE(ValidateResourceTuning(spec).ok());
  EXPECT_TRUE(UsesResourceTuning(spec));
  spec.mutable_limits()->set_memory_swap_bytes(-1);
  EXPECT_TRUE(ValidateResourceTuning(spec).ok()) << "-1: unlimited swap";
  spec.mutable_limits()->set_memory_swap_bytes(-2);
  ExpectInvalid(ValidateResourceTuning(spec), "spec.limits.memory_swap_bytes");
  spec.mutable_limits()->set_memory_swap_bytes(0);
  spec.mutable_limits()->set_memory_reservation_bytes(33 * kMiB);
  ExpectInvalid(ValidateResourceTuning(spec), "spec.limits.memory_reservation_bytes");
  spec.mutable_limits()->set_memory_reservation_bytes(0);
  spec.mutable_limits()->set_memory_swappiness(101);
  ExpectInvalid(ValidateResourceTuning(spec), "spec.limits.memory_swappiness");
  spec.mutable_limits()->set_memory_swappiness(0);
  EXPECT_TRUE(ValidateResourceTuning(spec).ok());
  spec.mutable_limits()->set_blkio_weight(9);
  ExpectInvalid(ValidateResourceTuning(spec), "spec.limits.blkio_weight");
  spec.mutable_limits()->set_blkio_weight(1000);
  spec.mutable_limits()->set_cpu_millis(500);
  spec.mutable_limits()->set_cpu_quota_us(20000);
  ExpectInvalid(ValidateResourceTuning(spec), "spec.limits.cpu_quota_us");
  spec.mutable_limits()->set_cpu_millis(0);
  spec.mutable_limits()->set_cpu_period_us(1000001);
  ExpectInvalid(ValidateResourceTuning(spec), "spec.limits.cpu_period_us");
  spec.mutable_limits()->set_cpu_period_us(0);
  EXPECT_TRUE(ValidateResourceTuning(spec).ok());
  spec.set_oom_score_adj(1001);
  ExpectInvalid(ValidateResourceTuning(spec), "spec.oom_score_adj");
  spec.set_oom_score_adj(-1000);
  EXPECT_TRUE(ValidateResourceTuning(spec).ok());
  spec.clear_limits();
  spec.set_oom_kill_disable(true);
  ExpectInvalid(ValidateResourceTuning(spec), "spec.oom_kill_disable");
}

TEST(ContainerResourceTuningTest, StartAddsTheKnobsToTheCgroupLimits) {
  v1::ContainerSpec spec;
  spec.mutable_limits()->set_memory_bytes(32 * kMiB);
  spec.mutable_limits()->set_memory_swap_bytes(48 * kMiB);
  spec.mutable_limits()->set_memory_swappiness(5);
  spec.set_oom_kill_disable(true);
  CgroupLimits limits;
  AddResourceTuning(spec, &limits);
  EXPECT_EQ(limits.memory_swap_bytes, int64_t(48 * kMiB));
  ASSERT_TRUE(limits.memory_swappiness.has_value());
  EXPECT_EQ(*limits.memory_swappiness, 5u);
  EXPECT_TRUE(limits.oom_kill_disable);
  EXPECT_EQ(limits.memory_bytes, 0u) << "memory is the caller's";
  EXPECT_EQ(TuningLimitsOf(spec).memory_bytes, 32 * kMiB);
}

TEST(ContainerResourceTuningTest, UpdateChecksAgainstWhatTheContainerKeeps) {
  v1::ResourceLimits limits;
  limits.set_memory_bytes(64 * kMiB);
  limits.set_memory_swap_bytes(128 * kMiB);
  v1::UpdateContainerRequest request;
  request.set_memory_bytes(256 * kMiB);  // above the swap limit kept
  CgroupLimitsUpdate update;
  v1::ResourceLimits changed = limits;
  ExpectInvalid(ApplyTuningUpdate(request, /*accounts_swap=*/true, &changed, &update),
                "limits.memory_swap_bytes");
  EXPECT_EQ(changed.memory_bytes(), 64 * kMiB) << "nothing changed";

  request.set_memory_swap_bytes(512 * kMiB);
  ASSERT_TRUE(ApplyTuningUpdate(request, /*accounts_swap=*/true, &changed, &update).ok());
  EXPECT_EQ(*update.memory_bytes, 256 * kMiB);
  EXPECT_EQ(*update.memory_swap_bytes, int64_t(512 * kMiB));

  v1::UpdateContainerRequest swap_only;
  swap_only.set_memory_swap_bytes(-1);
  CgroupLimitsUpdate swap_update;
  ASSERT_TRUE(ApplyTuningUpdate(swap_only, /*accounts_swap=*/true, &changed, &swap_update).ok());
  EXPECT_EQ(*swap_update.memory_bytes, 256 * kMiB) << "memory comes along, as kept";
  EXPECT_EQ(*swap_update.memory_swap_bytes, -1);

  v1::UpdateContainerRequest unlimited;
  unlimited.set_memory_bytes(0);
  CgroupLimitsUpdate unlimited_update;
  ASSERT_TRUE(
      ApplyTuningUpdate(unlimited, /*accounts_swap=*/true, &changed, &unlimited_update).ok());
  EXPECT_EQ(changed.memory_swap_bytes(), 0) << "no memory limit, no swap limit";

  v1::UpdateContainerRequest quota;
  quota.set_cpu_quota_us(30000);
  CgroupLimitsUpdate quota_update;
  changed.set_cpu_period_us(60000);
  ASSERT_TRUE(ApplyTuningUpdate(quota, /*accounts_swap=*/true, &changed, &quota_update).ok());
  EXPECT_EQ(*quota_update.cpu_period_us, 60000u) << "the period kept goes along";
  EXPECT_EQ(*quota_update.cpu_quota_us, 30000);
  v1::UpdateContainerRequest cpus;
  cpus.set_cpu_millis(1000);
  ExpectInvalid(ApplyTuningUpdate(cpus, /*accounts_swap=*/true, &changed, &quota_update),
                "cpu_millis");
}

// Docker's MemorySwap default: -m alone gives as much swap as memory (twice the memory as
// memory+swap), -1 where swap is not accounted; update follows `docker update`.
TEST(ContainerResourceTuningTest, MemoryAloneDefaultsToTwiceTheMemoryAsDocker) {
  EXPECT_EQ(DefaultMemorySwap(32 * kMiB, true), int64_t(64 * kMiB));
  EXPECT_EQ(DefaultMemorySwap(32 * kMiB, false), -1);
  EXPECT_EQ(DefaultMemorySwap(0, true), 0);
  EXPECT_EQ(DefaultMemorySwap(UINT64_MAX / 2 + 1, true), -1) << "no overflow";
  v1::ResourceLimits limits;
  limits.set_memory_bytes(32 * kMiB);
  FillDefaultMemorySwap(true, &limits);
  EXPECT_EQ(limits.memory_swap_bytes(), int64_t(64 * kMiB));
  limits.set_memory_swap_bytes(32 * kMiB);
  FillDefaultMemorySwap(true, &limits);
  EXPECT_EQ(limits.memory_swap_bytes(), int64_t(32 * kMiB)) << "a swap given stays";

  // Update of memory alone: none before -> the default; -1 stays; one still above stays.
  v1::ResourceLimits unlimited;
  v1::UpdateContainerRequest memory;
  memory.set_memory_bytes(16 * kMiB);
  CgroupLimitsUpdate update;
  ASSERT_TRUE(ApplyTuningUpdate(memory, true, &unlimited, &update).ok());
  EXPECT_EQ(unlimited.memory_swap_bytes(), int64_t(32 * kMiB));
  EXPECT_EQ(*update.memory_swap_bytes, int64_t(32 * kMiB));
  ASSERT_TRUE(ApplyTuningUpdate(memory, true, &limits, &update).ok());
  EXPECT_EQ(limits.memory_swap_bytes(), int64_t(32 * kMiB)) << "still at least memory: kept";
  limits.set_memory_swap_bytes(-1);
  memory.set_memory_bytes(128 * kMiB);
  ASSERT_TRUE(ApplyTuningUpdate(memory, true, &limits, &update).ok());
  EXPECT_EQ(limits.memory_swap_bytes(), -1);
  // An explicit 0 is "no swap": stored as the memory limit (-1 without swap accounting).
  v1::UpdateContainerRequest no_swap;
  no_swap.set_memory_swap_bytes(0);
  ASSERT_TRUE(ApplyTuningUpdate(no_swap, true, &limits, &update).ok());
  EXPECT_EQ(limits.memory_swap_bytes(), int64_t(128 * kMiB));
  ASSERT_TRUE(ApplyTuningUpdate(no_swap, false, &limits, &update).ok());
  EXPECT_EQ(limits.memory_swap_bytes(), -1);
}

TEST(ContainerVolumesFromTest, ParsesModesAndCopiesBindsAndVolumesOnly) {
  auto plain = ParseVolumesFrom("web", "f");
  ASSERT_TRUE(plain.ok());
  EXPECT_EQ(plain->container, "web");
  EXPECT_EQ(plain->mode, VolumesFromEntry::Mode::kAsSource);
  auto ro = ParseVolumesFrom("web:ro", "f");
  ASSERT_TRUE(ro.ok());
  EXPECT_EQ(ro->mode, VolumesFromEntry::Mode::kReadOnly);
  ExpectInvalid(ParseVolumesFrom("web:rx", "spec.volumes_from[0]").status(),
                "spec.volumes_from[0]");
  ExpectInvalid(ParseVolumesFrom(":ro", "spec.volumes_from[2]").status(), "spec.volumes_from[2]");

  v1::ContainerSpec source;
  auto add = [&](v1::Mount::Type type, const std::string& from, const std::string& target) {
    v1::Mount* mount = source.add_mounts();
    mount->set_type(type);
    mount->set_source(from);
    mount->set_target(target);
    return mount;
  };
  add(v1::Mount::TYPE_VOLUME, "named", "/named");
  add(v1::Mount::TYPE_VOLUME, std::string(64, 'a'), "/anon")->set_anonymous(true);
  add(v1::Mount::TYPE_BIND, "/srv", "/srv")->set_read_only(true);
  add(v1::Mount::TYPE_TMPFS, "", "/scratch");
  std::vector<v1::Mount> mounts;
  v1::Mount taken;
  taken.set_target("/named");
  mounts.push_back(taken);  // an earlier source's
  AppendInheritedMounts(source, *plain, &mounts);
  ASSERT_EQ(mounts.size(), 3u) << "no tmpfs, no second /named";
  EXPECT_EQ(mounts[1].target(), "/anon");
  EXPECT_TRUE(mounts[1].anonymous());
  EXPECT_FALSE(mounts[1].read_only());
  EXPECT_TRUE(mounts[2].read_only()) << "as the source has it";
  std::vector<v1::Mount> writable;
  AppendInheritedMounts(source, *ParseVolumesFrom("web:rw", "f"), &writable);
  EXPECT_FALSE(writable[2].read_only());
  std::vector<v1::Mount> read_only;
  AppendInheritedMounts(source, *ro, &read_only);
  for (const auto& mount : read_only) EXPECT_TRUE(mount.read_only()) << mount.target();
}

}  // namespace
}  // namespace boxcar
