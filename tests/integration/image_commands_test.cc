// The image commands through a real boxcard and CLI: hostile and broken archives refused
// leaving nothing, kill -9 during an import, digests checked, OCI layouts and
// docker-archives of umoci and skopeo, concurrent imports, tag, list/inspect/rm, 130 layers,
// prune, name@digest, system check and repair.
#include <dirent.h>
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstring>
#include <fstream>
#include <set>
#include <thread>

#include "agent_fixture.h"
#include "build_paths.h"
#include "common/atomic_file.h"
#include "common/directory_tree.h"
#include "common/sha256.h"
#include "image_test_support.h"

namespace boxcar::testing {
namespace {

class ImageCommandsTest : public ::testing::Test, public AgentFixture {
 protected:
  void SetUp() override { StartAgentWithBusybox({}); }
  void TearDown() override { StopAgentAndCheckLeftovers(); }
};

TEST_F(ImageCommandsTest, HostileTarballsAreRefusedAndLeaveNothing) {
  auto snapshot_store = [&] {
    std::string listing;
    for (const char* dir : {"/layers", "/tmp", "/blobs/sha256"}) {
      std::string path = agent_.root_dir() + dir;
      DIR* handle = ::opendir(path.c_str());
      while (dirent* entry = handle ? ::readdir(handle) : nullptr)
        listing += std::string(dir) + "/" + entry->d_name + ";";
      if (handle) ::closedir(handle);
    }
    return listing;
  };
  std::string before = snapshot_store();
  struct Case {
    std::string name;
    std::vector<TarMember> members;
    std::string member_in_error;
  } cases[] = {
      {"dotdot", {{TarMember::kFile, "ok", "x"}, {TarMember::kFile, "../evil", "x"}}, "../evil"},
      {"absolute", {{TarMember::kFile, "/etc/evil", "x"}}, "/etc/evil"},
      {"escaping symlink", {{TarMember::kSymlink, "bin/up", "../../../.."}}, "bin/up"},
      {"symlink parent",
       {{TarMember::kSymlink, "link", "/tmp"}, {TarMember::kFile, "link/pwned", "x"}},
       "link/pwned"},
      {"hardlink escape", {{TarMember::kHardlink, "hl", "../../etc/passwd"}}, "hl"},
  };
  for (const auto& c : cases) {
    std::string path = agent_.work_dir() + "/" + c.name + ".tar";
    WriteTarball(path, c.members);
    grpc::Status status = agent_.ImportTarball(path, "hostile:latest");
    EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT)
        << c.name << ": " << status.error_message();
    EXPECT_NE(status.error_message().find(c.member_in_error), std::string::npos)
        << c.name << ": " << status.error_message();
  }
  // Not an archive at all: said what is accepted, without the agent's blob paths.
  const std::string garbage = agent_.work_dir() + "/garbage.tar";
  ASSERT_TRUE(WriteFileAtomically(garbage, std::string(4096, 'g')).ok());
  CommandResult not_archive = agent_.Cli({"image", "import", "-q", garbage, "g:1"});
  EXPECT_NE(not_archive.exit_code, 0);
  EXPECT_NE(not_archive.err.find("chunk: the file is not an OCI layout tar, a docker-archive or a "
                                 "rootfs tarball (plain, gzip or zstd tar)"),
            std::string::npos)
      << not_archive.err;
  EXPECT_EQ(not_archive.err.find(agent_.root_dir()), std::string::npos) << not_archive.err;
  EXPECT_NE(::access("/tmp/pwned", F_OK), 0);
  EXPECT_EQ(snapshot_store(), before) << "a refused import must leave no blob, layer or temp file";
  CommandResult images = agent_.Cli({"image", "ls", "-q"});
  EXPECT_EQ(images.out, image_id_.substr(7, 12) + "\n") << "short ids, as Docker's";
  EXPECT_EQ(agent_.Cli({"image", "ls", "-q", "--no-trunc"}).out, image_id_ + "\n");

