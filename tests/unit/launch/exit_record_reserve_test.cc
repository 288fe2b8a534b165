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

}  // namespace
}  // namespace boxcar
