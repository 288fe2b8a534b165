// BackgroundDecompressor over a scripted LayerDecompressor: order, the observer's thread,
// errors after the blocks before them, and a reader that stops midway.
#include "store/background_decompressor.h"

#include <gtest/gtest.h>

#include <atomic>
#include <memory>
#include <string>
#include <thread>
#include <vector>

namespace boxcar {
namespace {

// Hands out `blocks` in order, then the end, or an error when `fail` (or forever: `endless`).
class ScriptedDecompressor : public LayerDecompressor {
 public:
  ScriptedDecompressor(std::vector<std::string> blocks, bool fail, bool endless = false)
      : blocks_(std::move(blocks)), fail_(fail), endless_(endless) {}
  bool Next(const void** block, size_t* size) override {
    *block = nullptr;
    *size = 0;
    if (endless_) {
      current_ = "more";
      *block = current_.data();
      *size = current_.size();
      ++calls;
      return true;
    }
    if (next_ == blocks_.size()) return !fail_;
    current_ = blocks_[next_++];
    *block = current_.data();
    *size = current_.size();
    return true;
  }
  std::string ErrorText() const override { return "scripted failure"; }
  bool compressed() const override { return true; }
  const char* name() const override { return "scripted"; }
  std::atomic<int> calls{0};

 private:
  std::vector<std::string> blocks_;
  bool fail_;
  bool endless_;
  size_t next_ = 0;
  std::string current_;
};

std::vector<std::string> Blocks(int count) {
  std::vector<std::string> blocks;
  for (int i = 0; i < count; ++i) blocks.push_back("block " + std::to_string(i) + ";");
  return blocks;
}

TEST(BackgroundDecompressorTest, BlocksArriveInOrderAndAreObservedOnAnotherThread) {
  const auto blocks = Blocks(100);  // more than the queue holds
  std::string observed;
  std::thread::id observer_thread;
  BackgroundDecompressor background(std::make_unique<ScriptedDecompressor>(blocks, false),
                                    [&](const void* block, size_t size) {
                                      observed.append(static_cast<const char*>(block), size);
                                      observer_thread = std::this_thread::get_id();
                                    });
  EXPECT_TRUE(background.compressed());
  EXPECT_STREQ(background.name(), "scripted");
  std::string read;
  for (;;) {
    const void* block;
    size_t size;
    ASSERT_TRUE(background.Next(&block, &size));
    if (size == 0) break;
    read.append(static_cast<const char*>(block), size);
  }
  std::string expected;
  for (const auto& block : blocks) expected += block;
  EXPECT_EQ(read, expected);
  EXPECT_EQ(observed, expected);
  EXPECT_NE(observer_thread, std::this_thread::get_id());
  const void* block;
  size_t size;
  EXPECT_TRUE(background.Next(&block, &size));  // the end stays the end
  EXPECT_EQ(size, 0u);
}

TEST(BackgroundDecompressorTest, AnErrorComesAfterTheBlocksBeforeIt) {
  BackgroundDecompressor background(std::make_unique<ScriptedDecompressor>(Blocks(3), true),
                                    nullptr);
  const void* block;
  size_t size;
  for (int i = 0; i < 3; ++i) {
    ASSERT_TRUE(background.Next(&block, &size));
    EXPECT_EQ(std::string(static_cast<const char*>(block), size),
              "block " + std::to_string(i) + ";");
  }
  EXPECT_FALSE(background.Next(&block, &size));
  EXPECT_EQ(background.ErrorText(), "scripted failure");
}

TEST(BackgroundDecompressorTest, AReaderThatStopsMidwayStopsTheThread) {
  auto endless = std::make_unique<ScriptedDecompressor>(std::vector<std::string>{}, false, true);
  ScriptedDecompressor* inner = endless.get();
  {
    BackgroundDecompressor background(std::move(endless), nullptr);
    const void* block;
    size_t size;
    ASSERT_TRUE(background.Next(&block, &size));
    ASSERT_TRUE(background.Next(&block, &size));
    // The destructor must return although the inner stream never ends.
    (void)inner;
  }
  SUCCEED();
}

}  // namespace
}  // namespace boxcar
