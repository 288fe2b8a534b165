#include "launch/log_records.h"

#include <fcntl.h>
#include <stdlib.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include "common/unique_fd.h"

namespace boxcar {
namespace {

class LogRecordsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    char path[] = "/tmp/log_records_test.XXXXXX";
    fd_.reset(::mkstemp(path));
    ASSERT_TRUE(fd_);
    ::unlink(path);
  }
  UniqueFd fd_;
};

TEST_F(LogRecordsTest, RecordsReadBackForwardsAndBackwards) {
  ASSERT_TRUE(AppendLogRecord(fd_.get(), LogRecordStream::kStdout, "one\n", 100).ok());
  ASSERT_TRUE(AppendLogRecord(fd_.get(), LogRecordStream::kStderr, "", 150).ok());
  ASSERT_TRUE(AppendLogRecord(fd_.get(), LogRecordStream::kStderr, std::string("t\0o", 3), 200).ok());
  const off_t size = ::lseek(fd_.get(), 0, SEEK_END);
  EXPECT_EQ(size, static_cast<off_t>(2 * (kLogRecordHeaderSize + kLogRecordTrailerSize) + 4 + 3))
      << "an empty chunk writes nothing";

  LogRecord first, second, before;
  ASSERT_EQ(ReadLogRecordAt(fd_.get(), 0, &first), LogRecordRead::kRecord);
  EXPECT_EQ(first.stream, LogRecordStream::kStdout);
  EXPECT_EQ(first.data, "one\n");
  EXPECT_EQ(first.unix_ns, 100);
  ASSERT_EQ(ReadLogRecordAt(fd_.get(), first.end, &second), LogRecordRead::kRecord);
  EXPECT_EQ(second.stream, LogRecordStream::kStderr);
  EXPECT_EQ(second.data, std::string("t\0o", 3));
  EXPECT_EQ(second.end, size);
  EXPECT_EQ(ReadLogRecordAt(fd_.get(), size, &before), LogRecordRead::kIncomplete);

  ASSERT_EQ(ReadLogRecordBefore(fd_.get(), size, &before), LogRecordRead::kRecord);
  EXPECT_EQ(before.offset, first.end);
  ASSERT_EQ(ReadLogRecordBefore(fd_.get(), before.offset, &before), LogRecordRead::kRecord);
  EXPECT_EQ(before.offset, 0);
  EXPECT_EQ(before.data, "one\n");
}

TEST_F(LogRecordsTest, ATornRecordIsIncompleteAtTheEndAndDamagedBeforeMore) {
  ASSERT_TRUE(AppendLogRecord(fd_.get(), LogRecordStream::kStdout, "whole\n", 1).ok());
  const off_t whole_end = ::lseek(fd_.get(), 0, SEEK_END);
  ASSERT_TRUE(AppendLogRecord(fd_.get(), LogRecordStream::kStdout, "torn apart\n", 2).ok());
  ASSERT_EQ(::ftruncate(fd_.get(), whole_end + 20), 0);  // the header and 4 bytes of data
  LogRecord record;
  EXPECT_EQ(ReadLogRecordAt(fd_.get(), whole_end, &record), LogRecordRead::kIncomplete);
  // A new shim appends after the torn bytes: its record's bytes are taken for the torn one's.
  ASSERT_TRUE(AppendLogRecord(fd_.get(), LogRecordStream::kStdout, "after a restart\n", 3).ok());
  EXPECT_EQ(ReadLogRecordAt(fd_.get(), whole_end, &record), LogRecordRead::kDamaged);
  const off_t size = ::lseek(fd_.get(), 0, SEEK_END);
  ASSERT_EQ(ReadLogRecordBefore(fd_.get(), size, &record), LogRecordRead::kRecord);
  EXPECT_EQ(record.data, "after a restart\n");
  EXPECT_EQ(ReadLogRecordBefore(fd_.get(), record.offset, &record), LogRecordRead::kDamaged);
}

TEST_F(LogRecordsTest, RawBytesAreNotRecords) {
  ASSERT_EQ(::write(fd_.get(), "hello from an old shim, long enough for a header\n", 49), 49);
  LogRecord record;
  EXPECT_EQ(ReadLogRecordAt(fd_.get(), 0, &record), LogRecordRead::kDamaged);
  EXPECT_EQ(ReadLogRecordBefore(fd_.get(), 49, &record), LogRecordRead::kDamaged);
}

}  // namespace
}  // namespace boxcar
