// COPY's copier stops between entries once its cancel check says the client is gone.
#include "build/copy_into_layer.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "../temp_dir.h"

namespace boxcar {
namespace {

class CopyIntoLayerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_NO_FATAL_FAILURE(MakeTempDir("/tmp/boxcar-copy-layer-XXXXXX", &dir_));
    std::filesystem::create_directories(dir_ + "/context/tree");
    std::filesystem::create_directories(dir_ + "/image");
    std::filesystem::create_directories(dir_ + "/layer");
    for (const char* name : {"a", "b", "c", "d"}) {
      std::ofstream(dir_ + "/context/tree/" + name) << name;
    }
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }

  Status Copy(std::function<bool()> cancelled) {
    CopyOptions options;
    options.destination = "/dest";
    options.cancelled = std::move(cancelled);
    ImageRootfsView image({dir_ + "/image"});
    return CopyIntoLayer({{"tree", dir_ + "/context/tree", false}}, dir_ + "/layer", options,
                         image);
  }
  size_t Copied() const {
    size_t count = 0;
    for (const auto& entry : std::filesystem::directory_iterator(dir_ + "/layer/dest")) {
      (void)entry;
      ++count;
    }
    return count;
  }
  std::string dir_;
};

TEST_F(CopyIntoLayerTest, CopiesEverythingWhileTheClientStays) {
  int polls = 0;
  ASSERT_TRUE(Copy([&] { return ++polls < 0; }).ok());
  EXPECT_EQ(Copied(), 4u);
  EXPECT_GE(polls, 4) << "the check is polled for each entry";
}

TEST_F(CopyIntoLayerTest, StopsOnceTheClientIsGone) {
  int polls = 0;
  Status copied = Copy([&] { return ++polls > 2; });
  EXPECT_EQ(copied.code(), StatusCode::kCancelled) << copied.message();
  EXPECT_LT(Copied(), 4u);
}

}  // namespace
}  // namespace boxcar
