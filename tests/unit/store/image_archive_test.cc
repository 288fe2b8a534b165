// Image archives through ImageStore: OCI layouts (also with Docker media types, image indexes
// and a docker-compatible manifest.json beside them, as `ctr images export` writes) and
// docker-archives, built here member by member; every hostile one is refused with an error
// naming what is wrong and leaves the store as it was.
#include <gtest/gtest.h>

#include <string>
#include <string_view>
#include <vector>

#include "image_store_fixture.h"
#include "store/image_archive_stream.h"
#include "store/image_manifest.h"

namespace boxcar {
namespace {

constexpr std::string_view kOciLayer = "application/vnd.oci.image.layer.v1.tar";
constexpr std::string_view kOciGzipLayer = "application/vnd.oci.image.layer.v1.tar+gzip";
constexpr std::string_view kOciIndex = "application/vnd.oci.image.index.v1+json";
constexpr std::string_view kDockerManifest = "application/vnd.docker.distribution.manifest.v2+json";
constexpr std::string_view kDockerConfig = "application/vnd.docker.container.image.v1+json";
constexpr std::string_view kDockerLayer = "application/vnd.docker.image.rootfs.diff.tar";

std::string Quoted(std::string_view text) { return "\"" + std::string(text) + "\""; }

// An OCI descriptor of `content`; `extra` is appended inside the object (",\"annotations\":...").
std::string Descriptor(std::string_view media_type, const std::string& content,
                       const std::string& extra = "") {
  return "{\"mediaType\":" + Quoted(media_type) + ",\"digest\":" + Quoted(Sha256Digest(content)) +
         ",\"size\":" + std::to_string(content.size()) + extra + "}";
}

std::string Manifest(const std::string& config_descriptor,
                     const std::vector<std::string>& layer_descriptors,
                     std::string_view media_type = kOciManifestMediaType) {
  std::string layers;
  for (const auto& layer : layer_descriptors) layers += (layers.empty() ? "" : ",") + layer;
  return "{\"schemaVersion\":2,\"mediaType\":" + Quoted(media_type) +
         ",\"config\":" + config_descriptor + ",\"layers\":[" + layers + "]}";
}

std::string Index(const std::vector<std::string>& descriptors) {
  std::string manifests;
  for (const auto& descriptor : descriptors)
    manifests += (manifests.empty() ? "" : ",") + descriptor;
  return "{\"schemaVersion\":2,\"mediaType\":" + Quoted(kOciIndex) + ",\"manifests\":[" +
         manifests + "]}";
}

std::string RefName(const std::string& reference,
                    const char* key = "org.opencontainers.image.ref.name") {
  return ",\"annotations\":{" + Quoted(key) + ":" + Quoted(reference) + "}";
}

std::string Config(const std::vector<std::string>& diff_ids,
                   const std::string& runtime = R"({"Cmd":["sh"]})") {
  std::string ids;
  for (const auto& id : diff_ids) ids += (ids.empty() ? "" : ",") + Quoted(id);
  return R"({"architecture":"amd64","os":"linux","config":)" + runtime +
         R"(,"rootfs":{"type":"layers","diff_ids":[)" + ids + "]}}";
}

// An OCI image layout: index.json and each blob under blobs/sha256/.
std::vector<Member> Layout(const std::string& index, const std::vector<std::string>& blobs) {
  std::vector<Member> members = {File("oci-layout", R"({"imageLayoutVersion":"1.0.0"})"),
                                 File("index.json", index)};
  for (const auto& blob : blobs)
    members.push_back(File("blobs/sha256/" + Sha256Digest(blob).substr(7), blob));
  return members;
}

class ImageArchiveTest : public ImageStoreTest {
 protected:
  void SetUp() override {
    ImageStoreTest::SetUp();
    layer_ = TarBytes({Dir("bin"), File("bin/sh", "#!"), File("etc/release", "one")});
    second_layer_ = TarBytes({File("srv/hello", "second")});
    config_ = Config({Sha256Digest(layer_), Sha256Digest(second_layer_)});
  }

  // One image (config_ over layer_ and second_layer_) as an OCI layout.
  std::string GoodManifest() const {
    return Manifest(Descriptor(kOciConfigMediaType, config_),
                    {Descriptor(kOciLayer, layer_), Descriptor(kOciLayer, second_layer_)});
  }

