// `boxcar image import` of archives the real tools make (fixtures/make-image-archives.sh:
// umoci, skopeo, `ctr images export` from a containerd of the fixture script's own, and the
// shape of `docker save` assembled from skopeo's output): multi-image archives, zstd layers, Docker
// media types; the image config reaching `inspect` and `stop`; decompression bombs against
// --max-layer-bytes.
#include <gtest/gtest.h>

#include <chrono>
#include <cstdlib>

#include "agent_fixture.h"
#include "build_paths.h"
#include "common/atomic_file.h"
#include "image_test_support.h"

namespace boxcar::testing {
namespace {

class ImageImportTest : public ::testing::Test, public AgentFixture {
 protected:
  // The fixtures are built once for the suite: skopeo and umoci take a few seconds.
  static void SetUpTestSuite() {
    char dir_template[] = "/tmp/boxcar-import-fixtures-XXXXXX";
    fixtures_ = ::mkdtemp(dir_template);
    std::string make = std::string(BOXCAR_FIXTURES_DIR) + "/make-image-archives.sh " + fixtures_ +
                       "/archives " + BOXCAR_BUSYBOX_TAR + " >" + fixtures_ + "/make.log 2>&1";
    fixtures_built_ = std::system(make.c_str()) == 0;
  }
  static void TearDownTestSuite() { (void)RemoveTree(fixtures_); }

  void SetUp() override {
    ASSERT_TRUE(fixtures_built_) << "see " << fixtures_ << "/make.log";
    StartAgentWithBusybox({});
  }
  void TearDown() override { StopAgentAndCheckLeftovers(); }

  static std::string Archive(const std::string& name) { return fixtures_ + "/archives/" + name; }

  // `boxcar image import -q FILE`; the ids it prints, one a line.
  std::string ImportQuietly(const std::string& file) {
    CommandResult imported = agent_.Cli({"image", "import", "-q", file});
    EXPECT_EQ(imported.exit_code, 0) << file << ": " << imported.err;
    return imported.out;
  }
  std::string RunOut(const std::string& image, const std::string& script) {
    CommandResult run = agent_.Cli({"run", "--rm", image, "sh", "-c", script});
    EXPECT_EQ(run.exit_code, 0) << image << ": " << run.err;
    return run.out;
  }
  v1::Image InspectImage(const std::string& image) {
    grpc::ClientContext context;
    v1::InspectImageRequest request;
    request.set_image(image);
    v1::Image found;
    grpc::Status status = agent_.images().Inspect(&context, request, &found);
    EXPECT_TRUE(status.ok()) << image << ": " << status.error_message();
    return found;
  }

