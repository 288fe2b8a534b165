#include "common/disk_full.h"

#include <gtest/gtest.h>

#include <cerrno>

namespace boxcar {
namespace {

TEST(DiskFullTest, EnospcAndSqliteFullAreExplainedWithTheRoot) {
  Status enospc = ErrnoStatus("write '/r/tmp/blob-1'", ENOSPC);
  ASSERT_TRUE(IsDiskFull(enospc));
  Status explained = ExplainDiskFull(enospc, "/r");
  EXPECT_EQ(explained.code(), StatusCode::kResourceExhausted);
  EXPECT_EQ(explained.message(),
            "no space left on the filesystem of /r (free space there, e.g. boxcar image prune, "
            "boxcar rm of unused containers): write '/r/tmp/blob-1': No space left on device");
  // Said once, however many layers explain it again.
  EXPECT_EQ(ExplainDiskFull(explained.Annotate("pull x"), "/r").message(),
            "pull x: " + explained.message());

  Status sqlite_full = Internal("database '/r/state.db': database or disk is full");
  EXPECT_EQ(ExplainDiskFull(sqlite_full, "/r").code(), StatusCode::kResourceExhausted);
  EXPECT_TRUE(IsDiskFull(ErrnoStatus("write x", EDQUOT)));
}

TEST(DiskFullTest, OtherErrorsAreLeftAsTheyAre) {
  for (const Status& other : {ErrnoStatus("allocate", ENOMEM), Internal("database: locked"),
                              InvalidArgument("source: no such tag"), OkStatus()}) {
    Status same = ExplainDiskFull(other, "/r");
    EXPECT_EQ(same.code(), other.code());
    EXPECT_EQ(same.message(), other.message());
  }
}

}  // namespace
}  // namespace boxcar
