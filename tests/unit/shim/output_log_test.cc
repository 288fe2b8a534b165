// OutputLogWriter: records into the output log, rotated by size (launch/output_log_files.h).
#include "shim/output_log.h"

#include <fcntl.h>
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>
#include <string>
#include <vector>

#include "../temp_dir.h"
#include "common/unique_fd.h"
#include "launch/output_log_files.h"

namespace boxcar {
namespace {

class OutputLogWriterTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_NO_FATAL_FAILURE(MakeTempDir("/tmp/boxcar-output-log-XXXXXX", &dir_));
    path_ = dir_ + "/output.log";
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }

  // The data of every record of `file`, in order; a failure when a record is not whole.
  std::vector<std::string> Records(const std::string& file) {
    std::vector<std::string> records;
    UniqueFd fd(::open(file.c_str(), O_RDONLY | O_CLOEXEC));
    if (!fd) return records;
    LogRecord record;
    off_t offset = 0;
    for (;;) {
      LogRecordRead read = ReadLogRecordAt(fd.get(), offset, &record);
      if (read == LogRecordRead::kIncomplete) break;
      EXPECT_EQ(read, LogRecordRead::kRecord) << file << " at " << offset;
      if (read != LogRecordRead::kRecord) break;
      records.push_back(record.data);
      offset = record.end;
    }
    EXPECT_EQ(offset, static_cast<off_t>(std::filesystem::file_size(file))) << file;
    return records;
  }

  uint64_t SizeOf(const std::string& file) { return std::filesystem::file_size(file); }

  std::string dir_;
  std::string path_;
};

// 100 bytes of data: a 120-byte record.
std::string Line(int i) {
  std::string line = "line " + std::to_string(i) + " ";
  line.resize(99, 'x');
  return line + "\n";
}

TEST_F(OutputLogWriterTest, WithoutBoundOneFileGrows) {
  auto writer = OutputLogWriter::Open(path_, {});
  ASSERT_TRUE(writer.ok()) << writer.status().message();
  for (int i = 0; i < 100; ++i)
    ASSERT_TRUE(writer->Append(LogRecordStream::kStdout, Line(i), i).ok());
  EXPECT_EQ(SizeOf(path_), 100u * 120u);
  EXPECT_FALSE(std::filesystem::exists(path_ + ".1"));
}

TEST_F(OutputLogWriterTest, RotatesBeforeAFilePassesItsSizeAndDropsTheOldest) {
  auto writer = OutputLogWriter::Open(path_, {1000, 3});
  ASSERT_TRUE(writer.ok()) << writer.status().message();
  for (int i = 0; i < 100; ++i)
    ASSERT_TRUE(writer->Append(LogRecordStream::kStdout, Line(i), i).ok());
  // 8 records (960 bytes) per file: the last 100 % 8 = 4 in output.log, 8 in each of .1, .2.
  EXPECT_FALSE(std::filesystem::exists(path_ + ".3"));
  std::vector<std::string> kept;
  for (const char* suffix : {".2", ".1", ""}) {
    EXPECT_LE(SizeOf(path_ + suffix), 1000u) << suffix;
    for (auto& record : Records(path_ + suffix)) kept.push_back(record);
  }
  ASSERT_EQ(kept.size(), 20u);
  for (int i = 0; i < 20; ++i) EXPECT_EQ(kept[i], Line(80 + i));
}

TEST_F(OutputLogWriterTest, ARecordLargerThanTheBoundLandsWholeInAFileOfItsOwn) {
  auto writer = OutputLogWriter::Open(path_, {100, 2});
  ASSERT_TRUE(writer.ok());
  const std::string big(500, 'b');
  ASSERT_TRUE(writer->Append(LogRecordStream::kStdout, "small\n", 1).ok());
  ASSERT_TRUE(writer->Append(LogRecordStream::kStderr, big, 2).ok());
  EXPECT_EQ(Records(path_ + ".1"), std::vector<std::string>{"small\n"});
  EXPECT_EQ(Records(path_), std::vector<std::string>{big});
}

// shim/output_log.h's kOutputLogLineEndSlack, as documented.
constexpr uint64_t kLineEndSlack = 16 * 1024;

// A file past its bound that ends inside a line takes the chunk up to its first newline; the
// rest starts the next file, at a line start.
TEST_F(OutputLogWriterTest, RotatesAtTheEndOfTheLineInProgress) {
  auto writer = OutputLogWriter::Open(path_, {200, 3});
  ASSERT_TRUE(writer.ok());
  const std::string begun(150, 'a');  // 170 bytes, inside a line
  ASSERT_TRUE(writer->Append(LogRecordStream::kStdout, begun, 1).ok());
  ASSERT_TRUE(writer->Append(LogRecordStream::kStdout, "tail-of-line\nnext\n", 2).ok());
  EXPECT_EQ(Records(path_ + ".1"), (std::vector<std::string>{begun, "tail-of-line\n"}));
  EXPECT_EQ(Records(path_), std::vector<std::string>{"next\n"});
  EXPECT_LE(SizeOf(path_ + ".1"), 200u + kLineEndSlack);
}

// A chunk without a newline stays in the file while it fits the slack; the chunk that ends the
// line ends the file, and the next line starts a new one.
TEST_F(OutputLogWriterTest, ALineGoesOnInItsFileWithinTheSlack) {
  auto writer = OutputLogWriter::Open(path_, {200, 3});
  ASSERT_TRUE(writer.ok());
  const std::string begun(150, 'a'), more(1000, 'b');
  ASSERT_TRUE(writer->Append(LogRecordStream::kStdout, begun, 1).ok());
  ASSERT_TRUE(writer->Append(LogRecordStream::kStderr, more, 2).ok());
  EXPECT_FALSE(std::filesystem::exists(path_ + ".1"));
  ASSERT_TRUE(writer->Append(LogRecordStream::kStdout, "c\n", 3).ok());
  EXPECT_FALSE(std::filesystem::exists(path_ + ".1")) << "rotated when the next record comes";
  ASSERT_TRUE(writer->Append(LogRecordStream::kStdout, "d\n", 4).ok());
  EXPECT_EQ(Records(path_ + ".1"), (std::vector<std::string>{begun, more, "c\n"}));
  EXPECT_EQ(Records(path_), std::vector<std::string>{"d\n"});
}

