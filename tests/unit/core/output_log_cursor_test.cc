#include "core/output_log_cursor.h"

#include <fcntl.h>
#include <gtest/gtest.h>
#include <stdlib.h>
#include <unistd.h>

#include <filesystem>
#include <string>
#include <vector>

#include "../temp_dir.h"
#include "common/unique_fd.h"
#include "core/container_paths.h"
#include "shim/output_log.h"

namespace boxcar {
namespace {

struct Piece {
  LogRecordStream stream;
  std::string bytes;
  int64_t unix_ns;
  bool operator==(const Piece& other) const {
    return stream == other.stream && bytes == other.bytes && unix_ns == other.unix_ns;
  }
};

std::ostream& operator<<(std::ostream& out, const Piece& piece) {
  return out << (piece.stream == LogRecordStream::kStderr ? "err:" : "out:") << piece.bytes << "@"
             << piece.unix_ns;
}

constexpr LogRecordStream kOut = LogRecordStream::kStdout;
constexpr LogRecordStream kErr = LogRecordStream::kStderr;

class OutputLogCursorTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_NO_FATAL_FAILURE(MakeTempDir("/tmp/output_log_cursor_test.XXXXXX", &state_dir_));
  }
  void TearDown() override { std::filesystem::remove_all(state_dir_); }

  void Append(LogRecordStream stream, const std::string& bytes, int64_t unix_ns) {
    UniqueFd fd(::open((state_dir_ + kOutputLogFile).c_str(),
                       O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0640));
    ASSERT_TRUE(fd);
    ASSERT_TRUE(AppendLogRecord(fd.get(), stream, bytes, unix_ns).ok());
  }

  std::vector<Piece> ReadAll(OutputLogCursor& cursor,
                             OutputLogCursor::Pass* last_pass = nullptr) {
    std::vector<Piece> pieces;
    OutputLogCursor::Pass pass = cursor.ReadAvailable(
        [&](LogRecordStream stream, std::string_view bytes, int64_t unix_ns) {
          pieces.push_back({stream, std::string(bytes), unix_ns});
          return true;
        });
    if (last_pass) *last_pass = pass;
    return pieces;
  }

  std::vector<Piece> Read(const OutputLogFilter& filter) {
    OutputLogCursor cursor = OutputLogCursor::Open(state_dir_, filter);
    return ReadAll(cursor);
  }

  // out-1 err-1 ... out-5 err-5, then "last" without its newline; output i at time i*10.
  void WriteSample() {
    for (int i = 1; i <= 5; ++i) {
      Append(kOut, "out-" + std::to_string(i) + "\n", i * 10);
      Append(kErr, "err-" + std::to_string(i) + "\n", i * 10 + 5);
    }
    Append(kOut, "last", 60);
  }

  std::string state_dir_;
};

TEST_F(OutputLogCursorTest, BothStreamsComeInTheOrderWrittenWithTheirTimes) {
  WriteSample();
  std::vector<Piece> all = Read({});
  ASSERT_EQ(all.size(), 11u);
  EXPECT_EQ(all[0], (Piece{kOut, "out-1\n", 10}));
  EXPECT_EQ(all[1], (Piece{kErr, "err-1\n", 15}));
  EXPECT_EQ(all[10], (Piece{kOut, "last", 60}));
}

TEST_F(OutputLogCursorTest, TailCountsLinesOfBothStreamsFromTheEnd) {
  WriteSample();
  EXPECT_EQ(Read({.tail = 2}), (std::vector<Piece>{{kErr, "err-5\n", 55}, {kOut, "last", 60}}));
  EXPECT_TRUE(Read({.tail = 0}).empty());
  EXPECT_EQ(Read({.tail = 100}).size(), 11u);
  // A record of several lines is cut at a line's start.
  Append(kOut, "a\nb\nc\n", 70);
  EXPECT_EQ(Read({.tail = 2}), (std::vector<Piece>{{kOut, "b\nc\n", 70}}));
  EXPECT_EQ(Read({.tail = 4}), (std::vector<Piece>{{kOut, "last", 60}, {kOut, "a\nb\nc\n", 70}}));
}