  static inline std::string fixtures_;
  static inline bool fixtures_built_ = false;
};

// Two images with different tags in one docker-archive (`docker save a b`) and in one OCI
// layout: both imported, both tags resolve, both run; the shared rootfs layer is stored once.
TEST_F(ImageImportTest, MultiImageArchivesImportEveryImageWithItsTag) {
  for (const std::string archive : {"multi-docker.tar", "multi-oci.tar"}) {
    SCOPED_TRACE(archive);
    ImportQuietly(Archive(archive));
    v1::Image a = InspectImage("localhost/multi-a:1");
    v1::Image b = InspectImage("localhost/multi-b:2");
    EXPECT_NE(a.id(), b.id());
    EXPECT_EQ(a.layers_size(), 3);
    EXPECT_EQ(b.layers_size(), 2);
    EXPECT_EQ(a.layers(0).diff_id(), b.layers(0).diff_id());
    EXPECT_EQ(ListDirectoryNames(agent_.root_dir() + "/layers").size(), 1u + 3u + 1u)
        << "busybox, a's three layers, b's own layer";
    EXPECT_EQ(RunOut("localhost/multi-a:1", "cat /srv/hello; test -e /etc/group || echo gone"),
              "second-layer\ngone\n");
    EXPECT_EQ(RunOut("localhost/multi-b:2", "cat /which; test -e /etc/group && echo kept"),
              "b\nkept\n");
    ASSERT_EQ(agent_.Cli({"image", "rm", "localhost/multi-a:1", "localhost/multi-b:2"}).exit_code,
              0);
    EXPECT_EQ(agent_.Cli({"image", "ls", "-q", "--no-trunc"}).out, image_id_ + "\n");
  }
}

// While the agent checks and unpacks the layers it streams how far it is: one message a layer
// of every image of the archive, in order, then the image.
TEST_F(ImageImportTest, ImportStreamsLayerProgressBeforeTheImage) {
  v1::ImportResponse last;
  std::vector<v1::ImportProgress> progress;
  grpc::Status status = agent_.ImportTarball(Archive("multi-docker.tar"), "", &last, &progress);
  ASSERT_TRUE(status.ok()) << status.error_message();
  ASSERT_EQ(progress.size(), 5u) << "image a's three layers and image b's two";
  for (size_t i = 0; i < progress.size(); ++i) {
    EXPECT_EQ(progress[i].layers_done(), i + 1);
    EXPECT_EQ(progress[i].layers_total(), 5u);
  }
  EXPECT_EQ(last.image().id(), InspectImage("localhost/multi-a:1").id());
  // A rootfs tarball is one layer.
  progress.clear();
  ASSERT_TRUE(agent_.ImportTarball(BOXCAR_BUSYBOX_TAR, "again:1", &last, &progress).ok());
  ASSERT_EQ(progress.size(), 1u);
  EXPECT_EQ(progress[0].layers_total(), 1u);
  EXPECT_EQ(last.image().id(), image_id_);
}

// `docker save | gzip` (docker load takes it) and the same with zstd and xz: imported like the
// tar itself, every image with its tag.
TEST_F(ImageImportTest, CompressedArchivesImportLikeTheirTar) {
  for (const std::string compressor : {"gzip", "zstd", "xz"}) {
    for (const std::string archive : {"multi-docker.tar", "multi-oci.tar"}) {
      SCOPED_TRACE(compressor + " " + archive);
      const std::string compressed = fixtures_ + "/" + archive + "." + compressor;
      ASSERT_EQ(std::system((compressor + " -c " + Archive(archive) + " >" + compressed).c_str()),
                0);
      ImportQuietly(compressed);
      EXPECT_EQ(InspectImage("localhost/multi-a:1").layers_size(), 3);
      EXPECT_EQ(RunOut("localhost/multi-b:2", "cat /which"), "b\n");
      ASSERT_EQ(agent_.Cli({"image", "rm", "localhost/multi-a:1", "localhost/multi-b:2"}).exit_code,
                0);
      EXPECT_EQ(agent_.Cli({"image", "ls", "-q", "--no-trunc"}).out, image_id_ + "\n");
    }
  }
}

// skopeo --dest-compress-format zstd: the layers stay zstd in the store and in the export.
TEST_F(ImageImportTest, ZstdLayersImportRunAndExportAsZstd) {
  ImportQuietly(Archive("zstd.tar"));
  v1::Image image = InspectImage("localhost/busybox:zstd");
  ASSERT_EQ(image.layers_size(), 3);
  for (const auto& layer : image.layers()) {
    EXPECT_NE(layer.digest(), layer.diff_id()) << "stored compressed";
    auto blob = ReadFileToString(agent_.root_dir() + "/blobs/sha256/" + layer.digest().substr(7));
    ASSERT_TRUE(blob.ok());
    EXPECT_EQ(blob->substr(0, 4), std::string("\x28\xb5\x2f\xfd", 4)) << "zstd magic";
  }
  EXPECT_EQ(RunOut("localhost/busybox:zstd", "pwd; cat hello; echo $FROM_CONFIG"),
            "/srv\nsecond-layer\nyes\n");
  std::string saved = agent_.work_dir() + "/zstd-saved.tar";
  // The pure OCI form keeps the stored blobs (the default combined archive writes layers
  // uncompressed, named by diff id, for docker-archive readers).
  ASSERT_EQ(agent_.Cli({"image", "save", "--format", "oci", "-o", saved, "localhost/busybox:zstd"})
                .exit_code,
            0);
  std::string inspect = "skopeo inspect --raw oci-archive:" + saved +
                        ":localhost/busybox:zstd | grep -c 'tar+zstd' > " + agent_.work_dir() +
                        "/zstd-count.txt";
  ASSERT_EQ(std::system(inspect.c_str()), 0);
  EXPECT_EQ(*ReadFileToString(agent_.work_dir() + "/zstd-count.txt"), "1\n")
      << "one line of JSON naming tar+zstd layers";
}

// `ctr images export` (containerd 1.6): Docker media types in an OCI layout, uncompressed
// layers, the name in full in io.containerd.image.name and in Docker's short form
// ("busybox:ctr") in manifest.json's RepoTags, which is the same reference.
TEST_F(ImageImportTest, CtrExportImportsUnderItsContainerdName) {
  std::string id = ImportQuietly(Archive("ctr-export.tar"));
  v1::Image image = InspectImage("docker.io/library/busybox:ctr");
  EXPECT_EQ(image.id() + "\n", id);
  EXPECT_EQ(image.references_size(), 1) << "the bare ref.name 'ctr' names no repository";
  // Docker Hub names as Docker shows them: the full name and the short one are one image.
  ASSERT_GE(image.references_size(), 1);
  EXPECT_EQ(image.references(0), "busybox:ctr");
  EXPECT_EQ(InspectImage("busybox:ctr").id(), image.id());
  EXPECT_EQ(RunOut("busybox:ctr", "cat /srv/hello"), "second-layer\n");
  ASSERT_EQ(image.layers_size(), 3);
  EXPECT_EQ(image.layers(0).digest(), image.layers(0).diff_id()) << "uncompressed";
  EXPECT_EQ(RunOut("docker.io/library/busybox:ctr", "cat /srv/hello; ls /etc | tr '\\n' ' '"),
            "second-layer\nhostname hosts nsswitch.conf passwd resolv.conf ")
      << "the image's /etc, and the agent's three files bind-mounted as Docker's";
}

// Labels, StopSignal and ExposedPorts of the config: shown by `image inspect`, and the stop
// signal is what `boxcar stop` sends.
TEST_F(ImageImportTest, ImageConfigLabelsStopSignalAndExposedPortsReachInspectAndStop) {
  ImportQuietly(Archive("multi-oci.tar"));
  CommandResult inspect = agent_.Cli({"image", "inspect", "localhost/multi-b:2"});
  ASSERT_EQ(inspect.exit_code, 0) << inspect.err;
  for (const char* expected :
       {R"("exposed_ports": [)", R"("53/udp")", R"("8080/tcp")", R"("stop_signal": "SIGUSR1")",
        R"("which": "b")", R"("org.opencontainers.image.title": "image b")"}) {
    EXPECT_NE(inspect.out.find(expected), std::string::npos) << expected << "\n" << inspect.out;
  }
  v1::Image image = InspectImage("localhost/multi-b:2");
  ASSERT_EQ(image.config().exposed_ports_size(), 2);
  EXPECT_EQ(image.config().exposed_ports(0), "53/udp");
  EXPECT_EQ(image.config().exposed_ports(1), "8080/tcp");

  CommandResult started =
      agent_.Cli({"run", "-d", "localhost/multi-b:2", "sh", "-c",
                  "trap 'echo got-usr1; exit 3' USR1; echo ready; while :; do sleep 0.05; done"});
  ASSERT_EQ(started.exit_code, 0) << started.err;
  std::string id = started.out.substr(0, started.out.find('\n'));
  for (int i = 0; i < 200 && agent_.Cli({"logs", id}).out != "ready\n"; ++i) usleep(10000);
  auto begun = std::chrono::steady_clock::now();
  CommandResult stopped = agent_.Cli({"stop", id});
  EXPECT_EQ(stopped.exit_code, 0) << stopped.err;
  EXPECT_LT(std::chrono::steady_clock::now() - begun, std::chrono::seconds(5))
      << "SIGUSR1 ends it at once; SIGTERM would wait for the kill timeout";
  EXPECT_EQ(agent_.Cli({"logs", id}).out, "ready\ngot-usr1\n");
  EXPECT_EQ(Inspect(id).exit_code(), 3);
}

// A docker-archive whose manifest lists one layer twice (`docker save` of an image that made
// the same layer in two steps): the busybox rootfs below and above a layer that changes a file
// of it. The image keeps its three layers; it mounts (overlayfs refuses a directory named twice
// in one lowerdir: ELOOP), and the merged tree is the top copy's: the middle layer's change is
// hidden again, its new file is not.
TEST_F(ImageImportTest, ArchiveListingOneLayerTwiceImportsAndRuns) {
  auto rootfs = ReadFileToString(BOXCAR_BUSYBOX_TAR);
  ASSERT_TRUE(rootfs.ok()) << rootfs.status().message();
  const std::string middle_path = agent_.work_dir() + "/middle.tar";
  WriteTarball(middle_path, {{TarMember::kDirectory, "etc", ""},
                             {TarMember::kFile, "etc/nsswitch.conf", "from the middle layer\n"},
                             {TarMember::kFile, "middle", "m\n"}});
  auto middle = ReadFileToString(middle_path);
  ASSERT_TRUE(middle.ok());
  const std::string rootfs_id = Sha256Digest(*rootfs);
  const std::string middle_id = Sha256Digest(*middle);
  const std::string config = R"({"architecture":"amd64","os":"linux","config":{"Cmd":["sh"]},)"
                             R"("rootfs":{"type":"layers","diff_ids":[")" +
                             rootfs_id + R"(",")" + middle_id + R"(",")" + rootfs_id + R"("]}})";
  const std::string config_name = Sha256Digest(config).substr(7) + ".json";
  const std::string rootfs_name = rootfs_id.substr(7) + "/layer.tar";
  const std::string middle_name = middle_id.substr(7) + "/layer.tar";
  const std::string archive = agent_.work_dir() + "/repeated.tar";
  WriteTarball(archive,
               {{TarMember::kFile, config_name, config},
                {TarMember::kFile, rootfs_name, *rootfs},
                {TarMember::kFile, middle_name, *middle},
                {TarMember::kFile, "manifest.json",
                 R"([{"Config":")" + config_name + R"(","RepoTags":["repeated:1"],"Layers":[")" +
                     rootfs_name + R"(",")" + middle_name + R"(",")" + rootfs_name + R"("]}])"}});
  ImportQuietly(archive);
  v1::Image image = InspectImage("repeated:1");
  ASSERT_EQ(image.layers_size(), 3);
  EXPECT_EQ(image.layers(0).diff_id(), image.layers(2).diff_id());
  EXPECT_EQ(RunOut("repeated:1", "cat /etc/nsswitch.conf /middle"), "hosts: files\nm\n");
}