  StatusOr<v1::Image> ImportMembers(const std::vector<Member>& members,
                                    const std::string& reference = "") {
    std::string path = dir_ + "/archive.tar";
    WriteTar(path, members);
    if (::testing::Test::HasFatalFailure()) return Internal("writing the archive failed");
    return Import(path, reference);
  }

  std::string layer_;
  std::string second_layer_;
  std::string config_;
};

struct HostileArchive {
  std::string label;
  std::vector<Member> members;
  StatusCode code;
  std::vector<std::string> in_message;  // each must appear in the error
};

TEST_F(ImageArchiveTest, HostileArchivesAreRefusedNamingTheCulpritAndChangeNothing) {
  auto existing = Import(tar_);
  ASSERT_TRUE(existing.ok()) << existing.status().message();
  const Snapshot before = Take();

  const std::string manifest = GoodManifest();
  const std::string manifest_digest = Sha256Digest(manifest);
  const std::string index = Index({Descriptor(kOciManifestMediaType, manifest, RefName("x/y:1"))});
  const std::string layer_digest = Sha256Digest(layer_);
  const std::string config_digest = Sha256Digest(config_);
  // A gzip layer cut in half, in a docker-archive whose config has the right diff id.
  std::vector<Member> big_layer = {File("big", std::string(300000, 'x') + Sha256Digest("salt"))};
  for (int i = 0; i < 64; ++i)
    big_layer.push_back(File("f" + std::to_string(i), Sha256Digest(std::to_string(i))));
  const std::string gzip_layer = TarBytes(big_layer, /*gzip=*/true);
  const std::string truncated = gzip_layer.substr(0, gzip_layer.size() / 2);
  const std::string docker_manifest =
      R"([{"Config":"config.json","RepoTags":["bad/image:1"],"Layers":["layer.tar"]}])";
  // A manifest whose layer descriptor says one byte more than the blob has.
  std::string wrong_size = GoodManifest();
  const std::string layer_size = "\"size\":" + std::to_string(layer_.size()) + "}";
  wrong_size.replace(wrong_size.find(layer_size), layer_size.size(),
                     "\"size\":" + std::to_string(layer_.size() + 1) + "}");
  const std::string dotdot_layer = TarBytes({Dir("d"), File("d/.wh...", "")});
  const std::string bad_second = TarBytes({File("srv/hello", "not what the config says")});
  // Multi-platform: an index whose only manifest is for another architecture.
  const std::string arm_index = Index({Descriptor(
      kOciManifestMediaType, manifest, R"(,"platform":{"os":"linux","architecture":"s390x"})")});

  // An OCI layout of one image: `manifest_json` and `blobs`.
  auto oci = [&](const std::string& manifest_json, std::vector<std::string> blobs) {
    blobs.insert(blobs.begin(), manifest_json);
    return Layout(Index({Descriptor(kOciManifestMediaType, manifest_json, RefName("x/y:1"))}),
                  blobs);
  };
  auto with_types = [&](std::string_view config_type, std::string_view layer_type) {
    return Manifest(Descriptor(config_type, config_),
                    {Descriptor(layer_type, layer_), Descriptor(kOciLayer, second_layer_)});
  };
  const std::vector<HostileArchive> cases = {
      {"manifest names a missing layer blob",
       oci(manifest, {config_, second_layer_}),
       StatusCode::kInvalidArgument,
       {"manifest " + manifest_digest, "layer 0 " + layer_digest, "missing from the archive"}},
      {"manifest names a missing config blob",
       oci(manifest, {layer_, second_layer_}),
       StatusCode::kInvalidArgument,
       {"config " + config_digest, "missing from the archive"}},
      {"index.json names a missing manifest",
       Layout(index, {config_, layer_, second_layer_}),
       StatusCode::kInvalidArgument,
       {"index.json: manifest " + manifest_digest, "not in the archive"}},
      {"manifest.json names a missing config",
       {File("manifest.json", docker_manifest), File("layer.tar", layer_)},
       StatusCode::kInvalidArgument,
       {"missing member 'config.json'"}},
      {"truncated gzip layer",
       {File("manifest.json", docker_manifest),
        File("config.json", Config({Sha256Digest(TarBytes(big_layer))})),
        File("layer.tar", truncated)},
       StatusCode::kInvalidArgument,
       {"layer 0 (" + Sha256Digest(truncated) + ")", "truncated or corrupt"}},
      {"a layer whose media type is a config",
       oci(with_types(kOciConfigMediaType, kOciConfigMediaType), {config_, layer_, second_layer_}),
       StatusCode::kInvalidArgument,
       {"layer 0 " + layer_digest, "media type 'application/vnd.oci.image.config.v1+json'",
        "not a layer"}},
      {"a config whose media type is a layer",
       oci(with_types(kOciLayer, kOciLayer), {config_, layer_, second_layer_}),
       StatusCode::kInvalidArgument,
       {"config " + config_digest, "not an image config"}},
      {"an encrypted layer",
       oci(with_types(kOciConfigMediaType, "application/vnd.oci.image.layer.v1.tar+encrypted"),
           {config_, layer_, second_layer_}),
       StatusCode::kInvalidArgument,
       {"layer 0 " + layer_digest, "tar+encrypted", "not a layer"}},
      {"a layer descriptor without a media type",
       oci(with_types(kOciConfigMediaType, ""), {config_, layer_, second_layer_}),
       StatusCode::kInvalidArgument,
       {"layer 0 " + layer_digest, "media type ''"}},
      {"index.json names a Docker schema 1 manifest",
       Layout(Index({Descriptor("application/vnd.docker.distribution.manifest.v1+prettyjws",
                                manifest)}),
              {manifest, config_, layer_, second_layer_}),
       StatusCode::kInvalidArgument,
       {"index.json: manifest " + manifest_digest, "not an image manifest or index"}},
      {"a manifest that says it is an index",
       oci(Manifest(Descriptor(kOciConfigMediaType, config_), {Descriptor(kOciLayer, layer_)},
                    kOciIndex),
           {config_, layer_}),
       StatusCode::kInvalidArgument,
       {"is not an image manifest"}},
      {"a descriptor size that is not the blob's",
       oci(wrong_size, {config_, layer_, second_layer_}),
       StatusCode::kInvalidArgument,
       {"layer 0 " + layer_digest, "not the size its descriptor gives"}},
      {"malformed index.json",
       Layout("{\"manifests\":[", {manifest, config_, layer_, second_layer_}),
       StatusCode::kInvalidArgument,
       {"index.json: malformed JSON"}},
      {"malformed manifest",
       oci("{\"config\":", {config_, layer_, second_layer_}),
       StatusCode::kInvalidArgument,
       {"manifest " + Sha256Digest("{\"config\":"), "malformed JSON"}},
      {"malformed config",
       {File("manifest.json", docker_manifest), File("config.json", "{\"rootfs\":"),
        File("layer.tar", layer_)},
       StatusCode::kInvalidArgument,
       {"image config " + Sha256Digest("{\"rootfs\":"), "malformed JSON"}},
      {"manifest.json given twice",
       {File("manifest.json", docker_manifest), File("config.json", Config({layer_digest})),
        File("layer.tar", layer_), File("manifest.json", "[]")},
       StatusCode::kInvalidArgument,
       {"member 'manifest.json' appears twice"}},
      {"a blob member given twice",
       {File("manifest.json", docker_manifest), File("config.json", Config({layer_digest})),
        File("layer.tar", layer_), File("./layer.tar", second_layer_)},
       StatusCode::kInvalidArgument,
       {"member 'layer.tar' appears twice"}},
      {"a whiteout of '..' in a layer",
       {File("manifest.json", docker_manifest),
        File("config.json", Config({Sha256Digest(dotdot_layer)})), File("layer.tar", dotdot_layer)},
       StatusCode::kInvalidArgument,
       {"layer 0 (" + Sha256Digest(dotdot_layer) + ")", "d/.wh...", "whiteout of '..'"}},
      {"a config with fewer diff ids than layers",
       oci(Manifest(Descriptor(kOciConfigMediaType, Config({layer_digest})),
                    {Descriptor(kOciLayer, layer_), Descriptor(kOciLayer, second_layer_)}),
           {Config({layer_digest}), layer_, second_layer_}),
       StatusCode::kInvalidArgument,
       {"the manifest lists 2 layers, the config 1 diff ids"}},
      {"a second layer whose content is not its diff id",
       oci(Manifest(Descriptor(kOciConfigMediaType, config_),
                    {Descriptor(kOciLayer, layer_), Descriptor(kOciLayer, bad_second)}),
           {config_, layer_, bad_second}),
       StatusCode::kInvalidArgument,
       {"layer 1 (" + Sha256Digest(bad_second) + "): its content hashes to " +
            Sha256Digest(bad_second),
        "the image config says " + Sha256Digest(second_layer_)}},
      {"a multi-platform index without this host's platform",
       Layout(Index({Descriptor(kOciIndex, arm_index)}),
              {arm_index, manifest, config_, layer_, second_layer_}),
       StatusCode::kInvalidArgument,
       {"image index " + Sha256Digest(arm_index), "no manifest for linux/amd64"}},
  };
  for (const auto& hostile : cases) {
    SCOPED_TRACE(hostile.label);
    auto image = ImportMembers(hostile.members);
    ASSERT_FALSE(image.ok());
    EXPECT_EQ(image.status().code(), hostile.code) << image.status().message();
    for (const auto& part : hostile.in_message) {
      EXPECT_NE(image.status().message().find(part), std::string::npos)
          << "'" << part << "' not in: " << image.status().message();
    }
    EXPECT_EQ(Take(), before) << "a refused archive must leave no blob, layer or record";
  }
  auto still = images_->Resolve(kReference, "image");
  ASSERT_TRUE(still.ok());
  EXPECT_EQ(still->id(), existing->id());
}

// The first image is fine, the second is not: neither is recorded.
TEST_F(ImageArchiveTest, MultiImageArchiveImportsWholeOrNotAtAll) {
  const Snapshot before = Take();
  const std::string other_config = Config({Sha256Digest(layer_)}, R"({"Cmd":["other"]})");
  const std::string broken = TarBytes({File("x", "not the diff id")});
  const std::string broken_config =
      Config({Sha256Digest(layer_), Sha256Digest(second_layer_)}, R"({"Cmd":["broken"]})");
  const std::string other_manifest =
      Manifest(Descriptor(kOciConfigMediaType, other_config), {Descriptor(kOciLayer, layer_)});
  const std::string broken_manifest =
      Manifest(Descriptor(kOciConfigMediaType, broken_config),
               {Descriptor(kOciLayer, layer_), Descriptor(kOciLayer, broken)});
  auto image = ImportMembers(
      Layout(Index({Descriptor(kOciManifestMediaType, other_manifest, RefName("multi/good:1")),
                    Descriptor(kOciManifestMediaType, broken_manifest, RefName("multi/bad:1"))}),
             {other_manifest, broken_manifest, other_config, broken_config, layer_, broken}));
  ASSERT_FALSE(image.ok());
  EXPECT_NE(image.status().message().find("image 2 of 2"), std::string::npos)
      << image.status().message();
  EXPECT_EQ(Take(), before) << "the good first image must not be recorded either";

  // Both good: both recorded, the shared layer unpacked once.
  auto both = ImportMembers(
      Layout(Index({Descriptor(kOciManifestMediaType, other_manifest, RefName("multi/good:1")),
                    Descriptor(kOciManifestMediaType, GoodManifest(), RefName("multi/two:1"))}),
             {other_manifest, GoodManifest(), other_config, config_, layer_, second_layer_}));
  ASSERT_TRUE(both.ok()) << both.status().message();
  EXPECT_EQ(References(*both), std::vector<std::string>{"multi/good:1"});
  auto two = images_->Resolve("multi/two:1", "image");
  ASSERT_TRUE(two.ok()) << two.status().message();
  EXPECT_EQ(two->id(), Sha256Digest(config_));
  EXPECT_EQ(CountRows("layers"), 2);
  EXPECT_EQ(ListNames(dir_ + "/layers").size(), 2u);
  EXPECT_TRUE(ListNames(dir_ + "/tmp").empty());
}

// An archive is read as it arrives (its first entry is an archive's): the stream's digest is
// still checked, and an import dropped midway leaves nothing.
TEST_F(ImageArchiveTest, ArchiveReadAsItArrivesIsCheckedAndLeavesNothingWhenDropped) {
  const std::vector<Member> members = {
      File("manifest.json",
           R"([{"Config":"config.json","RepoTags":["streamed/x:1"],"Layers":["a.tar","b.tar"]}])"),
      File("config.json", config_), File("a.tar", layer_), File("b.tar", second_layer_)};
  const std::string path = dir_ + "/streamed.tar";
  ASSERT_NO_FATAL_FAILURE(WriteTar(path, members));
  auto bytes = ReadFileToString(path);
  ASSERT_TRUE(bytes.ok());
  const Snapshot before = Take();

  v1::ImportHeader wrong = Header("");
  wrong.set_expected_digest(Sha256Digest("something else"));
  auto refused = Import(path, wrong);
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.status().code(), StatusCode::kInvalidArgument);
  EXPECT_NE(refused.status().message().find("header.expected_digest: digest mismatch"),
            std::string::npos)
      << refused.status().message();
  EXPECT_EQ(Take(), before);