TEST_F(OutputLogCursorTest, SinceAndUntilKeepTheRecordsBetweenBothIncluded) {
  WriteSample();
  std::vector<Piece> between = Read({.since_unix_ns = 20, .until_unix_ns = 35});
  EXPECT_EQ(between, (std::vector<Piece>{
                         {kOut, "out-2\n", 20}, {kErr, "err-2\n", 25}, {kOut, "out-3\n", 30},
                         {kErr, "err-3\n", 35}}));
  EXPECT_EQ(Read({.tail = 1, .since_unix_ns = 20, .until_unix_ns = 35}),
            (std::vector<Piece>{{kErr, "err-3\n", 35}}))
      << "the tail of what the times keep";
  EXPECT_EQ(Read({.tail = 100, .since_unix_ns = 50}).size(), 3u);
  EXPECT_TRUE(Read({.since_unix_ns = 61}).empty());
  OutputLogCursor cursor = OutputLogCursor::Open(state_dir_, {.until_unix_ns = 12});
  OutputLogCursor::Pass pass;
  EXPECT_EQ(ReadAll(cursor, &pass).size(), 1u);
  EXPECT_EQ(pass, OutputLogCursor::Pass::kPastUntil);
}

TEST_F(OutputLogCursorTest, FollowsWhatIsAppendedAndSkipsPastDamage) {
  OutputLogCursor from_start = OutputLogCursor::Open(state_dir_, {});
  OutputLogCursor::Pass pass;
  EXPECT_TRUE(ReadAll(from_start, &pass).empty()) << "no log yet";
  EXPECT_EQ(pass, OutputLogCursor::Pass::kNothingNew);
  Append(kOut, "first\n", 1);
  OutputLogCursor at_end = OutputLogCursor::AtEnd(state_dir_);
  EXPECT_EQ(ReadAll(from_start).size(), 1u);
  // A shim killed in the middle of a write (12 bytes of a header claiming 8 bytes of data),
  // then a new one appending.
  {
    UniqueFd fd(::open((state_dir_ + kOutputLogFile).c_str(), O_WRONLY | O_APPEND | O_CLOEXEC));
    ASSERT_EQ(::write(fd.get(), "\x01OLB\x08\x00\x00\x00torn", 12), 12);
  }
  EXPECT_TRUE(ReadAll(from_start, &pass).empty());
  EXPECT_EQ(pass, OutputLogCursor::Pass::kNothingNew) << "maybe a write in progress";
  Append(kErr, "after\n", 2);
  EXPECT_EQ(ReadAll(from_start), (std::vector<Piece>{{kErr, "after\n", 2}}));
  EXPECT_EQ(ReadAll(at_end), (std::vector<Piece>{{kErr, "after\n", 2}}));
}

TEST_F(OutputLogCursorTest, LogsOfOldShimsAreReadRawWithoutTimes) {
  for (auto [file, text] : {std::pair{kStdoutLogFile, "o1\no2\no3\n"}, std::pair{kStderrLogFile, "e1\n"}}) {
    UniqueFd fd(::open((state_dir_ + file).c_str(), O_WRONLY | O_CREAT | O_CLOEXEC, 0640));
    ASSERT_EQ(::write(fd.get(), text, std::strlen(text)), static_cast<ssize_t>(std::strlen(text)));
  }
  EXPECT_EQ(Read({}), (std::vector<Piece>{{kOut, "o1\no2\no3\n", 0}, {kErr, "e1\n", 0}}));
  EXPECT_EQ(Read({.tail = 1}), (std::vector<Piece>{{kOut, "o3\n", 0}, {kErr, "e1\n", 0}}))
      << "per file, as before";
  EXPECT_TRUE(Read({.since_unix_ns = 1}).empty()) << "no time is after a since";
}

