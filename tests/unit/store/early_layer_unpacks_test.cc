// EarlyLayerUnpacks: archive members copied into sockets and unpacked on threads of their own
// while they are stored; only layers that were stored and unpacked are offered.
#include "store/early_layer_unpacks.h"

#include <gtest/gtest.h>
#include <stdlib.h>
#include <sys/stat.h>

#include <memory>
#include <string>
#include <vector>

#include "common/atomic_file.h"
#include "common/directory_tree.h"
#include "common/sha256.h"
#include "image_store_fixture.h"
#include "../temp_dir.h"

namespace boxcar {
namespace {

class EarlyLayerUnpacksTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_NO_FATAL_FAILURE(MakeTempDir("/tmp/boxcar-early-unpacks-XXXXXX", &dir_));
    unpacks_ = std::make_unique<EarlyLayerUnpacks>(
        UnpackLimits{},
        [this]() -> StatusOr<std::string> {
          std::string dir = dir_ + "/unpack-" + std::to_string(made_.size());
          if (::mkdir(dir.c_str(), 0755) != 0) return ErrnoStatus("mkdir " + dir);
          made_.push_back(dir);
          return dir;
        },
        [this](const std::string& digest) {
          asked_.push_back(digest);
          return digest == known_;
        });
  }
  void TearDown() override {
    unpacks_.reset();
    EXPECT_TRUE(RemoveTree(dir_).ok());
  }

  std::string Tar(const std::vector<Member>& members, bool gzip = false) {
    std::string path = dir_ + "/scratch.tar";
    WriteTar(path, members, gzip);
    auto bytes = ReadFileToString(path);
    EXPECT_TRUE(bytes.ok());
    ::unlink(path.c_str());
    return bytes.ok() ? *bytes : "";
  }

  // Opens a copy of `bytes` and writes them in odd-sized pieces; null when none was opened.
  std::unique_ptr<MemberTap::Copy> Copy(const std::string& name, const std::string& bytes) {
    auto copy = unpacks_->Open(name, bytes.size(), std::string_view(bytes).substr(0, 512));
    if (!copy) return nullptr;
    for (size_t offset = 0; offset < bytes.size(); offset += 3001)
      copy->Write(bytes.data() + offset, std::min<size_t>(3001, bytes.size() - offset));
    return copy;
  }

  bool Exists(const std::string& path) {
    struct stat st;
    return ::lstat(path.c_str(), &st) == 0;
  }

  std::string dir_;
  std::vector<std::string> made_;
  std::vector<std::string> asked_;
  std::string known_;
  std::unique_ptr<EarlyLayerUnpacks> unpacks_;
};

TEST_F(EarlyLayerUnpacksTest, AnUncompressedLayerIsUnpackedAndItsBlobDigestIsItsDiffId) {
  std::string big(3 << 20, 'x');  // several times the channel
  std::string tar = Tar({Dir("etc"), File("etc/motd", "hello\n"), File("big", big)});
  auto copy = Copy("0123/layer.tar", tar);
  ASSERT_NE(copy, nullptr);
  copy->Finish(Sha256Digest(tar), tar.size());
  copy.reset();
  auto layers = unpacks_->Finish();
  ASSERT_EQ(layers.size(), 1u);
  EXPECT_EQ(layers[0].dir, made_[0]);
  EXPECT_EQ(layers[0].diff_id, Sha256Digest(tar));
  EXPECT_EQ(layers[0].blob_digest, Sha256Digest(tar));
  EXPECT_EQ(layers[0].blob_size, tar.size());
  EXPECT_EQ(layers[0].unpacked_bytes, big.size() + 6);
  auto motd = ReadFileToString(made_[0] + "/etc/motd");
  ASSERT_TRUE(motd.ok());
  EXPECT_EQ(*motd, "hello\n");
  auto copied = ReadFileToString(made_[0] + "/big");
  ASSERT_TRUE(copied.ok());
  EXPECT_TRUE(*copied == big);
}

