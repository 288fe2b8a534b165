// ImageStore::BlobPull: blobs fetched one at a time become an image only at Finish; layers
// written in pieces are unpacked as they arrive; a digest mismatch or a pull dropped midway
// leaves nothing; a layer the store has is kept without a download.
#include <gtest/gtest.h>

#include "common/atomic_file.h"
#include "image_store_fixture.h"

namespace boxcar {
namespace {

class ImageStorePullTest : public ImageStoreTest {
 protected:
  // The rootfs tarball as a layer, and a config naming it.
  void SetUp() override {
    ImageStoreTest::SetUp();
    auto layer = ReadFileToString(tar_);
    ASSERT_TRUE(layer.ok());
    layer_ = *layer;
    layer_digest_ = Sha256Digest(layer_);
    v1::ImageConfig config;
    config.add_cmd("sh");
    config_ = BuildOciConfigJson(config, {layer_digest_});
    config_digest_ = Sha256Digest(config_);
  }

  // Writes the layer in 3 pieces, as HTTP chunks would come.
  Status DownloadLayer(ImageStore::BlobPull* pull) {
    auto download = pull->BeginLayer(layer_digest_, layer_.size());
    if (!download.ok()) return download.status();
    size_t third = layer_.size() / 3;
    RETURN_IF_ERROR((*download)->Write(layer_.data(), third));
    RETURN_IF_ERROR((*download)->Write(layer_.data() + third, third));
    RETURN_IF_ERROR((*download)->Write(layer_.data() + 2 * third, layer_.size() - 2 * third));
    return (*download)->Commit();
  }

  std::string layer_;
  std::string layer_digest_;
  std::string config_;
  std::string config_digest_;
};

TEST_F(ImageStorePullTest, BlobsBecomeAnImageOnlyAtFinish) {
  auto pull = images_->BeginBlobPull();
  ASSERT_TRUE(pull.ok());
  ASSERT_TRUE((*pull)->StoreBlob(config_, config_digest_).ok());
  EXPECT_FALSE((*pull)->KeepExistingLayer(layer_digest_));
  ASSERT_TRUE(DownloadLayer(pull->get()).ok());
  EXPECT_EQ(CountRows("images"), 0);
  EXPECT_EQ(CountRows("layers"), 0);
  auto image =
      (*pull)->Finish({"registry.test/app:1", "mirror/app:1"}, config_digest_, {layer_digest_});
  ASSERT_TRUE(image.ok()) << image.status().message();
  pull->reset();
  EXPECT_EQ(image->id(), config_digest_);
  EXPECT_EQ(References(*image), (std::vector<std::string>{"mirror/app:1", "registry.test/app:1"}));
  EXPECT_EQ(CountRows("layers"), 1);
  EXPECT_TRUE(ListNames(dir_ + "/tmp").empty());
  auto dirs = images_->LayerDirectories(image->id());
  ASSERT_TRUE(dirs.ok());
  auto hostname = ReadFileToString((*dirs)[0] + "/etc/hostname");
  ASSERT_TRUE(hostname.ok());
  EXPECT_EQ(*hostname, "busybox\n");

  // Again: the layer is kept, not downloaded.
  auto again = images_->BeginBlobPull();
  ASSERT_TRUE(again.ok());
  EXPECT_TRUE((*again)->KeepExistingBlob(config_digest_));
  EXPECT_TRUE((*again)->KeepExistingLayer(layer_digest_));
  auto same = (*again)->Finish({"registry.test/app:2"}, config_digest_, {layer_digest_});
  ASSERT_TRUE(same.ok()) << same.status().message();
  EXPECT_EQ(same->id(), image->id());
  EXPECT_EQ(CountRows("layers"), 1);
}

TEST_F(ImageStorePullTest, DigestMismatchAndDroppedPullsLeaveNothing) {
  {
    auto pull = images_->BeginBlobPull();
    ASSERT_TRUE(pull.ok());
    auto download = (*pull)->BeginLayer("sha256:" + std::string(64, 'a'), layer_.size());
    ASSERT_TRUE(download.ok());
    ASSERT_TRUE((*download)->Write(layer_.data(), layer_.size()).ok());
    Status committed = (*download)->Commit();
    EXPECT_EQ(committed.code(), StatusCode::kInvalidArgument);
    EXPECT_NE(committed.message().find("digest mismatch"), std::string::npos)
        << committed.message();
  }
  {
    auto pull = images_->BeginBlobPull();
    ASSERT_TRUE(pull.ok());
    ASSERT_TRUE((*pull)->StoreBlob(config_, config_digest_).ok());
    auto download = (*pull)->BeginLayer(layer_digest_, layer_.size());
    ASSERT_TRUE(download.ok());
    ASSERT_TRUE((*download)->Write(layer_.data(), layer_.size() / 2).ok());
    // Dropped midway: the connection was cut for good.
  }
  {
    auto pull = images_->BeginBlobPull();
    ASSERT_TRUE(pull.ok());
    EXPECT_FALSE((*pull)->StoreBlob(config_, "sha256:" + std::string(64, 'b')).ok());
  }
  EXPECT_TRUE(blobs_->ListDigests().empty());
  EXPECT_TRUE(ListNames(dir_ + "/tmp").empty());
  EXPECT_TRUE(ListNames(dir_ + "/layers").empty());
  EXPECT_EQ(CountRows("images"), 0);
}

}  // namespace
}  // namespace boxcar