  {
    auto dropped = images_->BeginImport(Header(""));
    ASSERT_TRUE(dropped.ok());
    ASSERT_TRUE((*dropped)->Write(bytes->data(), bytes->size() / 2).ok());
  }
  EXPECT_EQ(Take(), before) << "the blobs stored before the import was dropped are gone";

  v1::ImportHeader right = Header("");
  right.set_expected_digest(Sha256Digest(*bytes));
  auto image = Import(path, right);
  ASSERT_TRUE(image.ok()) << image.status().message();
  EXPECT_EQ(References(*image), std::vector<std::string>{"streamed/x:1"});
  EXPECT_EQ(blobs_->ListDigests().size(), 3u) << "config and two layers; no archive blob";
}

TEST_F(ImageArchiveTest, TheFirstEntryTellsAnArchiveFromARootfsTarball) {
  const std::string hex(64, 'a');
  struct Head {
    std::vector<Member> members;
    bool archive;
  } heads[] = {
      {{File(hex + ".tar", "layer")}, true},              // skopeo
      {{Dir(hex), File(hex + "/VERSION", "1.0")}, true},  // docker save
      {{Dir("./"), Dir("./blobs"), Dir("./blobs/sha256"), File("./blobs/sha256/" + hex, "x")},
       true},  // tar of an OCI layout
      {{File("oci-layout", "{}")}, true},
      {{File("index.json", "{}")}, true},
      {{Dir("./"), Dir("./bin"), File("./bin/sh", "#!")}, false},  // rootfs
      {{File("blobs/sha256/short", "x")}, false},
      {{File(hex + ".txt", "x")}, false},
      {{Dir("only-directories")}, false},
  };
  for (const auto& head : heads) {
    SCOPED_TRACE(head.members.back().name);
    EXPECT_EQ(StartsLikeImageArchive(TarBytes(head.members)), head.archive);
  }
  // Compressed (`docker save | gzip`): the same, read through the decompressor.
  EXPECT_TRUE(StartsLikeImageArchive(TarBytes({File(hex + ".tar", "x")}, /*gzip=*/true)));
  EXPECT_FALSE(StartsLikeImageArchive(TarBytes({Dir("bin"), File("bin/sh", "#!")}, /*gzip=*/true)));
  EXPECT_FALSE(StartsLikeImageArchive(""));
}

// An archive whose first entry does not say so is stored whole first, then read: the same
// image.
TEST_F(ImageArchiveTest, ArchiveThatDoesNotStartLikeOneStillImports) {
  auto image = ImportMembers(
      {File("layer-one", layer_), File("layer-two", second_layer_), File("cfg", config_),
       File("manifest.json",
            R"([{"Config":"cfg","RepoTags":["late/x:1"],"Layers":["layer-one","layer-two"]}])")});
  ASSERT_TRUE(image.ok()) << image.status().message();
  EXPECT_EQ(image->id(), Sha256Digest(config_));
  EXPECT_EQ(References(*image), std::vector<std::string>{"late/x:1"});
  EXPECT_EQ(blobs_->ListDigests().size(), 3u) << "the whole-stream blob is gone";
  EXPECT_TRUE(ListNames(dir_ + "/tmp").empty());
}

// `ctr images export`: Docker media types in an OCI layout, the name in
// io.containerd.image.name (the ref.name is only a tag), uncompressed layers.
TEST_F(ImageArchiveTest, ContainerdExportIsNamedByItsImageNameAnnotation) {
  const std::string manifest = Manifest(
      Descriptor(kDockerConfig, config_),
      {Descriptor(kDockerLayer, layer_), Descriptor(kDockerLayer, second_layer_)}, kDockerManifest);
  const std::string annotations =
      R"(,"annotations":{"io.containerd.image.name":"docker.io/library/exported:v1",)"
      R"("org.opencontainers.image.ref.name":"v1"})";
  auto image = ImportMembers(Layout(Index({Descriptor(kDockerManifest, manifest, annotations)}),
                                    {manifest, config_, layer_, second_layer_}));
  ASSERT_TRUE(image.ok()) << image.status().message();
  // The annotation's Docker Hub name is stored as Docker shows it.
  EXPECT_EQ(References(*image), std::vector<std::string>{"exported:v1"})
      << "a bare ref.name tag names no repository";
  EXPECT_EQ(image->layers_size(), 2);
}

// index.json and a docker-compatible manifest.json side by side (ctr, Docker 25's docker save):
// the index decides, manifest.json's RepoTags are added.
TEST_F(ImageArchiveTest, ManifestJsonBesideAnIndexAddsItsRepoTags) {
  const std::string manifest = GoodManifest();
  std::vector<Member> members =
      Layout(Index({Descriptor(kOciManifestMediaType, manifest, RefName("from/index:1"))}),
             {manifest, config_, layer_, second_layer_});
  auto blob = [](const std::string& content) {
    return Quoted("blobs/sha256/" + Sha256Digest(content).substr(7));
  };
  members.push_back(File("manifest.json", "[{\"Config\":" + blob(config_) +
                                              ",\"RepoTags\":[\"from/manifest-json:2\"],"
                                              "\"Layers\":[" +
                                              blob(layer_) + "," + blob(second_layer_) + "]}]"));
  auto image = ImportMembers(members);
  ASSERT_TRUE(image.ok()) << image.status().message();
  EXPECT_EQ(References(*image), (std::vector<std::string>{"from/index:1", "from/manifest-json:2"}));
}

TEST_F(ImageArchiveTest, MultiPlatformIndexResolvesToThisHostsManifest) {
  const std::string manifest = GoodManifest();
  // The arm64 manifest is not in the archive, as `ctr images export` leaves it out.
  const std::string platforms =
      Index({Descriptor(kOciManifestMediaType, "{\"absent\":1}",
                        R"(,"platform":{"os":"linux","architecture":"arm64"})"),
             Descriptor(kOciManifestMediaType, manifest,
                        R"(,"platform":{"os":"linux","architecture":"amd64"})")});
  auto image =
      ImportMembers(Layout(Index({Descriptor(kOciIndex, platforms, RefName("multi/arch:1"))}),
                           {platforms, manifest, config_, layer_, second_layer_}));
  ASSERT_TRUE(image.ok()) << image.status().message();
  EXPECT_EQ(image->id(), Sha256Digest(config_));
  EXPECT_EQ(References(*image), std::vector<std::string>{"multi/arch:1"});
}

TEST_F(ImageArchiveTest, GzipAndDockerLayerMediaTypesAreAccepted) {
  const std::string gzip_layer =
      TarBytes({Dir("bin"), File("bin/sh", "#!"), File("etc/release", "one")},
               /*gzip=*/true);
  const std::string config =
      Config({Sha256Digest(layer_), Sha256Digest(second_layer_)}, R"({"Cmd":["gzip"]})");
  const std::string manifest =
      Manifest(Descriptor(kOciConfigMediaType, config),
               {Descriptor(kOciGzipLayer, gzip_layer),
                Descriptor("application/vnd.docker.image.rootfs.diff.tar.gzip", second_layer_)});
  auto image = ImportMembers(
      Layout(Index({Descriptor(kOciManifestMediaType, manifest, RefName("types/ok:1"))}),
             {manifest, config, gzip_layer, second_layer_}));
  ASSERT_TRUE(image.ok()) << image.status().message();
  EXPECT_EQ(image->layers(0).digest(), Sha256Digest(gzip_layer));
}

// Decided: inside a layer, a later entry of the same name replaces the earlier one (tar's own
// rule, which Docker and containerd follow); what it replaces it with is checked like any
// member. Duplicate members of the archive itself are refused (see above).
TEST_F(ImageArchiveTest, DuplicateEntriesInALayerFollowTarSemantics) {
  const std::string layer = TarBytes({File("etc/motd", "first"), Dir("d"), File("d/inside", "x"),
                                      File("etc/motd", "second"), Symlink("d", "/etc")});
  auto image =
      ImportMembers({File("manifest.json",
                          R"([{"Config":"c.json","RepoTags":["dup/layer:1"],"Layers":["l.tar"]}])"),
                     File("c.json", Config({Sha256Digest(layer)})), File("l.tar", layer)});
  ASSERT_TRUE(image.ok()) << image.status().message();
  auto dirs = images_->LayerDirectories(image->id());
  ASSERT_TRUE(dirs.ok());
  auto motd = ReadFileToString((*dirs)[0] + "/etc/motd");
  ASSERT_TRUE(motd.ok());
  EXPECT_EQ(*motd, "second");
  struct stat st;
  ASSERT_EQ(::lstat(((*dirs)[0] + "/d").c_str(), &st), 0);
  EXPECT_TRUE(S_ISLNK(st.st_mode)) << "the directory was replaced by the later symlink";

  // A later member below the symlink that replaced a directory is refused.
  const std::string escaping = TarBytes({Dir("d"), Symlink("d", "/etc"), File("d/pwned", "x")});
  const Snapshot before = Take();
  auto refused =
      ImportMembers({File("manifest.json", R"([{"Config":"c.json","Layers":["l.tar"]}])"),
                     File("c.json", Config({Sha256Digest(escaping)})), File("l.tar", escaping)});
  ASSERT_FALSE(refused.ok());
  EXPECT_NE(refused.status().message().find("d/pwned"), std::string::npos)
      << refused.status().message();
  EXPECT_EQ(Take(), before);
  EXPECT_FALSE(Exists("/etc/pwned"));
}

TEST_F(ImageArchiveTest, ConfigLabelsStopSignalAndExposedPortsAreParsed) {
  const std::string config = Config(
      {Sha256Digest(layer_)}, R"({"Cmd":["sh"],"Labels":{"b":"2","a":"1"},"StopSignal":"SIGUSR1",)"
                              R"("ExposedPorts":{"8080/tcp":{},"53/udp":{}}})");
  auto image = ImportMembers(
      {File("manifest.json", R"([{"Config":"c.json","RepoTags":["cfg/x:1"],"Layers":["l.tar"]}])"),
       File("c.json", config), File("l.tar", layer_)});
  ASSERT_TRUE(image.ok()) << image.status().message();
  EXPECT_EQ(image->config().stop_signal(), "SIGUSR1");
  EXPECT_EQ(image->config().labels().at("a"), "1");
  EXPECT_EQ(image->config().labels().at("b"), "2");
  EXPECT_EQ(std::vector<std::string>(image->config().exposed_ports().begin(),
                                     image->config().exposed_ports().end()),
            (std::vector<std::string>{"53/udp", "8080/tcp"}));

  // A rootfs tarball's generated config carries them too, so the image id covers them.
  v1::ImportHeader header = Header("cfg/rootfs:1");
  header.mutable_config()->add_exposed_ports("80/tcp");
  auto rootfs = Import(tar_, header);
  ASSERT_TRUE(rootfs.ok()) << rootfs.status().message();
  ASSERT_EQ(rootfs->config().exposed_ports_size(), 1);
  EXPECT_EQ(rootfs->config().exposed_ports(0), "80/tcp");
  auto stored = blobs_->ReadBlob(rootfs->id());
  ASSERT_TRUE(stored.ok());
  EXPECT_NE(stored->find(R"("ExposedPorts":{"80/tcp":{}})"), std::string::npos) << *stored;
}

}  // namespace
}  // namespace boxcar
