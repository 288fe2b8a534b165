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
      (*pull)->Finish({"registry.test/app:1", "mirror/app:1"}, {}, config_digest_, {layer_digest_});
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
  auto same = (*again)->Finish({"registry.test/app:2"}, {}, config_digest_, {layer_digest_});
  ASSERT_TRUE(same.ok()) << same.status().message();
  EXPECT_EQ(same->id(), image->id());
  EXPECT_EQ(CountRows("layers"), 1);
}

// Pulled by digest alone: no tag, but the repo digest names it (as Docker's RepoDigests do):
// it resolves, survives a prune of dangling images, and goes with its last repo digest.
TEST_F(ImageStorePullTest, RepoDigestsResolveAndHoldTheImage) {
  const std::string manifest = "sha256:" + std::string(64, 'e');
  const std::string other = "sha256:" + std::string(64, 'f');
  auto pull = images_->BeginBlobPull();
  ASSERT_TRUE(pull.ok());
  ASSERT_TRUE((*pull)->StoreBlob(config_, config_digest_).ok());
  ASSERT_TRUE(DownloadLayer(pull->get()).ok());
  auto image = (*pull)->Finish({}, {"registry.test/app@" + manifest}, config_digest_,
                               {layer_digest_});
  ASSERT_TRUE(image.ok()) << image.status().message();
  pull->reset();
  EXPECT_TRUE(image->references().empty());
  ASSERT_EQ(image->repo_digests_size(), 1);
  EXPECT_EQ(image->repo_digests(0), "registry.test/app@" + manifest);

  auto resolved = images_->Resolve("registry.test/app@" + manifest, "image");
  ASSERT_TRUE(resolved.ok()) << resolved.status().message();
  EXPECT_EQ(resolved->id(), config_digest_);
  // A tag before the digest is ignored, as Docker does.
  EXPECT_TRUE(images_->Resolve("registry.test/app:9@" + manifest, "image").ok());
  EXPECT_EQ(images_->Resolve("registry.test/app@" + other, "image").status().code(),
            StatusCode::kNotFound);
  EXPECT_EQ(images_->Resolve("registry.test/other@" + manifest, "image").status().code(),
            StatusCode::kNotFound);
  auto listed = images_->List(false);
  ASSERT_TRUE(listed.ok());
  ASSERT_EQ(listed->size(), 1u);
  EXPECT_EQ((*listed)[0].repo_digests_size(), 1);

  auto pruned = images_->Prune(false);
  ASSERT_TRUE(pruned.ok());
  EXPECT_EQ(CountRows("images"), 1);

  // Tagged too, then untagged by digest: the tag holds it.
  ASSERT_TRUE(images_->Tag("registry.test/app@" + manifest, "mine:1").ok());
  auto untagged = images_->Remove("registry.test/app@" + manifest, false);
  ASSERT_TRUE(untagged.ok()) << untagged.status().message();
  EXPECT_EQ(untagged->untagged_size(), 1);
  EXPECT_EQ(untagged->deleted_id(), "");
  EXPECT_EQ(CountRows("images"), 1);
  EXPECT_EQ(CountRows("image_repo_digests"), 0);

  // The pull again, then the last tag goes: its repo digests go with it.
  auto again = images_->BeginBlobPull();
  ASSERT_TRUE(again.ok());
  EXPECT_TRUE((*again)->KeepExistingBlob(config_digest_));
  EXPECT_TRUE((*again)->KeepExistingLayer(layer_digest_));
  ASSERT_TRUE((*again)->Finish({}, {"registry.test/app@" + manifest}, config_digest_,
                               {layer_digest_}).ok());
  again->reset();
  auto removed = images_->Remove("mine:1", false);
  ASSERT_TRUE(removed.ok()) << removed.status().message();
  EXPECT_EQ(removed->deleted_id(), config_digest_);
  EXPECT_EQ(removed->untagged_size(), 2);
  EXPECT_EQ(CountRows("images"), 0);
  EXPECT_EQ(CountRows("image_repo_digests"), 0);

  // A malformed repo digest is refused, naming it.
  auto bad = images_->BeginBlobPull();
  ASSERT_TRUE(bad.ok());
  ASSERT_TRUE((*bad)->StoreBlob(config_, config_digest_).ok());
  auto refused = (*bad)->Finish({}, {"Upper@" + manifest}, config_digest_, {layer_digest_});
  EXPECT_EQ(refused.status().code(), StatusCode::kInvalidArgument);
  EXPECT_NE(refused.status().message().find("repo digest"), std::string::npos)
      << refused.status().message();
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