// Rotated logs (shim/output_log.h): "line-i\n" at time i, 16 + 7..9 + 4 bytes a record.
class RotatedOutputLogTest : public OutputLogCursorTest {
 protected:
  void SetUp() override {
    OutputLogCursorTest::SetUp();
    auto writer = OutputLogWriter::Open(state_dir_ + kOutputLogFile, {100, 3});
    ASSERT_TRUE(writer.ok());
    writer_ = std::move(*writer);
  }
  void Write(int from, int to) {
    for (int i = from; i < to; ++i) {
      ASSERT_TRUE(writer_.Append(kOut, "line-" + std::to_string(i) + "\n", i).ok());
    }
  }
  static std::vector<Piece> Lines(int from, int to) {
    std::vector<Piece> pieces;
    for (int i = from; i < to; ++i) pieces.push_back({kOut, "line-" + std::to_string(i) + "\n", i});
    return pieces;
  }
  bool Exists(const std::string& suffix) {
    return std::filesystem::exists(state_dir_ + kOutputLogFile + suffix);
  }
  OutputLogWriter writer_;
};

TEST_F(RotatedOutputLogTest, ReadsTheKeptFilesOldestFirst) {
  Write(0, 30);  // 3 records (84 bytes) a file: 0-2 ... 27-29; 21-29 kept
  ASSERT_TRUE(Exists(".2"));
  ASSERT_FALSE(Exists(".3"));
  EXPECT_EQ(Read({}), Lines(21, 30));
}

TEST_F(RotatedOutputLogTest, TailAndSinceReachIntoOlderFiles) {
  Write(0, 30);
  EXPECT_EQ(Read({.tail = 5}), Lines(25, 30));
  EXPECT_EQ(Read({.tail = 8}), Lines(22, 30));
  EXPECT_EQ(Read({.tail = 100}), Lines(21, 30));
  EXPECT_EQ(Read({.tail = 4, .until_unix_ns = 26}), Lines(23, 27));
  EXPECT_EQ(Read({.tail = 100, .since_unix_ns = 23}), Lines(23, 30));
  EXPECT_EQ(Read({.since_unix_ns = 22, .until_unix_ns = 25}), Lines(22, 26));
}

TEST_F(RotatedOutputLogTest, AFollowerGoesOnAcrossRotationsWithoutLossOrRepeats) {
  Write(0, 2);
  OutputLogCursor from_start = OutputLogCursor::Open(state_dir_, {});
  OutputLogCursor at_end = OutputLogCursor::AtEnd(state_dir_);
  OutputLogCursor tail = OutputLogCursor::Open(state_dir_, {.tail = 1});
  EXPECT_EQ(ReadAll(from_start), Lines(0, 2));
  EXPECT_EQ(ReadAll(tail), Lines(1, 2));
  std::vector<Piece> followed[3];
  OutputLogCursor* cursors[3] = {&from_start, &at_end, &tail};
  // One rotation between reads, then two (the file being read lands at .2), then one of each.
  for (auto [from, to] : {std::pair{2, 5}, std::pair{5, 11}, std::pair{11, 12}, std::pair{12, 13},
                          std::pair{13, 14}, std::pair{14, 17}}) {
    Write(from, to);
    for (int i = 0; i < 3; ++i) {
      for (auto& piece : ReadAll(*cursors[i])) followed[i].push_back(piece);
    }
  }
  EXPECT_EQ(followed[0], Lines(2, 17)) << "from the start";
  EXPECT_EQ(followed[1], Lines(2, 17)) << "from the end";
  EXPECT_EQ(followed[2], Lines(2, 17)) << "from the tail";
}

// Records dropped with the oldest file before a slow follower got to them are lost; it goes
// on with the oldest kept, in order.
TEST_F(RotatedOutputLogTest, AFollowerOvertakenByTheDropGoesOnWithTheOldestKept) {
  Write(0, 2);
  OutputLogCursor cursor = OutputLogCursor::Open(state_dir_, {});
  EXPECT_EQ(ReadAll(cursor), Lines(0, 2));
  Write(2, 30);                               // 0-2 was dropped long ago; 21-29 kept
  std::vector<Piece> expected = Lines(2, 3);  // still in the dropped file the cursor has open
  for (auto& piece : Lines(21, 30)) expected.push_back(piece);
  EXPECT_EQ(ReadAll(cursor), expected);
}

}  // namespace
}  // namespace boxcar
