#include "launch/stdio_frames.h"

#include <gtest/gtest.h>

namespace boxcar {
namespace {

TEST(StdioFramesTest, FramesArriveWholeWhateverTheChunks) {
  std::string wire = EncodeStdioFrame(StdioFrameType::kInput, std::string("a\0b", 3)) +
                     EncodeResizeFrame(50, 300) + EncodeStdioFrame(StdioFrameType::kEndOfInput);
  StdioFrameReader reader;
  std::vector<StdioFrame> frames;
  bool malformed = false;
  for (char byte : wire) {  // one byte at a time: the worst split a socket can give
    reader.Append(&byte, 1);
    while (auto frame = reader.Pop(&malformed)) frames.push_back(*frame);
    ASSERT_FALSE(malformed);
  }
  ASSERT_EQ(frames.size(), 3u);
  EXPECT_EQ(frames[0].type, StdioFrameType::kInput);
  EXPECT_EQ(frames[0].payload, std::string("a\0b", 3));
  EXPECT_EQ(frames[1].type, StdioFrameType::kResize);
  uint16_t rows = 0, cols = 0;
  ASSERT_TRUE(DecodeResize(frames[1].payload, &rows, &cols));
  EXPECT_EQ(rows, 50);
  EXPECT_EQ(cols, 300);
  EXPECT_EQ(frames[2].type, StdioFrameType::kEndOfInput);
  EXPECT_TRUE(frames[2].payload.empty());
}

TEST(StdioFramesTest, UnknownTypesAndOversizedFramesAreMalformed) {
  bool malformed = false;
  StdioFrameReader unknown;
  unknown.Append("x\0\0\0\0", 5);
  EXPECT_FALSE(unknown.Pop(&malformed));
  EXPECT_TRUE(malformed);
  StdioFrameReader oversized;
  oversized.Append("i\xff\xff\xff\xff", 5);
  EXPECT_FALSE(oversized.Pop(&malformed));
  EXPECT_TRUE(malformed);
  uint16_t rows, cols;
  EXPECT_FALSE(DecodeResize("abc", &rows, &cols));
}

}  // namespace
}  // namespace boxcar
