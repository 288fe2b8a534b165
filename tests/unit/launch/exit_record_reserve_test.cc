#include "launch/exit_record_reserve.h"

#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include "../temp_dir.h"
#include "common/atomic_file.h"
#include "common/directory_tree.h"

namespace boxcar {
namespace {

class ExitRecordReserveTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_NO_FATAL_FAILURE(MakeTempDir("/tmp/boxcar-exitres-XXXXXX", &dir_));
  }
  void TearDown() override { (void)RemoveTree(dir_); }
  std::string dir_;
};

TEST_F(ExitRecordReserveTest, AnUnwrittenReserveIsNoRecord) {
  const std::string exit_file = dir_ + "/exit.json";
  auto reserve = MakeExitRecordReserve(exit_file);
  ASSERT_TRUE(reserve.ok()) << reserve.status().message();
  struct stat st;
  ASSERT_EQ(::stat(ExitRecordReservePath(exit_file).c_str(), &st), 0);
  EXPECT_EQ(st.st_size, static_cast<off_t>(kExitRecordReserveBytes));
  EXPECT_EQ(ReadExitRecord(exit_file).status().code(), StatusCode::kNotFound);
}

TEST_F(ExitRecordReserveTest, RecordWrittenInPlaceIsReadWhenExitJsonIsMissing) {
  const std::string exit_file = dir_ + "/exit.json";
  auto reserve = MakeExitRecordReserve(exit_file);
  ASSERT_TRUE(reserve.ok());
  ExitRecord record;
  record.exit_code = 137;
  record.exit_signal = 9;
  record.finished_unix_ns = 42;
  ASSERT_TRUE(WriteExitRecordInReserve(reserve->get(), record).ok());
  auto read = ReadExitRecord(exit_file);
  ASSERT_TRUE(read.ok()) << read.status().message();
  EXPECT_EQ(read->exit_code, 137);
  EXPECT_EQ(read->exit_signal, 9);
  EXPECT_EQ(read->finished_unix_ns, 42);

  // exit.json, when there, wins.
  record.exit_code = 3;
  record.exit_signal = 0;
  ASSERT_TRUE(WriteFileAtomically(exit_file, ExitRecordToJson(record)).ok());
  read = ReadExitRecord(exit_file);
  ASSERT_TRUE(read.ok());
  EXPECT_EQ(read->exit_code, 3);
}

// RecordExit, the shims' last step: exit.json and no reserve left when it can be written; the
// reserve when it cannot (here a directory is in its way, as a full disk would be).
TEST_F(ExitRecordReserveTest, RecordExitFallsBackOnTheReserve) {
  ExitRecord record;
  record.exit_code = 3;
  const std::string written = dir_ + "/written.json";
  auto reserve = MakeExitRecordReserve(written);
  ASSERT_TRUE(reserve.ok());
  EXPECT_TRUE(RecordExit(written, record, reserve, Durability::kProcessCrash, "test"));
  EXPECT_NE(::access(written.c_str(), F_OK), -1);
  EXPECT_EQ(::access(ExitRecordReservePath(written).c_str(), F_OK), -1) << "reserve removed";

  const std::string blocked = dir_ + "/blocked.json";
  reserve = MakeExitRecordReserve(blocked);
  ASSERT_TRUE(reserve.ok());
  ASSERT_EQ(::mkdir(blocked.c_str(), 0755), 0);
  ASSERT_EQ(::mkdir((blocked + "/in-the-way").c_str(), 0755), 0);
  EXPECT_TRUE(RecordExit(blocked, record, reserve, Durability::kProcessCrash, "test"));
  auto reserved = ReadFileToString(ExitRecordReservePath(blocked));
  ASSERT_TRUE(reserved.ok());
  auto read = ExitRecordFromJson(*reserved);
  ASSERT_TRUE(read.ok()) << *reserved;
  EXPECT_EQ(read->exit_code, 3);

  // Neither: no reserve was made.
  EXPECT_FALSE(RecordExit(blocked, record, StatusOr<UniqueFd>(Internal("none")),
                          Durability::kProcessCrash, "test"));
}

}  // namespace
}  // namespace boxcar
