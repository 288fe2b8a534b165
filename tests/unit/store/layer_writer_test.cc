// A container's upper directory as a layer tar: owners of a container with a user namespace
// are written as the container saw them.
#include "store/layer_writer.h"

#include <archive.h>
#include <archive_entry.h>
#include <fcntl.h>
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include <map>

#include "common/directory_tree.h"
#include "../temp_dir.h"

namespace boxcar {
namespace {

struct Owner {
  int64_t uid;
  int64_t gid;
  bool operator==(const Owner&) const = default;
};

class LayerWriterTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_NO_FATAL_FAILURE(MakeTempDir("/tmp/boxcar-layer-writer-XXXXXX", &root_));
    upper_ = root_ + "/upper";
    ASSERT_EQ(::mkdir(upper_.c_str(), 0755), 0);
    auto blobs = BlobStore::Open(root_);
    ASSERT_TRUE(blobs.ok()) << blobs.status().message();
    blobs_ = std::move(*blobs);
  }
  void TearDown() override { (void)RemoveTree(root_); }

  void Make(const std::string& name, mode_t type, uid_t uid, gid_t gid) {
    std::string path = upper_ + "/" + name;
    if (S_ISDIR(type)) {
      ASSERT_EQ(::mkdir(path.c_str(), 0755), 0) << path;
    } else if (S_ISCHR(type)) {
      ASSERT_EQ(::mknod(path.c_str(), S_IFCHR, makedev(0, 0)), 0) << path;
    } else {
      int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_CLOEXEC, 0644);
      ASSERT_GE(fd, 0) << path;
      ::close(fd);
    }
    ASSERT_EQ(::lchown(path.c_str(), uid, gid), 0) << path;
  }

  // Member name -> owner, read back from the written blob.
  std::map<std::string, Owner> WrittenOwners(const IdMapping& ids) {
    auto layer = WriteLayerFromDirectory(upper_, ids, blobs_.get());
    EXPECT_TRUE(layer.ok()) << layer.status().message();
    std::map<std::string, Owner> owners;
    if (!layer.ok()) return owners;
    archive* tar = archive_read_new();
    archive_read_support_format_tar(tar);
    EXPECT_EQ(archive_read_open_filename(tar, blobs_->BlobPath(layer->digest).c_str(), 65536),
              ARCHIVE_OK);
    archive_entry* entry = nullptr;
    while (archive_read_next_header(tar, &entry) == ARCHIVE_OK) {
      owners[archive_entry_pathname(entry)] = {archive_entry_uid(entry), archive_entry_gid(entry)};
    }
    archive_read_free(tar);
    return owners;
  }

  std::string root_;
  std::string upper_;
  std::unique_ptr<BlobStore> blobs_;
};

TEST_F(LayerWriterTest, OwnersOfAUserNamespaceAreShiftedBack) {
  const uint32_t base = 1000000;
  Make("dir", S_IFDIR, base, base);
  Make("dir/file", S_IFREG, base + 5, base + 6);
  Make("gone", S_IFCHR, 0, 0);         // a whiteout, made by overlayfs as host root
  Make("stray", S_IFREG, 4242, 4242);  // outside the mapping
  auto owners = WrittenOwners({base, base, 65536});
  EXPECT_EQ(owners["dir/"], (Owner{0, 0}));
  EXPECT_EQ(owners["dir/file"], (Owner{5, 6}));
  EXPECT_EQ(owners[".wh.gone"], (Owner{0, 0}));
  EXPECT_EQ(owners["stray"], (Owner{65534, 65534})) << "unmapped ids as the container saw them";
}

TEST_F(LayerWriterTest, OwnersAreKeptWithoutAUserNamespace) {
  Make("file", S_IFREG, 5, 6);
  auto owners = WrittenOwners({});
  EXPECT_EQ(owners["file"], (Owner{5, 6}));
}

}  // namespace
}  // namespace boxcar
