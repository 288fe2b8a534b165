#include "cli/terminal_session.h"

#include <gtest/gtest.h>

namespace boxcar::cli {
namespace {

TEST(DetachKeysTest, TheDefaultSequenceDetachesAndIsNotPassedOn) {
  auto keys = DetachKeys::Parse("ctrl-p,ctrl-q");
  ASSERT_TRUE(keys);
  bool detach = false;
  EXPECT_EQ(keys->Filter("ls\r\x10", &detach), "ls\r");
  EXPECT_FALSE(detach) << "Ctrl-P alone is held back until the next key decides";
  EXPECT_EQ(keys->Filter("\x11", &detach), "");
  EXPECT_TRUE(detach);
}

TEST(DetachKeysTest, AnIncompleteSequencePassesThrough) {
  auto keys = DetachKeys::Parse("ctrl-p,ctrl-q");
  ASSERT_TRUE(keys);
  bool detach = false;
  EXPECT_EQ(keys->Filter("\x10x", &detach), "\x10x");
  EXPECT_FALSE(detach);
  EXPECT_EQ(keys->Filter("\x10\x10\x11", &detach), "\x10");
  EXPECT_TRUE(detach);
}

TEST(DetachKeysTest, ParsesDockerSpellingsAndRefusesOthers) {
  auto keys = DetachKeys::Parse("ctrl-a,x");
  ASSERT_TRUE(keys);
  bool detach = false;
  EXPECT_EQ(keys->Filter("\x01x", &detach), "");
  EXPECT_TRUE(detach);
  EXPECT_FALSE(DetachKeys::Parse(""));
  EXPECT_FALSE(DetachKeys::Parse("ctrl-"));
  EXPECT_FALSE(DetachKeys::Parse("ctrl-p,,ctrl-q"));
  EXPECT_FALSE(DetachKeys::Parse("alt-p"));
}

}  // namespace
}  // namespace boxcar::cli
