#include "core/host_id_blocks.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace boxcar {
namespace {

using ::testing::HasSubstr;

v1::UserNamespace Wanted(uint32_t uid, uint32_t gid, uint32_t size) {
  v1::UserNamespace wanted;
  wanted.set_host_uid(uid);
  wanted.set_host_gid(gid);
  wanted.set_size(size);
  return wanted;
}

const HostIdRange kRange{100000, 65536 * 4};

TEST(HostIdBlocksTest, TheFirstBlockStartsTheRangeWithTheDefaultSize) {
  auto placed = PlaceHostIdBlock(kRange, {}, {});
  ASSERT_TRUE(placed.ok());
  EXPECT_EQ(placed->host_uid(), 100000u);
  EXPECT_EQ(placed->host_gid(), 100000u);
  EXPECT_EQ(placed->size(), kDefaultUserNamespaceSize);
}

TEST(HostIdBlocksTest, TheLowestFreeBlockIsTakenIncludingAGapLeftByARemovedContainer) {
  // Blocks 0 and 2 of the range are held; block 1 is free again.
  std::vector<HostIdBlock> taken = {{100000, 65536}, {100000 + 2 * 65536, 65536}};
  auto placed = PlaceHostIdBlock(kRange, taken, {});
  ASSERT_TRUE(placed.ok());
  EXPECT_EQ(placed->host_uid(), 100000u + 65536);
}

TEST(HostIdBlocksTest, AFullRangeIsResourceExhaustedAndSaysWhatToDo) {
  std::vector<HostIdBlock> taken;
  for (int i = 0; i < 4; ++i) taken.push_back({100000 + i * 65536ull, 65536});
  auto placed = PlaceHostIdBlock(kRange, taken, {});
  EXPECT_EQ(placed.status().code(), StatusCode::kResourceExhausted);
  EXPECT_THAT(placed.status().message(), HasSubstr("remove containers or widen the range"));
}

TEST(HostIdBlocksTest, ASmallerBlockFitsWhereTheDefaultWouldNot) {
  std::vector<HostIdBlock> taken = {{100000 + 1000, 65536 * 4 - 1000}};
  auto placed = PlaceHostIdBlock(kRange, taken, Wanted(0, 0, 1000));
  ASSERT_TRUE(placed.ok());
  EXPECT_EQ(placed->host_uid(), 100000u);
  EXPECT_EQ(placed->size(), 1000u);
}

TEST(HostIdBlocksTest, AnExplicitBlockIsCheckedAgainstTheRangeAndTheTakenBlocks) {
  auto inside = PlaceHostIdBlock(kRange, {}, Wanted(200000, 300000, 1000));
  ASSERT_TRUE(inside.ok());
  EXPECT_EQ(inside->host_uid(), 200000u);
  EXPECT_EQ(inside->host_gid(), 300000u);

  auto outside = PlaceHostIdBlock(kRange, {}, Wanted(50000, 200000, 1000));
  EXPECT_EQ(outside.status().code(), StatusCode::kInvalidArgument);
  EXPECT_THAT(outside.status().message(), HasSubstr("spec.userns: host ids 50000-50999 lie outside"));

  auto overlapping = PlaceHostIdBlock(kRange, {{200500, 10}}, Wanted(200000, 300000, 1000));
  EXPECT_EQ(overlapping.status().code(), StatusCode::kAlreadyExists);
  EXPECT_THAT(overlapping.status().message(), HasSubstr("overlap ids 200500-200509"));
}

TEST(HostIdBlocksTest, UidAndGidBlocksOfAContainerAreBothTaken) {
  v1::ContainerSpec spec;
  std::vector<HostIdBlock> taken;
  AppendHostIdBlocks(spec, &taken);
  EXPECT_TRUE(taken.empty());
  *spec.mutable_userns() = Wanted(100000, 165536, 65536);
  AppendHostIdBlocks(spec, &taken);
  ASSERT_EQ(taken.size(), 2u);
  // The next placement skips both.
  auto placed = PlaceHostIdBlock(kRange, taken, {});
  ASSERT_TRUE(placed.ok());
  EXPECT_EQ(placed->host_uid(), 100000u + 2 * 65536);
}

}  // namespace
}  // namespace boxcar
