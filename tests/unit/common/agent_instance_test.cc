#include "common/agent_instance.h"

#include <gtest/gtest.h>
#include <stdlib.h>

#include "common/atomic_file.h"
#include "common/directory_tree.h"
#include "common/identifiers.h"

namespace boxcar {
namespace {

TEST(AgentInstanceTest, TheIdIsMadeOnceAndKeptUnderTheRoot) {
  char dir[] = "/tmp/boxcar-instance-XXXXXX";
  ASSERT_NE(::mkdtemp(dir), nullptr);
  auto first = LoadOrCreateAgentInstanceId(dir);
  ASSERT_TRUE(first.ok());
  EXPECT_EQ(first->size(), 12u);
  EXPECT_TRUE(IsHexPrefix(*first));
  auto again = LoadOrCreateAgentInstanceId(dir);
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(*again, *first);
  // Another root, another agent.
  char other[] = "/tmp/boxcar-instance-XXXXXX";
  ASSERT_NE(::mkdtemp(other), nullptr);
  EXPECT_NE(*LoadOrCreateAgentInstanceId(other), *first);
  // A damaged file is replaced by a new id rather than used.
  ASSERT_TRUE(WriteFileAtomically(std::string(dir) + "/instance-id", "../x\n").ok());
  auto replaced = LoadOrCreateAgentInstanceId(dir);
  ASSERT_TRUE(replaced.ok());
  EXPECT_EQ(replaced->size(), 12u);
  EXPECT_TRUE(IsHexPrefix(*replaced));
  (void)RemoveTree(dir);
  (void)RemoveTree(other);
}

}  // namespace
}  // namespace boxcar