TEST_F(EarlyLayerUnpacksTest, AGzipLayersDiffIdIsTheDigestOfItsTar) {
  std::vector<Member> members = {File("a", "alpha"), File("b", std::string(100000, 'b'))};
  std::string plain = Tar(members);
  std::string gzip = Tar(members, /*gzip=*/true);
  ASSERT_NE(plain, gzip);
  auto copy = Copy("blobs/sha256/" + Sha256Digest(gzip).substr(7), gzip);
  ASSERT_NE(copy, nullptr);
  copy->Finish(Sha256Digest(gzip), gzip.size());
  copy.reset();
  auto layers = unpacks_->Finish();
  ASSERT_EQ(layers.size(), 1u);
  EXPECT_EQ(layers[0].diff_id, Sha256Digest(plain));
  EXPECT_EQ(layers[0].blob_digest, Sha256Digest(gzip));
  EXPECT_EQ(asked_, std::vector<std::string>{Sha256Digest(gzip)});
}

TEST_F(EarlyLayerUnpacksTest, JsonEmptyAndKnownMembersAreNotCopied) {
  EXPECT_EQ(Copy("config.json", "  {\"rootfs\": {}}"), nullptr);
  EXPECT_EQ(Copy("blobs/sha256/" + std::string(64, 'a'), "[1, 2]"), nullptr);
  EXPECT_EQ(unpacks_->Open("empty.tar", 0, ""), nullptr);
  std::string tar = Tar({File("a", "alpha")});
  known_ = Sha256Digest(tar);
  EXPECT_EQ(Copy(known_.substr(7) + ".tar", tar), nullptr);
  EXPECT_EQ(asked_, std::vector<std::string>{known_});
  EXPECT_TRUE(made_.empty());
  EXPECT_TRUE(unpacks_->Finish().empty());
}

// The unpacker refuses the first member and stops reading: the copy must not wait on the full
// channel, and nothing is offered or left.
TEST_F(EarlyLayerUnpacksTest, AHostileLayerNeitherBlocksTheCopyNorIsOffered) {
  std::string tar = Tar({File("../evil", "x"), File("big", std::string(4 << 20, 'y'))});
  auto copy = Copy("layer.tar", tar);
  ASSERT_NE(copy, nullptr);
  copy->Finish(Sha256Digest(tar), tar.size());
  copy.reset();
  EXPECT_TRUE(unpacks_->Finish().empty());
  ASSERT_EQ(made_.size(), 1u);
  EXPECT_FALSE(Exists(made_[0]));
  EXPECT_FALSE(Exists(dir_ + "/evil"));
}

TEST_F(EarlyLayerUnpacksTest, AMemberThatWasNotStoredIsNotOffered) {
  // Compressed, so the unpacker hashes it itself and succeeds: only Finish says it was stored.
  std::string tar = Tar({File("a", "alpha")}, /*gzip=*/true);
  auto copy = Copy("layer.tar", tar);
  ASSERT_NE(copy, nullptr);
  copy.reset();  // storing the blob failed
  // Stored, but cut in the middle of a file: the unpack fails.
  std::string cut = Tar({File("b", std::string(100000, 'b'))}).substr(0, 50000);
  auto truncated = Copy("other.tar", cut);
  ASSERT_NE(truncated, nullptr);
  truncated->Finish(Sha256Digest(cut), cut.size());
  truncated.reset();
  EXPECT_TRUE(unpacks_->Finish().empty());
  ASSERT_EQ(made_.size(), 2u);
  EXPECT_FALSE(Exists(made_[0]));
  EXPECT_FALSE(Exists(made_[1]));
}

TEST_F(EarlyLayerUnpacksTest, DestroyedWithoutFinishItRemovesWhatItUnpacked) {
  std::string tar = Tar({File("a", "alpha")});
  auto copy = Copy("layer.tar", tar);
  ASSERT_NE(copy, nullptr);
  copy->Finish(Sha256Digest(tar), tar.size());
  copy.reset();
  unpacks_.reset();
  ASSERT_EQ(made_.size(), 1u);
  EXPECT_FALSE(Exists(made_[0]));
}

}  // namespace
}  // namespace boxcar