  std::string devices = agent_.work_dir() + "/devices.tar";
  WriteTarball(devices, {{TarMember::kDirectory, "dev", ""},
                         {TarMember::kBlockDevice, "dev/sda", ""},
                         {TarMember::kFile, "bin/sh", "x"}});
  EXPECT_TRUE(agent_.ImportTarball(devices, "devices:latest").ok())
      << "device nodes are dropped, not fatal";
  EXPECT_EQ(agent_.Cli({"image", "rm", "devices"}).exit_code, 0);
}

// kill -9 of the agent in the middle of an import, at several points: after a restart no
// partial blob, layer or image is visible, nothing is left in tmp/, and the import succeeds.
TEST(AgentCrashTest, KillNineDuringImportLeavesNothingAndTheImportThenSucceeds) {
  AgentHarness agent;
  // ~48 MiB of incompressible files: the import takes long enough to be killed midway.
  std::vector<TarMember> members = IncompressibleFiles("data/f", 48);
  members.push_back({TarMember::kFile, "bin/sh", "#!"});
  std::string big_tar = agent.work_dir() + "/big.tar";
  WriteTarball(big_tar, members);

  for (int delay_ms : {20, 150, 400}) {
    agent.Start();
    ASSERT_FALSE(::testing::Test::HasFatalFailure());
    std::thread importer([&] { (void)agent.ImportTarball(big_tar, "big:latest"); });
    std::this_thread::sleep_for(std::chrono::milliseconds(delay_ms));
    pid_t victim = agent.agent_pid();
    ::kill(victim, SIGKILL);
    importer.join();
    agent.Stop(/*kill9=*/true);
    agent.Start();
    ASSERT_FALSE(::testing::Test::HasFatalFailure());
    CommandResult images = agent.Cli({"image", "ls", "-q", "--no-trunc"});
    std::string root = agent.root_dir();
    auto count = [](const std::string& dir) { return ListDirectoryNames(dir).size(); };
    if (delay_ms == 20) {
      EXPECT_EQ(images.out, "")
          << "48 MiB cannot be imported in 20 ms: the first kill must land mid-import";
    }
    if (images.out.empty()) {
      EXPECT_EQ(count(root + "/blobs/sha256"), 0u) << "killed after " << delay_ms << " ms";
      EXPECT_EQ(count(root + "/layers"), 0u) << "killed after " << delay_ms << " ms";
    } else {
      // The kill came after the commit: then the image is whole.
      EXPECT_EQ(count(root + "/layers"), 1u);
      EXPECT_EQ(agent.Cli({"image", "rm", "big"}).exit_code, 0);
    }
    EXPECT_EQ(count(root + "/tmp"), 0u) << "killed after " << delay_ms << " ms";
    agent.Stop();
  }
  agent.Start();
  ASSERT_FALSE(::testing::Test::HasFatalFailure());
  v1::ImportResponse imported;
  grpc::Status status = agent.ImportTarball(big_tar, "big:latest", &imported);
  ASSERT_TRUE(status.ok()) << status.error_message();
  auto layers = ListDirectoryNames(agent.root_dir() + "/layers");
  ASSERT_EQ(layers.size(), 1u);
  auto last_file = ReadFileToString(agent.root_dir() + "/layers/" + layers[0] + "/data/f47");
  ASSERT_TRUE(last_file.ok()) << last_file.status().message();
  EXPECT_EQ(last_file->size(), 1u << 20);
  agent.Stop();
  EXPECT_EQ(agent.LeftoverCgroups(), "");
  EXPECT_EQ(agent.LeftoverShims(), "");
}

TEST_F(ImageCommandsTest, ImportChecksTheGivenDigest) {
  CommandResult wrong = agent_.Cli({"image", "import", "-q", BOXCAR_BUSYBOX_TAR, "other:1",
                                    "--digest", "sha256:" + std::string(64, '0')});
  EXPECT_EQ(wrong.exit_code, 1);
  EXPECT_NE(wrong.err.find("header.expected_digest"), std::string::npos) << wrong.err;
  EXPECT_EQ(agent_.Cli({"image", "ls", "-q", "--no-trunc"}).out, image_id_ + "\n");
  auto content = ReadFileToString(BOXCAR_BUSYBOX_TAR);
  ASSERT_TRUE(content.ok());
  CommandResult right = agent_.Cli(
      {"image", "import", "-q", BOXCAR_BUSYBOX_TAR, "other:1", "--digest", Sha256Digest(*content)});
  EXPECT_EQ(right.exit_code, 0) << right.err;
}

// OCI layouts and docker-archives made by umoci and skopeo: layers, whiteouts and the image
// config reach the container.
TEST_F(ImageCommandsTest, ImportsOciLayoutAndDockerArchive) {
  std::string fixtures = agent_.work_dir() + "/archives";
  std::string make = std::string(BOXCAR_FIXTURES_DIR) + "/make-image-archives.sh " + fixtures +
                     " " + BOXCAR_BUSYBOX_TAR + " >" + agent_.work_dir() + "/fixtures.log 2>&1";
  ASSERT_EQ(std::system(make.c_str()), 0) << "see " << agent_.work_dir() << "/fixtures.log";

  CommandResult docker = agent_.Cli({"image", "import", "-q", fixtures + "/docker.tar"});
  ASSERT_EQ(docker.exit_code, 0) << docker.err;
  std::string docker_id = docker.out.substr(0, docker.out.find('\n'));
  CommandResult oci = agent_.Cli({"image", "import", "-q", fixtures + "/oci.tar", "oci/busybox:2"});
  ASSERT_EQ(oci.exit_code, 0) << oci.err;
  EXPECT_EQ(oci.out, docker.out) << "the same config gives the same image id";
  EXPECT_EQ(ListDirectoryNames(agent_.root_dir() + "/layers").size(), 4u)
      << "three layers shared by both imports, plus the bundled busybox layer";

  CommandResult inside = agent_.Cli({"run", "--rm", "localhost/busybox", "sh", "-c",
                                     "pwd; cat hello; echo $FROM_CONFIG; ls /etc | tr '\\n' ' '"});
  EXPECT_EQ(inside.exit_code, 0) << inside.err;
  // hostname, hosts and resolv.conf are the agent's, bind-mounted as Docker's.
  EXPECT_EQ(inside.out, "/srv\nsecond-layer\nyes\nhostname hosts nsswitch.conf passwd resolv.conf ")
      << "working dir, second layer, config env, and the whiteout of /etc/group";
  CommandResult saved = agent_.Cli({"image", "import", "-q", fixtures + "/docker-save.tar"});
  EXPECT_EQ(saved.out, docker.out)
      << "docker save's shape (real <v1id>/layer.tar files): " << saved.err;
  EXPECT_EQ(agent_.Cli({"run", "--rm", "saved/busybox:1", "cat", "/srv/hello"}).out,
            "second-layer\n");
  CommandResult by_tag = agent_.Cli({"run", "--rm", "oci/busybox:2", "cat", "/srv/hello"});
  EXPECT_EQ(by_tag.out, "second-layer\n") << by_tag.err;
  CommandResult inspect = agent_.Cli({"image", "inspect", docker_id});
  EXPECT_NE(inspect.out.find("localhost/busybox:latest"), std::string::npos);
  EXPECT_NE(inspect.out.find("oci/busybox:2"), std::string::npos);
}

// Several imports of the same image at once (as two hosts' deployments might push it), while
// the store has it and while it has not: every one succeeds, none deletes a blob another
// still needs (the manifest, which no image record keeps), and the store checks clean.
TEST_F(ImageCommandsTest, ConcurrentImportsOfTheSameImageAllSucceed) {
  const std::string docker = agent_.work_dir() + "/busybox-docker.tar";
  const std::string oci = agent_.work_dir() + "/busybox-oci.tar";
  ASSERT_EQ(agent_.Cli({"image", "save", "--format", "docker", "-o", docker, "busybox"}).exit_code,
            0);
  ASSERT_EQ(agent_.Cli({"image", "save", "--format", "oci", "-o", oci, "busybox"}).exit_code, 0);
  for (int round = 0; round < 4; ++round) {
    SCOPED_TRACE("round " + std::to_string(round));
    if (round >= 2) {
      ASSERT_EQ(agent_.Cli({"image", "rm", "busybox"}).exit_code, 0);
    }
    std::vector<std::thread> imports;
    std::vector<CommandResult> results(6);
    for (size_t i = 0; i < results.size(); ++i) {
      imports.emplace_back([&, i] {
        results[i] = agent_.Cli({"image", "import", "-q", i % 2 ? oci : docker});
      });
    }
    for (auto& import : imports) import.join();
    for (const auto& result : results) {
      EXPECT_EQ(result.exit_code, 0) << result.err;
      EXPECT_EQ(result.out, image_id_ + "\n");
    }
    CommandResult check = agent_.Cli({"system", "check"});
    EXPECT_EQ(check.exit_code, 0) << check.out << check.err;
    EXPECT_EQ(agent_.Cli({"run", "--rm", "busybox", "echo", "ok"}).out, "ok\n");
  }
}

TEST_F(ImageCommandsTest, BrokenArchivesAreRefusedAndLeaveNothing) {
  std::string layer = agent_.work_dir() + "/layer.tar";
  WriteTarball(layer, {{TarMember::kFile, "bin/x", "x"}});
  auto layer_bytes = ReadFileToString(layer);
  ASSERT_TRUE(layer_bytes.ok());
  std::string right_diff_id = Sha256Digest(*layer_bytes);
  auto config = [](const std::string& diff_id) {
    return std::string(R"({"architecture":"amd64","os":"linux","config":{"Cmd":["sh"]},)") +
           R"("rootfs":{"type":"layers","diff_ids":[")" + diff_id + R"("]}})";
  };
  std::string manifest =
      R"([{"Config":"config.json","RepoTags":["bad:1"],"Layers":["layer.tar"]}])";
  auto listing = [&] {
    std::string all;
    for (const char* dir : {"/layers", "/tmp", "/blobs/sha256"}) {
      for (const auto& name : ListDirectoryNames(agent_.root_dir() + dir))
        all += std::string(dir) + "/" + name + ";";
    }
    return all;
  };
  std::string before = listing();
  struct Case {
    std::string name;
    std::vector<TarMember> members;
    std::string error;
  } cases[] = {
      {"diff id mismatch",
       {{TarMember::kFile, "manifest.json", manifest},
        {TarMember::kFile, "config.json", config("sha256:" + std::string(64, 'a'))},
        {TarMember::kFile, "layer.tar", *layer_bytes}},
       "the image config says"},
      {"missing layer",
       {{TarMember::kFile, "manifest.json", manifest},
        {TarMember::kFile, "config.json", config(right_diff_id)}},
       "missing member 'layer.tar'"},
      {"malformed manifest",
       {{TarMember::kFile, "manifest.json", "[{"}},
       "manifest.json: malformed JSON"},
  };
  for (const auto& c : cases) {
    std::string path = agent_.work_dir() + "/broken.tar";
    WriteTarball(path, c.members);
    CommandResult result = agent_.Cli({"image", "import", "-q", path});
    EXPECT_EQ(result.exit_code, 1) << c.name;
    EXPECT_NE(result.err.find(c.error), std::string::npos) << c.name << ": " << result.err;
    EXPECT_EQ(listing(), before) << c.name << ": a refused import must leave nothing";
  }
  // The same archive with the right diff id imports.
  std::string good = agent_.work_dir() + "/good.tar";
  WriteTarball(good, {{TarMember::kFile, "manifest.json", manifest},
                      {TarMember::kFile, "config.json", config(right_diff_id)},
                      {TarMember::kFile, "layer.tar", *layer_bytes}});
  CommandResult imported = agent_.Cli({"image", "import", "-q", good});
  EXPECT_EQ(imported.exit_code, 0) << imported.err;
  EXPECT_NE(agent_.Cli({"image", "ls"}).out.find("bad:1"), std::string::npos);
}

TEST_F(ImageCommandsTest, TagAddsAReferenceAndRmOfATagKeepsTheImage) {
  CommandResult tagged = agent_.Cli({"image", "tag", "busybox", "mirror/busybox:1"});
  EXPECT_EQ(tagged.exit_code, 0) << tagged.err;
  CommandResult run = agent_.Cli({"run", "--rm", "mirror/busybox:1", "true"});
  EXPECT_EQ(run.exit_code, 0) << run.err;
  CommandResult bad = agent_.Cli({"image", "tag", "busybox", "Bad Name"});
  EXPECT_EQ(bad.exit_code, 1);
  EXPECT_NE(bad.err.find("reference"), std::string::npos) << bad.err;
  CommandResult unknown = agent_.Cli({"image", "tag", "nosuch", "x:1"});
  EXPECT_NE(unknown.err.find("no image 'nosuch'"), std::string::npos) << unknown.err;
  CommandResult untag = agent_.Cli({"image", "rm", "mirror/busybox:1"});
  EXPECT_EQ(untag.out, "Untagged: mirror/busybox:1\n") << "the image keeps its other reference";
  EXPECT_EQ(agent_.Cli({"image", "ls", "-q", "--no-trunc"}).out, image_id_ + "\n");
}

TEST_F(ImageCommandsTest, ImageListInspectRemove) {
  CommandResult list = agent_.Cli({"image", "ls", "--json"});
  EXPECT_NE(list.out.find(image_id_), std::string::npos);
  EXPECT_NE(list.out.find("busybox:latest"), std::string::npos);
  std::string id = RunDetached({}, {"sleep", "30"});
  // One of two tags of an image in use: only untagged (Docker's "Untagged:"), never refused.
  ASSERT_EQ(agent_.Cli({"image", "tag", "busybox", "bb:1"}).exit_code, 0);
  CommandResult untag = agent_.Cli({"image", "rm", "bb:1"});
  EXPECT_EQ(untag.exit_code, 0) << untag.err;
  EXPECT_EQ(untag.out, "Untagged: bb:1\n");
  CommandResult in_use = agent_.Cli({"image", "rm", "busybox"});
  EXPECT_EQ(in_use.exit_code, 1);
  EXPECT_NE(in_use.err.find("used by 1 container"), std::string::npos) << in_use.err;
  EXPECT_EQ(agent_.Cli({"image", "inspect", "busybox"}).exit_code, 0) << "a refusal keeps the tag";
  ASSERT_EQ(agent_.Cli({"rm", "-f", id}).exit_code, 0);
  CommandResult removed = agent_.Cli({"image", "rm", "busybox"});
  EXPECT_EQ(removed.exit_code, 0) << removed.err;
  EXPECT_NE(removed.out.find("Deleted: " + image_id_), std::string::npos);
  EXPECT_EQ(agent_.Cli({"image", "ls", "-q", "--no-trunc"}).out, "");
  DIR* layers = ::opendir((agent_.root_dir() + "/layers").c_str());
  int entries = 0;
  while (dirent* entry = ::readdir(layers)) entries += entry->d_name[0] != '.';
  ::closedir(layers);
  EXPECT_EQ(entries, 0) << "the unused layer directory must go with the image";
}

TEST_F(ImageCommandsTest, ImagesFiltersAndFormatsAsDockers) {
  ASSERT_EQ(agent_.Cli({"tag", "busybox", "team/app:1"}).exit_code, 0);
  std::string id = RunDetached({}, {"sleep", "30"});
  CommandResult first = agent_.Cli({"commit", id, "x:1"});
  ASSERT_EQ(first.exit_code, 0) << first.err;
  ASSERT_EQ(agent_.Cli({"exec", id, "touch", "/changed"}).exit_code, 0);
  std::this_thread::sleep_for(std::chrono::milliseconds(1100));
  CommandResult second = agent_.Cli({"commit", id, "x:1"});
  ASSERT_EQ(second.exit_code, 0) << second.err;
  const std::string dangling = agent_.Cli({"images", "-q", "--filter", "dangling=true"}).out;
  EXPECT_EQ(dangling.size(), 13u) << "the first commit lost its tag: " << dangling;
  EXPECT_NE(first.out.find(dangling.substr(0, 12)), std::string::npos) << first.out;
  CommandResult named = agent_.Cli(
      {"images", "--filter", "reference=team/*", "--format", "{{.Repository}}:{{.Tag}}"});
  EXPECT_EQ(named.out, "team/app:1\n") << named.err;
  CommandResult table = agent_.Cli({"images", "--filter", "reference=x", "--format",
                                    "table {{.Repository}}\\t{{.Tag}}\\t{{.ID}}"});
  EXPECT_EQ(table.out.rfind("REPOSITORY   TAG   IMAGE ID\nx            1     ", 0), 0u)
      << table.out;
  // Created times are whole seconds: the second commit is a second later than the first.
  CommandResult since = agent_.Cli({"images", "-q", "--filter", "since=" + dangling.substr(0, 12)});
  EXPECT_EQ(since.out, agent_.Cli({"images", "-q", "--filter", "reference=x:1"}).out);
  CommandResult before = agent_.Cli({"images", "-q", "--filter", "before=x:1"});
  EXPECT_EQ(std::count(before.out.begin(), before.out.end(), '\n'), 2) << before.out;
  EXPECT_NE(before.out.find(image_id_.substr(7, 12)), std::string::npos) << before.out;
  CommandResult bad = agent_.Cli({"images", "--filter", "dangling=maybe"});
  EXPECT_EQ(bad.exit_code, 1);
  EXPECT_NE(bad.err.find("--filter 'dangling=maybe': dangling is true or false"), std::string::npos)
      << bad.err;
  ASSERT_EQ(agent_.Cli({"rm", "-f", id}).exit_code, 0);
}

// Overlay mount data is limited to one page; 130 layers at the test's long --root paths need
// about 5 KiB as absolute paths.
TEST_F(ImageCommandsTest, ImageWith130LayersRuns) {
  constexpr int kExtraLayers = 129;
  auto base = ReadFileToString(BOXCAR_BUSYBOX_TAR);
  ASSERT_TRUE(base.ok());
  std::vector<std::string> layers = {*base};
  for (int i = 0; i < kExtraLayers; ++i) {
    std::string path = agent_.work_dir() + "/layer.tar";
    WriteTarball(path, {{TarMember::kFile, "layer-" + std::to_string(i), std::to_string(i)}});
    auto layer = ReadFileToString(path);
    ASSERT_TRUE(layer.ok());
    layers.push_back(*layer);
  }
  std::string diff_ids, layer_names;
  std::vector<TarMember> members;
  for (size_t i = 0; i < layers.size(); ++i) {
    std::string digest = Sha256Digest(layers[i]);
    diff_ids += std::string(i ? "," : "") + "\"" + digest + "\"";
    std::string name = digest.substr(7) + ".tar";
    layer_names += std::string(i ? "," : "") + "\"" + name + "\"";
    members.push_back({TarMember::kFile, name, layers[i]});
  }
  std::string config = R"({"architecture":"amd64","os":"linux","config":{"Cmd":["sh"]},)"
                       R"("rootfs":{"type":"layers","diff_ids":[)" +
                       diff_ids + "]}}";
  members.push_back({TarMember::kFile, "config.json", config});
  members.push_back(
      {TarMember::kFile, "manifest.json",
       R"([{"Config":"config.json","RepoTags":["tall:130"],"Layers":[)" + layer_names + "]}]"});
  std::string archive = agent_.work_dir() + "/tall.tar";
  WriteTarball(archive, members);
  CommandResult imported = agent_.Cli({"image", "import", "-q", archive});
  ASSERT_EQ(imported.exit_code, 0) << imported.err;
  CommandResult run =
      agent_.Cli({"run", "--rm", "tall:130", "sh", "-c", "ls / | grep -c layer-; cat /layer-128"});
  EXPECT_EQ(run.exit_code, 0) << run.err;
  EXPECT_EQ(run.out, "129\n128");
}

TEST_F(ImageCommandsTest, PruneDeletesOnlyWhatNoImageOrContainerUses) {
  std::string tarball = agent_.work_dir() + "/tiny.tar";
  WriteTarball(tarball, {{TarMember::kFile, "bin/tiny", "tiny"}});
  ASSERT_EQ(agent_.Cli({"image", "import", "-q", tarball, "tiny:1"}).exit_code, 0);
  const size_t layers_before = ListDirectoryNames(agent_.root_dir() + "/layers").size();
  ASSERT_EQ(agent_.Cli({"create", "--name", "user", "tiny:1", "/bin/tiny"}).exit_code, 0);
  CommandResult untag = agent_.Cli({"image", "rm", "-f", "tiny:1"});
  ASSERT_EQ(untag.exit_code, 0) << untag.err;
  EXPECT_EQ(untag.out.find("Deleted"), std::string::npos) << "a used image is only untagged";

  CommandResult kept = agent_.Cli({"image", "prune", "--json"});
  ASSERT_EQ(kept.exit_code, 0) << kept.err;
  EXPECT_EQ(kept.out.find("deleted_ids\":[]"), kept.out.find("deleted_ids")) << kept.out;
  EXPECT_EQ(ListDirectoryNames(agent_.root_dir() + "/layers").size(), layers_before);

  ASSERT_EQ(agent_.Cli({"rm", "user"}).exit_code, 0);
  CommandResult pruned = agent_.Cli({"image", "prune"});
  ASSERT_EQ(pruned.exit_code, 0) << pruned.err;
  EXPECT_NE(pruned.out.find("Deleted: sha256:"), std::string::npos) << pruned.out;
  EXPECT_EQ(pruned.out.find(image_id_), std::string::npos) << "tagged busybox stays";
  EXPECT_EQ(ListDirectoryNames(agent_.root_dir() + "/layers").size(), layers_before - 1);

  // -a takes tagged images too, but never one a container uses.
  ASSERT_EQ(agent_.Cli({"create", "--name", "holder", "busybox", "true"}).exit_code, 0);
  EXPECT_EQ(agent_.Cli({"image", "prune", "-a"}).out, "Reclaimed: 0 B\n");
  EXPECT_EQ(agent_.Cli({"image", "inspect", "busybox"}).exit_code, 0);
  ASSERT_EQ(agent_.Cli({"rm", "holder"}).exit_code, 0);
  CommandResult all = agent_.Cli({"image", "prune", "-a"});
  EXPECT_NE(all.out.find("Deleted: " + image_id_), std::string::npos) << all.out;
  EXPECT_EQ(agent_.Cli({"image", "ls", "-q", "--no-trunc"}).out, "");
  EXPECT_TRUE(ListDirectoryNames(agent_.root_dir() + "/layers").empty());
  EXPECT_EQ(ListDirectoryNames(agent_.root_dir() + "/blobs/sha256").size(), 0u);
}

TEST_F(ImageCommandsTest, NameAtDigestResolvesByManifestOrImageDigest) {
  grpc::ClientContext context;
  v1::InspectImageRequest request;
  request.set_image("busybox");
  v1::Image image;
  ASSERT_TRUE(agent_.images().Inspect(&context, request, &image).ok());
  ASSERT_EQ(image.manifest_digest().size(), 71u) << image.manifest_digest();
  for (const std::string& digest : {image.manifest_digest(), image.id()}) {
    CommandResult run = agent_.Cli({"run", "--rm", "busybox@" + digest, "echo", "pinned"});
    EXPECT_EQ(run.out, "pinned\n") << digest << ": " << run.err;
  }
  // The manifest digest is the one skopeo sees in the saved archive.
  std::string archive = agent_.work_dir() + "/saved.tar";
  ASSERT_EQ(agent_.Cli({"image", "save", "-o", archive, "busybox"}).exit_code, 0);
  std::string inspect = "skopeo inspect --format '{{.Digest}}' oci-archive:" + archive + " > " +
                        agent_.work_dir() + "/digest.txt";
  ASSERT_EQ(std::system(inspect.c_str()), 0);
  EXPECT_EQ(*ReadFileToString(agent_.work_dir() + "/digest.txt"), image.manifest_digest() + "\n");

  std::string wrong = "sha256:" + std::string(64, 'a');
  CommandResult unknown = agent_.Cli({"image", "inspect", "busybox@" + wrong});
  EXPECT_EQ(unknown.exit_code, 1);
  EXPECT_NE(unknown.err.find("digest"), std::string::npos) << unknown.err;
  CommandResult malformed = agent_.Cli({"image", "inspect", "busybox@sha256:xyz"});
  EXPECT_EQ(malformed.exit_code, 1);
  EXPECT_NE(malformed.err.find("sha256:<64 hex>"), std::string::npos) << malformed.err;
  CommandResult other_name = agent_.Cli({"image", "inspect", "other@" + image.id()});
  EXPECT_EQ(other_name.exit_code, 1) << "the name must match too";
}

TEST_F(ImageCommandsTest, SystemCheckFindsDamageAndRepairRemovesOnlyWhatDependsOnIt) {
  CommandResult clean = agent_.Cli({"system", "check"});
  EXPECT_EQ(clean.exit_code, 0) << clean.out << clean.err;
  EXPECT_NE(clean.out.find("no problems found"), std::string::npos) << clean.out;

  // Two more images: one will lose its layer directory, one its layer blob's integrity.
  auto import_tiny = [&](const std::string& file, const std::string& reference) {
    std::string tarball = agent_.work_dir() + "/" + file;
    WriteTarball(tarball, {{TarMember::kFile, file, reference}});
    CommandResult imported = agent_.Cli({"image", "import", "-q", tarball, reference});
    EXPECT_EQ(imported.exit_code, 0) << imported.err;
    grpc::ClientContext context;
    v1::InspectImageRequest request;
    request.set_image(reference);
    v1::Image image;
    EXPECT_TRUE(agent_.images().Inspect(&context, request, &image).ok());
    return image;
  };
  v1::Image no_dir = import_tiny("a", "damaged/dir:1");
  v1::Image bad_blob = import_tiny("b", "damaged/blob:1");
  const std::string root = agent_.root_dir();
  auto layer_numbers_before = ListDirectoryNames(root + "/layers");
  ASSERT_EQ(layer_numbers_before.size(), 3u);
  // Layer directories are numbered in import order: busybox, a, b.
  std::sort(layer_numbers_before.begin(), layer_numbers_before.end(),
            [](const auto& x, const auto& y) { return std::stoi(x) < std::stoi(y); });
  ASSERT_TRUE(RemoveTree(root + "/layers/" + layer_numbers_before[1]).ok());
  std::string blob = root + "/blobs/sha256/" + bad_blob.layers(0).digest().substr(7);
  ::chmod(blob.c_str(), 0644);
  std::ofstream(blob, std::ios::app) << "tampered";
  std::ofstream(root + "/blobs/sha256/" + Sha256Digest("stray").substr(7)) << "stray";
  ASSERT_EQ(::mkdir((root + "/layers/999").c_str(), 0755), 0);

  CommandResult found = agent_.Cli({"system", "check"});
  EXPECT_EQ(found.exit_code, 1);
  for (const char* kind :
       {"layer-directory-missing", "blob-corrupt", "orphan-blob", "orphan-layer-directory"}) {
    EXPECT_NE(found.out.find(kind), std::string::npos) << kind << "\n" << found.out;
  }
  EXPECT_NE(found.out.find("--repair"), std::string::npos) << "says what to do next";
  EXPECT_EQ(agent_.Cli({"image", "ls", "-q", "--no-trunc"}).out.size(), 3 * 72u)
      << "check alone changes nothing";

  CommandResult repaired = agent_.Cli({"system", "check", "--repair"});
  EXPECT_EQ(repaired.exit_code, 0) << repaired.out << repaired.err;
  EXPECT_NE(repaired.out.find("removed image " + no_dir.id()), std::string::npos) << repaired.out;
  EXPECT_NE(repaired.out.find("removed image " + bad_blob.id()), std::string::npos);
  CommandResult after = agent_.Cli({"system", "check"});
  EXPECT_EQ(after.exit_code, 0) << after.out;
  EXPECT_EQ(agent_.Cli({"image", "ls", "-q", "--no-trunc"}).out, image_id_ + "\n");
  CommandResult still_runs = RunRm({}, {"echo", "intact"});
  EXPECT_EQ(still_runs.out, "intact\n") << "busybox was not touched: " << still_runs.err;
}

}  // namespace
}  // namespace boxcar::testing
