// ImageStore over a real SQLite database and BlobStore in a temporary directory: rootfs
// imports, resolution, removal and start-up repair.
#include "store/image_store.h"

#include <dirent.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include "image_store_fixture.h"

namespace boxcar {
namespace {

TEST_F(ImageStoreTest, ImportStoresAnImageWhoseIdIsTheConfigDigest) {
  auto image = Import(tar_);
  ASSERT_TRUE(image.ok()) << image.status().message();
  ASSERT_TRUE(IsSha256Digest(image->id())) << image->id();
  auto config = blobs_->ReadBlob(image->id());
  ASSERT_TRUE(config.ok()) << config.status().message();
  EXPECT_EQ(Sha256Digest(*config), image->id());
  EXPECT_NE(config->find("\"Cmd\":[\"sh\"]"), std::string::npos) << *config;

  EXPECT_EQ(References(*image), std::vector<std::string>{kReference});
  ASSERT_EQ(image->config().cmd_size(), 1);
  EXPECT_EQ(image->config().cmd(0), "sh");

  auto tar_bytes = ReadFileToString(tar_);
  ASSERT_TRUE(tar_bytes.ok());
  ASSERT_EQ(image->layers_size(), 1);
  EXPECT_EQ(image->layers(0).digest(), Sha256Digest(*tar_bytes));
  EXPECT_EQ(image->layers(0).diff_id(), Sha256Digest(*tar_bytes));  // uncompressed
  EXPECT_EQ(image->layers(0).size_bytes(), tar_bytes->size());
  EXPECT_NE(config->find(image->layers(0).diff_id()), std::string::npos);
  EXPECT_TRUE(blobs_->Contains(image->layers(0).digest()));

  auto dirs = images_->LayerDirectories(image->id());
  ASSERT_TRUE(dirs.ok()) << dirs.status().message();
  ASSERT_EQ(dirs->size(), 1u);
  EXPECT_EQ((*dirs)[0].rfind(dir_ + "/layers/", 0), 0u) << (*dirs)[0];
  EXPECT_EQ(ListNames((*dirs)[0]), (std::vector<std::string>{"bin", "etc"}));
  auto hostname = ReadFileToString((*dirs)[0] + "/etc/hostname");
  ASSERT_TRUE(hostname.ok());
  EXPECT_EQ(*hostname, "busybox\n");
  char target[32] = {};
  ASSERT_GT(::readlink(((*dirs)[0] + "/bin/sh").c_str(), target, sizeof target - 1), 0);
  EXPECT_STREQ(target, "busybox");

  EXPECT_EQ(ListNames(dir_ + "/layers").size(), 1u);
  EXPECT_TRUE(ListNames(dir_ + "/tmp").empty());
  EXPECT_EQ(CountRows("images"), 1);
  EXPECT_EQ(CountRows("layers"), 1);

  auto listed = images_->List(false);
  ASSERT_TRUE(listed.ok());
  ASSERT_EQ(listed->size(), 1u);
  EXPECT_EQ((*listed)[0].id(), image->id());
}

TEST_F(ImageStoreTest, ImportingTheSameTarAgainReusesImageAndLayer) {
  auto first = Import(tar_);
  ASSERT_TRUE(first.ok()) << first.status().message();
  std::vector<std::string> layer_dirs = ListNames(dir_ + "/layers");
  ASSERT_EQ(layer_dirs.size(), 1u);

  auto again = Import(tar_);
  ASSERT_TRUE(again.ok()) << again.status().message();
  EXPECT_EQ(again->id(), first->id());
  EXPECT_EQ(References(*again), std::vector<std::string>{kReference});

  auto other_tag = Import(tar_, "test/busybox:2");
  ASSERT_TRUE(other_tag.ok()) << other_tag.status().message();
  EXPECT_EQ(other_tag->id(), first->id());
  EXPECT_EQ(References(*other_tag), (std::vector<std::string>{kReference, "test/busybox:2"}));

  EXPECT_EQ(ListNames(dir_ + "/layers"), layer_dirs);
  EXPECT_TRUE(ListNames(dir_ + "/tmp").empty());
  EXPECT_EQ(CountRows("images"), 1);
  EXPECT_EQ(CountRows("layers"), 1);
  EXPECT_EQ(blobs_->ListDigests().size(), 2u);  // layer + config
}

TEST_F(ImageStoreTest, DifferentConfigGivesADifferentImageOverTheSameLayer) {
  auto first = Import(tar_);
  ASSERT_TRUE(first.ok());
  v1::ImportHeader header = Header("test/other:1");
  header.mutable_config()->add_env("A=b");
  auto second = Import(tar_, header);
  ASSERT_TRUE(second.ok()) << second.status().message();
  EXPECT_NE(second->id(), first->id());
  EXPECT_EQ(CountRows("images"), 2);
  EXPECT_EQ(CountRows("layers"), 1);
  EXPECT_EQ(ListNames(dir_ + "/layers").size(), 1u);
}

TEST_F(ImageStoreTest, GzipImportRecordsBlobDigestAndDiffIdSeparately) {
  std::string gz = dir_ + "/rootfs.tar.gz";
  ASSERT_NO_FATAL_FAILURE(WriteTar(gz, RootfsMembers(), /*gzip=*/true));
  auto image = Import(gz);
  ASSERT_TRUE(image.ok()) << image.status().message();
  auto gz_bytes = ReadFileToString(gz);
  ASSERT_TRUE(gz_bytes.ok());
  ASSERT_EQ(image->layers_size(), 1);
  EXPECT_EQ(image->layers(0).digest(), Sha256Digest(*gz_bytes));
  EXPECT_NE(image->layers(0).diff_id(), image->layers(0).digest());
  auto dirs = images_->LayerDirectories(image->id());
  ASSERT_TRUE(dirs.ok());
  EXPECT_TRUE(Exists((*dirs)[0] + "/bin/busybox"));
}

TEST_F(ImageStoreTest, ResolveByReferenceIdAndIdPrefix) {
  auto image = Import(tar_);
  ASSERT_TRUE(image.ok()) << image.status().message();
  const std::string& id = image->id();

  auto by_reference = images_->Resolve(kReference, "image");
  ASSERT_TRUE(by_reference.ok()) << by_reference.status().message();
  EXPECT_EQ(by_reference->id(), id);

  auto by_id = images_->Resolve(id, "image");
  ASSERT_TRUE(by_id.ok()) << by_id.status().message();
  EXPECT_EQ(by_id->id(), id);
  EXPECT_EQ(References(*by_id), std::vector<std::string>{kReference});

  auto by_prefix = images_->Resolve(id.substr(7, 6), "image");
  ASSERT_TRUE(by_prefix.ok()) << id.substr(7, 6) << ": " << by_prefix.status().message();
  EXPECT_EQ(by_prefix->id(), id);

  auto by_digest_prefix = images_->Resolve(id.substr(0, 7 + 12), "image");
  ASSERT_TRUE(by_digest_prefix.ok()) << by_digest_prefix.status().message();
  EXPECT_EQ(by_digest_prefix->id(), id);
}

TEST_F(ImageStoreTest, ResolveErrors) {
  auto image = Import(tar_);
  ASSERT_TRUE(image.ok()) << image.status().message();

  auto nope = images_->Resolve("nope", "image");
  ASSERT_FALSE(nope.ok());
  EXPECT_EQ(nope.status().code(), StatusCode::kNotFound);
  EXPECT_NE(nope.status().message().find("image"), std::string::npos);
  EXPECT_NE(nope.status().message().find("nope"), std::string::npos);

  auto upper = images_->Resolve("UPPER", "request.image");
  ASSERT_FALSE(upper.ok());
  EXPECT_EQ(upper.status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(upper.status().message().rfind("request.image", 0), 0u) << upper.status().message();

  EXPECT_EQ(images_->Resolve("", "image").status().code(), StatusCode::kInvalidArgument);

  // A well-formed id that is not stored, and a prefix that matches nothing.
  std::string unknown = Sha256Digest("not an image config");
  ASSERT_NE(unknown, image->id());
  EXPECT_EQ(images_->Resolve(unknown, "image").status().code(), StatusCode::kNotFound);
  std::string other_prefix = image->id()[7] == '0' ? "1111111" : "0000000";
  EXPECT_EQ(images_->Resolve(other_prefix, "image").status().code(), StatusCode::kNotFound);
  EXPECT_EQ(images_->Resolve("test/busybox:2", "image").status().code(), StatusCode::kNotFound);
}

TEST_F(ImageStoreTest, HostileTarFailsAndLeavesTheStoreUnchanged) {
  auto good = Import(tar_);
  ASSERT_TRUE(good.ok()) << good.status().message();
  Snapshot before = Take();

  std::string hostile = dir_ + "/hostile.tar";
  ASSERT_NO_FATAL_FAILURE(WriteTar(hostile, {File("ok", "fine"), File("../evil", "x")}));
  auto image = Import(hostile, "test/hostile:1");
  ASSERT_FALSE(image.ok());
  EXPECT_EQ(image.status().code(), StatusCode::kInvalidArgument);
  EXPECT_NE(image.status().message().find("../evil"), std::string::npos)
      << image.status().message();

  EXPECT_EQ(Take(), before);
  EXPECT_FALSE(Exists(dir_ + "/evil"));
  EXPECT_FALSE(Exists(dir_ + "/tmp/evil"));
  EXPECT_EQ(images_->Resolve("test/hostile:1", "image").status().code(), StatusCode::kNotFound);
  // The earlier image is untouched.
  auto still = images_->Resolve(kReference, "image");
  ASSERT_TRUE(still.ok());
  EXPECT_EQ(still->id(), good->id());
}

TEST_F(ImageStoreTest, WrongExpectedDigestFailsAndLeavesNoBlob) {
  Snapshot before = Take();
  v1::ImportHeader header = Header(kReference);
  header.set_expected_digest(Sha256Digest("something else"));
  auto image = Import(tar_, header);
  ASSERT_FALSE(image.ok());
  EXPECT_EQ(image.status().code(), StatusCode::kInvalidArgument);
  EXPECT_NE(image.status().message().find("header.expected_digest"), std::string::npos)
      << image.status().message();
  auto tar_bytes = ReadFileToString(tar_);
  ASSERT_TRUE(tar_bytes.ok());
  EXPECT_FALSE(blobs_->Contains(Sha256Digest(*tar_bytes)));
  EXPECT_EQ(Take(), before);
  EXPECT_TRUE(blobs_->ListDigests().empty());
}

TEST_F(ImageStoreTest, RightExpectedDigestSucceeds) {
  auto tar_bytes = ReadFileToString(tar_);
  ASSERT_TRUE(tar_bytes.ok());
  v1::ImportHeader header = Header(kReference);
  header.set_expected_digest(Sha256Digest(*tar_bytes));
  auto image = Import(tar_, header);
  ASSERT_TRUE(image.ok()) << image.status().message();
  EXPECT_EQ(image->layers(0).digest(), header.expected_digest());
}

TEST_F(ImageStoreTest, BadHeadersAreRefusedBeforeAnyData) {
  v1::ImportHeader bad_reference = Header("Not/Valid");
  auto import = images_->BeginImport(bad_reference);
  ASSERT_FALSE(import.ok());
  EXPECT_EQ(import.status().code(), StatusCode::kInvalidArgument);
  EXPECT_NE(import.status().message().find("header.reference"), std::string::npos);

  v1::ImportHeader bad_digest = Header(kReference);
  bad_digest.set_expected_digest("sha256:xyz");
  import = images_->BeginImport(bad_digest);
  ASSERT_FALSE(import.ok());
  EXPECT_EQ(import.status().code(), StatusCode::kInvalidArgument);
  EXPECT_NE(import.status().message().find("header.expected_digest"), std::string::npos);

  v1::ImportHeader relative_dir = Header(kReference);
  relative_dir.mutable_config()->set_working_dir("relative");
  import = images_->BeginImport(relative_dir);
  ASSERT_FALSE(import.ok());
  EXPECT_NE(import.status().message().find("header.config.working_dir"), std::string::npos);

  // What containers of the image inherit: env entries (commit and exec refuse the same) and a
  // user id that setresuid would take for "leave as is".
  v1::ImportHeader bare_env = Header(kReference);
  bare_env.mutable_config()->add_env("A=1");
  bare_env.mutable_config()->add_env("FOO");
  import = images_->BeginImport(bare_env);
  ASSERT_FALSE(import.ok());
  EXPECT_NE(import.status().message().find("header.config.env[1]: 'FOO' is not KEY=value"),
            std::string::npos)
      << import.status().message();
  v1::ImportHeader huge_user = Header(kReference);
  huge_user.mutable_config()->set_user("4294967295");
  import = images_->BeginImport(huge_user);
  ASSERT_FALSE(import.ok());
  EXPECT_NE(import.status().message().find("header.config.user: id 4294967295 is out of range"),
            std::string::npos)
      << import.status().message();

  EXPECT_TRUE(ListNames(dir_ + "/tmp").empty());
}

TEST_F(ImageStoreTest, EmptyOrAbandonedImportsLeaveNothing) {
  {
    auto import = images_->BeginImport(Header(kReference));
    ASSERT_TRUE(import.ok());
    auto image = (*import)->Finish();
    ASSERT_FALSE(image.ok());
    EXPECT_EQ(image.status().code(), StatusCode::kInvalidArgument);
  }
  {
    auto import = images_->BeginImport(Header(kReference));
    ASSERT_TRUE(import.ok());
    ASSERT_TRUE((*import)->Write("partial", 7).ok());
    EXPECT_EQ(ListNames(dir_ + "/tmp").size(), 1u);
  }
  EXPECT_TRUE(ListNames(dir_ + "/tmp").empty());
  EXPECT_TRUE(blobs_->ListDigests().empty());
  EXPECT_EQ(CountRows("images"), 0);
}

// An archive streamed in chunks handed over by move, with empty chunks among them (an empty
// chunk once read as the end of the archive), imports whole.
TEST_F(ImageStoreTest, ArchiveStreamedInMovedChunksWithEmptyOnesImportsWhole) {
  std::string layer = TarBytes({Dir("data"), File("data/big", std::string(300000, 'b'))});
  std::string config =
      "{\"architecture\":\"amd64\",\"os\":\"linux\",\"config\":{},"
      "\"rootfs\":{\"type\":\"layers\",\"diff_ids\":[\"" +
      Sha256Digest(layer) + "\"]}}";
  std::string manifest =
      "[{\"Config\":\"config.json\",\"RepoTags\":[\"test/moved:1\"],"
      "\"Layers\":[\"layer.tar\"]}]";
  std::string archive = TarBytes(
      {File("manifest.json", manifest), File("config.json", config), File("layer.tar", layer)});
  auto import = images_->BeginImport(Header(""));
  ASSERT_TRUE(import.ok());
  for (size_t offset = 0; offset < archive.size(); offset += 50000) {
    ASSERT_TRUE((*import)->Write(std::string()).ok());
    ASSERT_TRUE((*import)->Write(archive.substr(offset, 50000)).ok());
  }
  auto image = (*import)->Finish();
  ASSERT_TRUE(image.ok()) << image.status().message();
  EXPECT_EQ(image->id(), Sha256Digest(config));
  ASSERT_EQ(image->layers_size(), 1);
  EXPECT_EQ(image->layers(0).diff_id(), Sha256Digest(layer));
  EXPECT_TRUE(images_->Resolve("test/moved:1", "image").ok());
  EXPECT_TRUE(ListNames(dir_ + "/tmp").empty());
}

TEST_F(ImageStoreTest, RemoveByReferenceUntagsThenDeletesWithTheLastReference) {
  auto image = Import(tar_);
  ASSERT_TRUE(image.ok()) << image.status().message();
  ASSERT_TRUE(Import(tar_, "test/busybox:2").ok());
  auto dirs = images_->LayerDirectories(image->id());
  ASSERT_TRUE(dirs.ok());
  const std::string layer_dir = (*dirs)[0];
  const std::string layer_blob = image->layers(0).digest();

  auto untagged = images_->Remove(kReference, false);
  ASSERT_TRUE(untagged.ok()) << untagged.status().message();
  EXPECT_EQ(std::vector<std::string>(untagged->untagged().begin(), untagged->untagged().end()),
            std::vector<std::string>{kReference});
  EXPECT_TRUE(untagged->deleted_id().empty());
  EXPECT_EQ(images_->Resolve(kReference, "image").status().code(), StatusCode::kNotFound);
  auto remaining = images_->Resolve(image->id(), "image");
  ASSERT_TRUE(remaining.ok());
  EXPECT_EQ(References(*remaining), std::vector<std::string>{"test/busybox:2"});
  EXPECT_TRUE(Exists(layer_dir));
  EXPECT_TRUE(blobs_->Contains(layer_blob));

  auto deleted = images_->Remove("test/busybox:2", false);
  ASSERT_TRUE(deleted.ok()) << deleted.status().message();
  EXPECT_EQ(std::vector<std::string>(deleted->untagged().begin(), deleted->untagged().end()),
            std::vector<std::string>{"test/busybox:2"});
  EXPECT_EQ(deleted->deleted_id(), image->id());

  EXPECT_EQ(images_->Resolve(image->id(), "image").status().code(), StatusCode::kNotFound);
  EXPECT_EQ(images_->LayerDirectories(image->id()).status().code(), StatusCode::kNotFound);
  EXPECT_FALSE(Exists(layer_dir));
  EXPECT_FALSE(blobs_->Contains(layer_blob));
  EXPECT_FALSE(blobs_->Contains(image->id()));
  EXPECT_TRUE(blobs_->ListDigests().empty());
  EXPECT_TRUE(ListNames(dir_ + "/layers").empty());
  EXPECT_EQ(CountRows("images"), 0);
  EXPECT_EQ(CountRows("layers"), 0);
  EXPECT_EQ(CountRows("image_layers"), 0);
  EXPECT_EQ(CountRows("image_refs"), 0);
}

TEST_F(ImageStoreTest, RemoveByIdDropsEveryReference) {
  auto image = Import(tar_);
  ASSERT_TRUE(image.ok());
  ASSERT_TRUE(Import(tar_, "test/busybox:2").ok());
  auto removed = images_->Remove(image->id().substr(7, 8), false);
  ASSERT_TRUE(removed.ok()) << removed.status().message();
  EXPECT_EQ(removed->untagged_size(), 2);
  EXPECT_EQ(removed->deleted_id(), image->id());
  EXPECT_TRUE(blobs_->ListDigests().empty());
  EXPECT_TRUE(ListNames(dir_ + "/layers").empty());
}

TEST_F(ImageStoreTest, LayerSharedByTwoImagesStaysUntilTheLastGoes) {
  auto first = Import(tar_);
  ASSERT_TRUE(first.ok());
  v1::ImportHeader header = Header("test/other:1");
  header.mutable_config()->add_env("A=b");
  auto second = Import(tar_, header);
  ASSERT_TRUE(second.ok());
  ASSERT_NE(first->id(), second->id());

  ASSERT_TRUE(images_->Remove(kReference, false).ok());
  EXPECT_EQ(ListNames(dir_ + "/layers").size(), 1u);
  EXPECT_TRUE(blobs_->Contains(second->layers(0).digest()));
  EXPECT_FALSE(blobs_->Contains(first->id()));
  auto dirs = images_->LayerDirectories(second->id());
  ASSERT_TRUE(dirs.ok());
  EXPECT_TRUE(Exists((*dirs)[0] + "/etc/hostname"));

  ASSERT_TRUE(images_->Remove("test/other:1", false).ok());
  EXPECT_TRUE(ListNames(dir_ + "/layers").empty());
  EXPECT_TRUE(blobs_->ListDigests().empty());
}

TEST_F(ImageStoreTest, ImageUsedByAContainerIsOnlyUntaggedWithForce) {
  auto image = Import(tar_);
  ASSERT_TRUE(image.ok()) << image.status().message();
  {
    auto insert =
        db_->Prepare("INSERT INTO containers(id, name, image_id, record) VALUES('c', 'c', ?, x'')");
    ASSERT_TRUE(insert.ok()) << insert.status().message();
    insert->Bind(1, image->id());
    ASSERT_TRUE(insert->Run().ok());
  }
  auto dirs = images_->LayerDirectories(image->id());
  ASSERT_TRUE(dirs.ok());
  Snapshot before = Take();

  auto refused = images_->Remove(kReference, false);
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.status().code(), StatusCode::kFailedPrecondition);
  EXPECT_EQ(Take(), before);
  auto still = images_->Resolve(kReference, "image");
  ASSERT_TRUE(still.ok());
  EXPECT_EQ(still->id(), image->id());

  auto forced = images_->Remove(kReference, true);
  ASSERT_TRUE(forced.ok()) << forced.status().message();
  EXPECT_EQ(forced->untagged_size(), 1);
  EXPECT_TRUE(forced->deleted_id().empty());
  EXPECT_EQ(images_->Resolve(kReference, "image").status().code(), StatusCode::kNotFound);
  auto untagged = images_->Resolve(image->id(), "image");
  ASSERT_TRUE(untagged.ok()) << untagged.status().message();
  EXPECT_EQ(untagged->references_size(), 0);
  EXPECT_TRUE(Exists((*dirs)[0] + "/etc/hostname"));
  EXPECT_TRUE(blobs_->Contains(image->id()));
  EXPECT_TRUE(blobs_->Contains(image->layers(0).digest()));
  EXPECT_EQ(CountRows("images"), 1);
  EXPECT_EQ(CountRows("layers"), 1);

  // Removing by id while the container exists is refused too, even though no tag is left.
  EXPECT_EQ(images_->Remove(image->id(), false).status().code(), StatusCode::kFailedPrecondition);
}

// As Docker: `rm` of one of several tags only untags, whoever uses the image; what would
// delete it (its last tag, its id) is what containers stop.
TEST_F(ImageStoreTest, UntagOfOneOfSeveralTagsIgnoresContainersButTheLastTagDoesNot) {
  auto image = Import(tar_);
  ASSERT_TRUE(image.ok()) << image.status().message();
  ASSERT_TRUE(images_->Tag(kReference, "bb:1").ok());
  {
    auto insert = db_->Prepare(
        "INSERT INTO containers(id, name, image_id, record) VALUES('c', 'vuser', ?, x'')");
    ASSERT_TRUE(insert.ok()) << insert.status().message();
    insert->Bind(1, image->id());
    ASSERT_TRUE(insert->Run().ok());
  }

  auto untagged = images_->Remove("bb:1", false);
  ASSERT_TRUE(untagged.ok()) << untagged.status().message();
  ASSERT_EQ(untagged->untagged_size(), 1);
  EXPECT_EQ(untagged->untagged(0), "bb:1");
  EXPECT_TRUE(untagged->deleted_id().empty());
  EXPECT_EQ(images_->Resolve("bb:1", "image").status().code(), StatusCode::kNotFound);

  Snapshot before = Take();
  for (const std::string& name : {std::string(kReference), image->id()}) {
    auto refused = images_->Remove(name, false);
    ASSERT_FALSE(refused.ok()) << name;
    EXPECT_EQ(refused.status().code(), StatusCode::kFailedPrecondition);
    EXPECT_NE(refused.status().message().find("used by 1 container(s) (vuser)"), std::string::npos)
        << refused.status().message();
    EXPECT_EQ(refused.status().message().find("image: "), 0u) << refused.status().message();
    EXPECT_EQ(Take(), before) << name;
  }
  auto still = images_->Resolve(kReference, "image");
  ASSERT_TRUE(still.ok()) << still.status().message();
  EXPECT_EQ(still->id(), image->id());
}

// The build cache's step images are untagged: as Docker's intermediate images, lists show
// them only with `all`, and only `Prune(all)` deletes them (a dangling prune keeps the cache).
TEST_F(ImageStoreTest, BuildCacheImagesAreListedAndPrunedOnlyWithAll) {
  auto step = Import(tar_);
  ASSERT_TRUE(step.ok()) << step.status().message();
  v1::ImportHeader header = Header("test/other:1");
  header.mutable_config()->add_env("A=b");
  auto dangling = Import(tar_, header);
  ASSERT_TRUE(dangling.ok()) << dangling.status().message();
  ASSERT_TRUE(db_->Exec("DELETE FROM image_refs").ok());
  {
    auto insert = db_->Prepare(
        "INSERT INTO build_cache(parent_id, step_key, image_id) VALUES('scratch', 'k', ?)");
    ASSERT_TRUE(insert.ok()) << insert.status().message();
    insert->Bind(1, step->id());
    ASSERT_TRUE(insert->Run().ok());
  }
  auto ids = [](const StatusOr<std::vector<v1::Image>>& images) {
    std::vector<std::string> listed;
    if (images.ok()) {
      for (const auto& image : *images) listed.push_back(image.id());
    }
    return listed;
  };
  EXPECT_EQ(ids(images_->List(false)), std::vector<std::string>{dangling->id()});
  EXPECT_EQ(ids(images_->List(true)), (std::vector<std::string>{step->id(), dangling->id()}));

  auto pruned = images_->Prune(false);
  ASSERT_TRUE(pruned.ok()) << pruned.status().message();
  EXPECT_EQ(std::vector<std::string>(pruned->deleted_ids().begin(), pruned->deleted_ids().end()),
            std::vector<std::string>{dangling->id()});
  EXPECT_TRUE(images_->Resolve(step->id(), "image").ok()) << "the build cache stays";

  // Tagged, it is listed like any image.
  ASSERT_TRUE(images_->Tag(step->id(), "app:1").ok());
  EXPECT_EQ(ids(images_->List(false)), std::vector<std::string>{step->id()});
  auto tagged = images_->Prune(false);
  ASSERT_TRUE(tagged.ok()) << tagged.status().message();
  EXPECT_EQ(tagged->deleted_ids_size(), 0);
  ASSERT_TRUE(db_->Exec("DELETE FROM image_refs").ok());

  // -a drops the build cache too.
  auto all = images_->Prune(true);
  ASSERT_TRUE(all.ok()) << all.status().message();
  EXPECT_EQ(std::vector<std::string>(all->deleted_ids().begin(), all->deleted_ids().end()),
            std::vector<std::string>{step->id()});
  EXPECT_EQ(CountRows("images"), 0);
}

TEST_F(ImageStoreTest, RemoveOrphansClearsWhatNoRecordRefersTo) {
  auto image = Import(tar_);
  ASSERT_TRUE(image.ok()) << image.status().message();
  auto dirs = images_->LayerDirectories(image->id());
  ASSERT_TRUE(dirs.ok());

  std::string orphan_layer = dir_ + "/layers/999";
  ASSERT_EQ(::mkdir(orphan_layer.c_str(), 0700), 0);
  ASSERT_EQ(::mkdir((orphan_layer + "/etc").c_str(), 0755), 0);
  ASSERT_TRUE(WriteFileAtomically(orphan_layer + "/etc/file", "orphan").ok());
  std::string stray_unpack = dir_ + "/tmp/unpack-x";
  ASSERT_EQ(::mkdir(stray_unpack.c_str(), 0700), 0);
  ASSERT_TRUE(WriteFileAtomically(stray_unpack + "/half", "unpacked").ok());
  ASSERT_TRUE(WriteFileAtomically(dir_ + "/tmp/blob-XYZ123", "partial").ok());
  auto stray_blob = blobs_->WriteBlob("nobody refers to me");
  ASSERT_TRUE(stray_blob.ok());

  ASSERT_TRUE(images_->RemoveOrphans().ok());
  EXPECT_FALSE(Exists(orphan_layer));
  EXPECT_FALSE(Exists(stray_unpack));
  EXPECT_TRUE(ListNames(dir_ + "/tmp").empty());
  EXPECT_FALSE(blobs_->Contains(*stray_blob));

  // What the records refer to survives.
  EXPECT_TRUE(Exists((*dirs)[0] + "/etc/hostname"));
  EXPECT_EQ(Sorted(blobs_->ListDigests()), Sorted({image->id(), image->layers(0).digest()}));
  auto still = images_->Resolve(kReference, "image");
  ASSERT_TRUE(still.ok());
  EXPECT_EQ(still->id(), image->id());
  // And a second pass finds nothing more to do.
  ASSERT_TRUE(images_->RemoveOrphans().ok());
  EXPECT_TRUE(Exists((*dirs)[0] + "/etc/hostname"));
}

TEST_F(ImageStoreTest, OversizedLayerIsRefusedAndLeavesNothing) {
  auto limited = ImageStore::Open(dir_, db_.get(), blobs_.get(), UnpackLimits{1000});
  ASSERT_TRUE(limited.ok());
  images_ = std::move(*limited);
  Snapshot before = Take();
  auto image = Import(tar_);
  ASSERT_FALSE(image.ok());
  EXPECT_EQ(image.status().code(), StatusCode::kResourceExhausted) << image.status().message();
  EXPECT_EQ(Take(), before);
}

TEST_F(ImageStoreTest, FailedReimportKeepsTheBlobOfTheExistingLayer) {
  auto image = Import(tar_);
  ASSERT_TRUE(image.ok()) << image.status().message();
  // The same tarball fails to unpack under a tighter limit; its blob is still the layer's.
  auto limited = ImageStore::Open(dir_, db_.get(), blobs_.get(), UnpackLimits{1000});
  ASSERT_TRUE(limited.ok());
  images_ = std::move(*limited);
  Snapshot before = Take();
  auto again = Import(tar_, "test/busybox:2");
  ASSERT_FALSE(again.ok());
  EXPECT_EQ(again.status().code(), StatusCode::kResourceExhausted);
  EXPECT_EQ(Take(), before);
  EXPECT_TRUE(blobs_->Contains(image->layers(0).digest()));
}

}  // namespace
}  // namespace boxcar
