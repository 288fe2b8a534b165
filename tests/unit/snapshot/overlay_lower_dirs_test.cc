// DistinctLowerDirs: an image's layer directories as one overlay mount may take them, each
// once, at its topmost place.
#include "snapshot/overlay_lower_dirs.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace boxcar {
namespace {

using Dirs = std::vector<std::string>;

TEST(DistinctLowerDirsTest, DistinctDirectoriesStayAsTheyAre) {
  EXPECT_EQ(DistinctLowerDirs({}), Dirs{});
  EXPECT_EQ(DistinctLowerDirs({"/l/1"}), Dirs{"/l/1"});
  EXPECT_EQ(DistinctLowerDirs({"/l/1", "/l/2", "/l/3"}), (Dirs{"/l/1", "/l/2", "/l/3"}));
  EXPECT_EQ(DistinctLowerDirs({"/l/3", "/l/1", "/l/2"}), (Dirs{"/l/3", "/l/1", "/l/2"}))
      << "the order is the image's, not sorted";
}

TEST(DistinctLowerDirsTest, ARepeatedDirectoryKeepsItsTopmostPlace) {
  // Two no-op RUN steps: the same empty layer one above the other.
  EXPECT_EQ(DistinctLowerDirs({"/l/base", "/l/empty", "/l/empty", "/l/third"}),
            (Dirs{"/l/base", "/l/empty", "/l/third"}));
  // Apart: the lower copy goes, so the middle layer stays below the upper copy, which
  // masks it where they share a path, as in the image.
  EXPECT_EQ(DistinctLowerDirs({"/l/a", "/l/b", "/l/a"}), (Dirs{"/l/b", "/l/a"}));
  EXPECT_EQ(DistinctLowerDirs({"/l/a", "/l/b", "/l/a", "/l/c", "/l/b", "/l/a"}),
            (Dirs{"/l/c", "/l/b", "/l/a"}));
  EXPECT_EQ(DistinctLowerDirs({"/l/x", "/l/x", "/l/x"}), Dirs{"/l/x"});
}

}  // namespace
}  // namespace boxcar
