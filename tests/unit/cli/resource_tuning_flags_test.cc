// `update`'s tuning flags as the request carries them: `--memory-swap 0` is Docker's "not set"
// (the request's own 0 would mean no swap beyond memory), -1 and sizes are sent.
#include "cli/resource_tuning_flags.h"

#include <gtest/gtest.h>

#include <string>
#include <utility>
#include <vector>

namespace boxcar::cli {
namespace {

TEST(UpdateTuningFlagsTest, MemorySwapZeroLeavesTheLimitUnset) {
  for (const char* zero : {"0", "0b", "0m"}) {
    ResourceTuningFlags flags;
    flags.memory_swap = zero;
    v1::UpdateContainerRequest request;
    ASSERT_TRUE(ApplyUpdateTuningFlags(flags, &request).ok()) << zero;
    EXPECT_FALSE(request.has_memory_swap_bytes()) << zero;
    EXPECT_FALSE(ChangesTuning(request)) << zero;
  }
  for (const auto& [given, sent] :
       std::vector<std::pair<std::string, int64_t>>{{"-1", -1}, {"64m", 64 << 20}}) {
    ResourceTuningFlags flags;
    flags.memory_swap = given;
    v1::UpdateContainerRequest request;
    ASSERT_TRUE(ApplyUpdateTuningFlags(flags, &request).ok()) << given;
    EXPECT_EQ(request.memory_swap_bytes(), sent) << given;
  }
}

}  // namespace
}  // namespace boxcar::cli