// An agent with a 256 KiB cap, and a small image already in its store.
class DecompressionBombTest : public ::testing::Test, public AgentFixture {
 protected:
  static constexpr const char* kLimit = "262144";
  void SetUp() override {
    agent_.Start({"--max-layer-bytes", kLimit});
    ASSERT_FALSE(HasFatalFailure());
    std::string small = agent_.work_dir() + "/small.tar";
    WriteTarball(small, {{TarMember::kFile, "bin/sh", "#!"}});
    ASSERT_TRUE(agent_.ImportTarball(small, "small:1").ok());
  }
  void TearDown() override { StopAgentAndCheckLeftovers(); }
};

// Layers that inflate to gigabytes are refused within a second, with RESOURCE_EXHAUSTED naming
// the limit, whether they come as a rootfs tarball or inside an image archive.
TEST_F(DecompressionBombTest, BombsAreRefusedQuicklyAndLeaveTheStoreAsItWas) {
  std::string bombs = agent_.work_dir() + "/bombs";
  std::string make = std::string(BOXCAR_FIXTURES_DIR) + "/make-decompression-bombs.py " + bombs;
  ASSERT_EQ(std::system(make.c_str()), 0);
  const std::string before = StoreListing(agent_.root_dir());
  struct Case {
    std::string file;
    std::string in_message;
  } cases[] = {
      {"bomb-file.tar.gz", "at member 'zeros'"},
      {"bomb-headers.tar.gz", "layer decompresses to more than"},
      {"bomb-archive.tar", "layer 0 ("},
  };
  for (const auto& bomb : cases) {
    SCOPED_TRACE(bomb.file);
    auto begun = std::chrono::steady_clock::now();
    grpc::Status status = agent_.ImportTarball(bombs + "/" + bomb.file, "bomb/rootfs:1");
    auto took = std::chrono::steady_clock::now() - begun;
    EXPECT_EQ(status.error_code(), grpc::StatusCode::RESOURCE_EXHAUSTED) << status.error_message();
    EXPECT_NE(status.error_message().find(kLimit), std::string::npos) << status.error_message();
    EXPECT_NE(status.error_message().find(bomb.in_message), std::string::npos)
        << status.error_message();
    EXPECT_LT(took, std::chrono::seconds(3))
        << std::chrono::duration_cast<std::chrono::milliseconds>(took).count() << " ms";
    EXPECT_EQ(StoreListing(agent_.root_dir()), before);
  }
  EXPECT_EQ(agent_.Cli({"image", "ls"}).out.find("bomb"), std::string::npos);
}

}  // namespace
}  // namespace boxcar::testing
