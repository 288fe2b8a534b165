// .dockerignore patterns: globs within a component, ** across them, parents, exceptions.
#include "cli/dockerignore.h"

#include <gtest/gtest.h>

namespace boxcar::cli {
namespace {

TEST(DockerIgnoreTest, PatternsParentsAndExceptions) {
  DockerIgnore ignore(
      "# comment\n"
      "*.log\n"
      "/build\n"
      "docs/**/*.tmp\n"
      "secret?\n"
      "keep/*\n"
      "!keep/this\n");
  EXPECT_TRUE(ignore.Excluded("a.log"));
  EXPECT_FALSE(ignore.Excluded("sub/a.log")) << "* stays within one component";
  EXPECT_TRUE(ignore.Excluded("build"));
  EXPECT_TRUE(ignore.Excluded("build/out/x.o")) << "a matching parent excludes its tree";
  EXPECT_TRUE(ignore.Excluded("docs/a/b/c.tmp"));
  EXPECT_TRUE(ignore.Excluded("docs/c.tmp"));
  EXPECT_TRUE(ignore.Excluded("secret1"));
  EXPECT_FALSE(ignore.Excluded("secret12"));
  EXPECT_TRUE(ignore.Excluded("keep/that"));
  EXPECT_FALSE(ignore.Excluded("keep/this"));
  EXPECT_TRUE(ignore.HasExceptions());
  EXPECT_FALSE(ignore.Excluded("Dockerfile"));
  EXPECT_FALSE(DockerIgnore("").Excluded("anything"));
}

}  // namespace
}  // namespace boxcar::cli