// A line longer than the slack is cut at it: no file passes max-size + slack (unless it holds
// one record), and nothing is lost.
TEST_F(OutputLogWriterTest, ALineLongerThanTheSlackIsCutSoTheBoundHolds) {
  auto writer = OutputLogWriter::Open(path_, {200, 20});
  ASSERT_TRUE(writer.ok());
  const std::string piece(4000, 'p');  // 4020-byte records, never a newline
  for (int i = 0; i < 20; ++i) ASSERT_TRUE(writer->Append(LogRecordStream::kStdout, piece, i).ok());
  size_t pieces = 0;
  for (uint32_t generation = 0; generation < 20; ++generation) {
    const std::string file = OutputLogGenerationName(path_, generation);
    if (!std::filesystem::exists(file)) continue;
    EXPECT_LE(SizeOf(file), 200u + kLineEndSlack) << file;
    pieces += Records(file).size();
  }
  EXPECT_EQ(pieces, 20u);
  EXPECT_TRUE(std::filesystem::exists(path_ + ".1")) << "rotated inside the line";
}

TEST_F(OutputLogWriterTest, OneFileIsStartedAfresh) {
  auto writer = OutputLogWriter::Open(path_, {250, 1});
  ASSERT_TRUE(writer.ok());
  for (int i = 0; i < 5; ++i)
    ASSERT_TRUE(writer->Append(LogRecordStream::kStdout, Line(i), i).ok());
  EXPECT_EQ(Records(path_), (std::vector<std::string>{Line(4)}));
  EXPECT_FALSE(std::filesystem::exists(path_ + ".1"));
}

// A restarted container (a new shim) counts what its last run left and rotates on time.
TEST_F(OutputLogWriterTest, ANewWriterCountsTheExistingFile) {
  {
    auto writer = OutputLogWriter::Open(path_, {1000, 2});
    ASSERT_TRUE(writer.ok());
    for (int i = 0; i < 7; ++i)
      ASSERT_TRUE(writer->Append(LogRecordStream::kStdout, Line(i), i).ok());
  }
  auto writer = OutputLogWriter::Open(path_, {1000, 2});
  ASSERT_TRUE(writer.ok());
  for (int i = 7; i < 10; ++i)
    ASSERT_TRUE(writer->Append(LogRecordStream::kStdout, Line(i), i).ok());
  EXPECT_EQ(Records(path_ + ".1").size(), 8u);
  EXPECT_EQ(Records(path_), (std::vector<std::string>{Line(8), Line(9)}));
}

// A shim killed in the middle of a rotation leaves a gap (output.log.1 renamed on, output.log
// not yet): the next rotation goes on past it.
TEST_F(OutputLogWriterTest, AGapLeftByACrashedRotationIsSkipped) {
  auto writer = OutputLogWriter::Open(path_, {300, 4});
  ASSERT_TRUE(writer.ok());
  for (int i = 0; i < 4; ++i)
    ASSERT_TRUE(writer->Append(LogRecordStream::kStdout, Line(i), i).ok());
  ASSERT_EQ(::rename((path_ + ".1").c_str(), (path_ + ".2").c_str()), 0);
  for (int i = 4; i < 6; ++i)
    ASSERT_TRUE(writer->Append(LogRecordStream::kStdout, Line(i), i).ok());
  UniqueFd dir(::open(dir_.c_str(), O_PATH | O_DIRECTORY | O_CLOEXEC));
  EXPECT_EQ(OutputLogGenerations(dir.get(), "output.log"), (std::vector<uint32_t>{3, 1, 0}));
  EXPECT_EQ(Records(path_ + ".3"), (std::vector<std::string>{Line(0), Line(1)}));
  EXPECT_EQ(Records(path_ + ".1"), (std::vector<std::string>{Line(2), Line(3)}));
  EXPECT_EQ(Records(path_), (std::vector<std::string>{Line(4), Line(5)}));
}

TEST_F(OutputLogWriterTest, NoPathKeepsNothing) {
  auto writer = OutputLogWriter::Open("", {1000, 3});
  ASSERT_TRUE(writer.ok());
  EXPECT_FALSE(writer->keeps_output());
  EXPECT_TRUE(writer->Append(LogRecordStream::kStdout, "dropped\n", 1).ok());
  EXPECT_TRUE(std::filesystem::is_empty(dir_));
}

TEST(OutputLogGenerations, ListsOnlyThisLogsNumberedFilesOldestFirst) {
  std::string dir;
  ASSERT_NO_FATAL_FAILURE(MakeTempDir("/tmp/boxcar-output-log-XXXXXX", &dir));
  for (const char* name : {"output.log", "output.log.1", "output.log.10", "output.log.2",
                           "output.log.x", "output.log.01", "output.log.", "shim.log.1"}) {
    UniqueFd(::open((dir + "/" + name).c_str(), O_CREAT | O_WRONLY | O_CLOEXEC, 0600));
  }
  UniqueFd dir_fd(::open(dir.c_str(), O_PATH | O_DIRECTORY | O_CLOEXEC));
  EXPECT_EQ(OutputLogGenerations(dir_fd.get(), "output.log"), (std::vector<uint32_t>{10, 2, 1, 0}));
  std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace boxcar
