#include "core/legacy_output.h"

#include <fcntl.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <cstring>
#include <filesystem>

#include "common/unique_fd.h"
#include "core/container_paths.h"
#include "core/output_log_cursor.h"
#include "../temp_dir.h"

namespace boxcar {
namespace {

class LegacyOutputTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_NO_FATAL_FAILURE(MakeTempDir("/tmp/legacy_output_test.XXXXXX", &state_dir_));
  }
  void TearDown() override { std::filesystem::remove_all(state_dir_); }

  void Write(const char* file, const std::string& text) {
    UniqueFd fd(::open((state_dir_ + file).c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0640));
    ASSERT_TRUE(fd);
    ASSERT_EQ(::write(fd.get(), text.data(), text.size()), static_cast<ssize_t>(text.size()));
  }
  bool Exists(const char* file) { return ::access((state_dir_ + file).c_str(), F_OK) == 0; }

  std::string ReadAll() {
    std::string text;
    OutputLogCursor cursor = OutputLogCursor::Open(state_dir_, {});
    cursor.ReadAvailable([&](LogRecordStream stream, std::string_view bytes, int64_t unix_ns) {
      EXPECT_GT(unix_ns, 0) << bytes;
      text += (stream == LogRecordStream::kStderr ? "E:" : "O:") + std::string(bytes);
      return true;
    });
    return text;
  }

  std::string state_dir_;
};

TEST_F(LegacyOutputTest, OldOutputBecomesRecordsAheadOfTheNew) {
  Write(kStdoutLogFile, "old out\n");
  Write(kStderrLogFile, "old err\n");
  ASSERT_TRUE(ConvertLegacyOutput(state_dir_).ok());
  EXPECT_FALSE(Exists(kStdoutLogFile));
  EXPECT_FALSE(Exists(kStderrLogFile));
  EXPECT_TRUE(Exists(kOutputLogFile));
  {
    UniqueFd fd(::open((state_dir_ + kOutputLogFile).c_str(), O_WRONLY | O_APPEND | O_CLOEXEC));
    ASSERT_TRUE(AppendLogRecord(fd.get(), LogRecordStream::kStdout, "new\n", 42).ok());
  }
  EXPECT_EQ(ReadAll(), "O:old out\nE:old err\nO:new\n");
  ASSERT_TRUE(ConvertLegacyOutput(state_dir_).ok()) << "nothing left to convert";
  EXPECT_EQ(ReadAll(), "O:old out\nE:old err\nO:new\n");
}

TEST_F(LegacyOutputTest, ACrashAfterTheRenameConvertsNothingTwice) {
  Write(kStdoutLogFile, "old\n");
  ASSERT_TRUE(ConvertLegacyOutput(state_dir_).ok());
  Write(kStdoutLogFile, "old\n");  // as if the unlink had not happened
  ASSERT_TRUE(ConvertLegacyOutput(state_dir_).ok());
  EXPECT_FALSE(Exists(kStdoutLogFile));
  EXPECT_EQ(ReadAll(), "O:old\n");
}

TEST_F(LegacyOutputTest, WithoutLegacyLogsNothingIsCreated) {
  ASSERT_TRUE(ConvertLegacyOutput(state_dir_).ok());
  EXPECT_FALSE(Exists(kOutputLogFile));
}

}  // namespace
}  // namespace boxcar
