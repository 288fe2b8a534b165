// `boxcar image save` against the real tools: skopeo reads every format, podman loads them,
// umoci unpacks the OCI layout to the same tree as the original image, and re-importing gives
// the same image.
#include <gtest/gtest.h>
#include <unistd.h>

#include <algorithm>
#include <cstdlib>
#include <fstream>

#include "agent_fixture.h"
#include "build_paths.h"
#include "common/atomic_file.h"

namespace boxcar::testing {
namespace {

class ImageSaveTest : public ::testing::Test, public AgentFixture {
 protected:
  void SetUp() override { StartAgentWithBusybox({}); }
  void TearDown() override { StopAgentAndCheckLeftovers(); }

  // Runs a shell command, its output into the work dir's tools.log; true on success.
  bool Shell(const std::string& command) {
    std::string line = "(" + command + ") >>" + agent_.work_dir() + "/tools.log 2>&1";
    return std::system(line.c_str()) == 0;
  }

  std::string Dir(const std::string& name) { return agent_.work_dir() + "/" + name; }
};

TEST_F(ImageSaveTest, OciLayoutIsStableAndUnpacksToTheSameTree) {
  ASSERT_EQ(agent_.Cli({"image", "tag", "busybox", "example/busybox:1"}).exit_code, 0);
  CommandResult first = agent_.Cli({"image", "save", "-o", Dir("a.tar"), "example/busybox:1"});
  ASSERT_EQ(first.exit_code, 0) << first.err;
  ASSERT_EQ(agent_.Cli({"image", "save", "-o", Dir("b.tar"), "example/busybox:1"}).exit_code, 0);
  EXPECT_TRUE(Shell("cmp " + Dir("a.tar") + " " + Dir("b.tar"))) << "saving twice: same bytes";
  EXPECT_TRUE(Shell("skopeo inspect oci-archive:" + Dir("a.tar") + ":example/busybox:1"))
      << "one descriptor per reference, named by ref.name; see " << Dir("tools.log");

  ASSERT_TRUE(Shell("mkdir -p " + Dir("oci") + " " + Dir("orig") + " && tar -xf " + Dir("a.tar") +
                    " -C " + Dir("oci") + " && tar -xf " + BOXCAR_BUSYBOX_TAR + " -C " +
                    Dir("orig")));
  ASSERT_TRUE(Shell("umoci unpack --image " + Dir("oci") + ":example/busybox:1 " + Dir("bundle")))
      << "see " << Dir("tools.log");
  EXPECT_TRUE(Shell("diff -r --no-dereference " + Dir("orig") + " " + Dir("bundle/rootfs")))
      << "umoci's unpack of the export differs from the imported rootfs; see " << Dir("tools.log");

  // Re-importing the export gives the same image id and reference.
  ASSERT_EQ(agent_.Cli({"image", "rm", "example/busybox:1"}).exit_code, 0);
  CommandResult again = agent_.Cli({"image", "import", "-q", Dir("a.tar")});
  ASSERT_EQ(again.exit_code, 0) << again.err;
  EXPECT_EQ(agent_.Cli({"image", "inspect", "example/busybox:1"}).exit_code, 0);
}

TEST_F(ImageSaveTest, MultiLayerImageRoundTripsThroughBothFormats) {
  std::string fixtures = Dir("archives");
  ASSERT_TRUE(Shell(std::string(BOXCAR_FIXTURES_DIR) + "/make-image-archives.sh " + fixtures + " " +
                    BOXCAR_BUSYBOX_TAR));
  CommandResult imported =
      agent_.Cli({"image", "import", "-q", fixtures + "/oci.tar", "layered/busybox:3"});
  ASSERT_EQ(imported.exit_code, 0) << imported.err;
  std::string id = imported.out.substr(0, imported.out.find('\n'));

  for (const std::string format : {"oci", "docker"}) {
    SCOPED_TRACE(format);
    std::string archive = Dir(format + ".tar");
    CommandResult saved =
        agent_.Cli({"image", "save", "--format", format, "-o", archive, "layered/busybox:3"});
    ASSERT_EQ(saved.exit_code, 0) << saved.err;
    std::string transport = format == "oci" ? "oci-archive:" : "docker-archive:";
    // skopeo reads it and copies it into an OCI layout; umoci unpacks that to the same tree
    // as the original fixture (three layers, with a whiteout of /etc/group).
    std::string copied = Dir(format + "-copy");
    ASSERT_TRUE(Shell("skopeo copy -q " + transport + archive + " oci:" + copied + ":latest"))
        << "see " << Dir("tools.log");
    ASSERT_TRUE(Shell("umoci unpack --image " + copied + ":latest " + Dir(format + "-bundle")));
    if (format == "oci") {
      ASSERT_TRUE(Shell("mkdir -p " + Dir("fixture") + " && tar -xf " + fixtures + "/oci.tar -C " +
                        Dir("fixture") + " && umoci unpack --image " + Dir("fixture") + ":latest " +
                        Dir("fixture-bundle")));
    }
    EXPECT_TRUE(Shell("diff -r --no-dereference " + Dir("fixture-bundle/rootfs") + " " +
                      Dir(format + "-bundle/rootfs")));
    EXPECT_FALSE(Shell("test -e " + Dir(format + "-bundle/rootfs/etc/group")))
        << "the whiteout survives the round trip";
    // And boxcar imports its own export as the same image, every layer's diff id checked.
    ASSERT_EQ(agent_.Cli({"image", "rm", "layered/busybox:3"}).exit_code, 0);
    CommandResult again = agent_.Cli({"image", "import", "-q", archive});
    ASSERT_EQ(again.exit_code, 0) << again.err;
    EXPECT_EQ(again.out.substr(0, again.out.find('\n')), id);
    EXPECT_EQ(agent_.Cli({"run", "--rm", "layered/busybox:3", "cat", "/srv/hello"}).out,
              "second-layer\n");
  }
}

// podman loads both exports (its own storage in the work dir, vfs: no mounts) and sees the
// same image: the id is the config digest, which the export keeps.
TEST_F(ImageSaveTest, PodmanLoadsBothFormats) {
  const std::string podman =
      "podman --root " + Dir("podman-root") + " --runroot " + Dir("podman-run") +
      " --storage-driver vfs --events-backend none --cgroup-manager cgroupfs";
  // One reference: podman loads an OCI archive of a single image only.
  for (const std::string format : {"docker", "oci"}) {
    SCOPED_TRACE(format);
    const std::string archive = Dir(format + ".tar");
    ASSERT_EQ(agent_.Cli({"image", "save", "--format", format, "-o", archive, "busybox"}).exit_code,
              0);
    ASSERT_TRUE(Shell(podman + " load -i " + archive)) << "see " << Dir("tools.log");
    ASSERT_TRUE(Shell(podman + " images --no-trunc --format '{{.ID}}' >" + Dir("ids")));
    auto ids = ReadFileToString(Dir("ids"));
    ASSERT_TRUE(ids.ok());
    EXPECT_NE(ids->find(image_id_.substr(7)), std::string::npos)
        << "podman's image id is the config digest: " << *ids;
    ASSERT_TRUE(Shell(podman + " rmi -a -f"));
  }
  EXPECT_TRUE(Shell("rm -rf " + Dir("podman-root") + " " + Dir("podman-run")));
}

// The default archive is both layouts at once (as Docker 25's `docker save`): skopeo reads it
// as docker-archive: and as oci-archive: with the same layer digests (the uncompressed layers',
// as in the pure docker-archive),
// podman loads it, umoci unpacks it, and boxcar imports it as the same image.
TEST_F(ImageSaveTest, DefaultArchiveIsReadByEveryTool) {
  std::string fixtures = Dir("archives");
  ASSERT_TRUE(Shell(std::string(BOXCAR_FIXTURES_DIR) + "/make-image-archives.sh " + fixtures + " " +
                    BOXCAR_BUSYBOX_TAR));
  CommandResult imported =
      agent_.Cli({"image", "import", "-q", fixtures + "/oci.tar", "layered/busybox:3"});
  ASSERT_EQ(imported.exit_code, 0) << imported.err;
  std::string id = imported.out.substr(0, imported.out.find('\n'));
  const std::string both = Dir("both.tar");
  CommandResult saved = agent_.Cli({"image", "save", "-o", both, "layered/busybox:3"});
  ASSERT_EQ(saved.exit_code, 0) << saved.err;
  ASSERT_EQ(
      agent_.Cli({"image", "save", "--format", "docker", "-o", Dir("docker.tar"), "layered/busybox:3"})
          .exit_code,
      0);
  ASSERT_TRUE(Shell("tar -tf " + both + " > " + Dir("members")));
  auto members = ReadFileToString(Dir("members"));
  ASSERT_TRUE(members.ok());
  for (const char* member : {"oci-layout\n", "index.json\n", "manifest.json\n", "repositories\n"}) {
    EXPECT_NE(members->find(member), std::string::npos) << member << " in " << *members;
  }
  EXPECT_EQ(members->find(".tar\n"), std::string::npos) << "every blob once, under blobs/";

  auto layers_of = [&](const std::string& transport, const std::string& name) {
    std::string out = Dir(name + ".layers");
    EXPECT_TRUE(Shell("skopeo inspect --format '{{.Layers}}' " + transport + " > " + out))
        << transport << ": see " << Dir("tools.log");
    auto layers = ReadFileToString(out);
    return layers.ok() ? *layers : std::string("(unread)");
  };
  std::string diff_ids = layers_of("docker-archive:" + Dir("docker.tar"), "docker");
  EXPECT_EQ(std::count(diff_ids.begin(), diff_ids.end(), ':'), 3) << diff_ids;
  EXPECT_EQ(layers_of("oci-archive:" + both, "both-oci"), diff_ids);
  EXPECT_EQ(layers_of("docker-archive:" + both, "both-docker"), diff_ids);
  ASSERT_TRUE(Shell("skopeo copy -q docker-archive:" + both + " oci:" + Dir("copy") + ":latest"))
      << "see " << Dir("tools.log");
  ASSERT_TRUE(Shell("umoci unpack --image " + Dir("copy") + ":latest " + Dir("copy-bundle")));
  ASSERT_TRUE(Shell("mkdir -p " + Dir("layout") + " && tar -xf " + both + " -C " + Dir("layout") +
                    " && umoci unpack --image " + Dir("layout") + ":layered/busybox:3 " +
                    Dir("both-bundle")))
      << "see " << Dir("tools.log");
  EXPECT_TRUE(Shell("diff -r --no-dereference " + Dir("copy-bundle/rootfs") + " " +
                    Dir("both-bundle/rootfs")));
  EXPECT_TRUE(Shell("test -e " + Dir("both-bundle/rootfs/srv/hello")));

  const std::string podman =
      "podman --root " + Dir("podman-root") + " --runroot " + Dir("podman-run") +
      " --storage-driver vfs --events-backend none --cgroup-manager cgroupfs";
  ASSERT_TRUE(Shell(podman + " load -i " + both)) << "see " << Dir("tools.log");
  ASSERT_TRUE(Shell(podman + " images --no-trunc --format '{{.ID}}' >" + Dir("ids")));
  auto ids = ReadFileToString(Dir("ids"));
  ASSERT_TRUE(ids.ok());
  EXPECT_NE(ids->find(id.substr(7)), std::string::npos) << *ids;
  EXPECT_TRUE(Shell(podman + " rmi -a -f && rm -rf " + Dir("podman-root") + " " +
                    Dir("podman-run")));

  ASSERT_EQ(agent_.Cli({"image", "rm", "layered/busybox:3"}).exit_code, 0);
  CommandResult again = agent_.Cli({"image", "import", "-q", both});
  ASSERT_EQ(again.exit_code, 0) << again.err;
  EXPECT_EQ(again.out.substr(0, again.out.find('\n')), id);
  EXPECT_EQ(agent_.Cli({"run", "--rm", "layered/busybox:3", "cat", "/srv/hello"}).out,
            "second-layer\n");
}

TEST_F(ImageSaveTest, UnknownImagesAndFormatsAreRefusedAndWriteNothing) {
  CommandResult unknown = agent_.Cli({"image", "save", "-o", Dir("x.tar"), "nosuch:image"});
  EXPECT_EQ(unknown.exit_code, 1);
  EXPECT_NE(unknown.err.find("images"), std::string::npos) << unknown.err;
  CommandResult format =
      agent_.Cli({"image", "save", "--format", "zip", "-o", Dir("x.tar"), "busybox"});
  EXPECT_EQ(format.exit_code, 1);
  EXPECT_NE(format.err.find("oci or docker"), std::string::npos) << format.err;
  EXPECT_FALSE(Shell("ls " + Dir("x.tar*"))) << "no partial file is left";
}

TEST_F(ImageSaveTest, CommitTurnsChangesIntoAnImageThatRunsAndExports) {
  std::string id = RunDetached(
      {}, {"sh", "-c",
           "echo new > /new; rm /etc/group; rm -rf /home; mkdir /home; echo only > /home/only; "
           "ln -s /new /link; echo ready; sleep 1000"});
  for (int i = 0; i < 200 && agent_.Cli({"logs", id}).out != "ready\n"; ++i) usleep(10000);
  CommandResult committed =
      agent_.Cli({"commit", "-m", "first commit", "-c", "CMD [\"cat\", \"/new\"]", "-c",
                  "ENV ADDED=1", "-c", "WORKDIR /home", id, "committed/busybox:1"});
  ASSERT_EQ(committed.exit_code, 0) << committed.err;
  EXPECT_EQ(Inspect(id).state(), v1::CONTAINER_STATE_RUNNING) << "thawed after the commit";

  CommandResult cmd = agent_.Cli({"run", "--rm", "committed/busybox:1"});
  EXPECT_EQ(cmd.out, "new\n") << "the new CMD: " << cmd.err;
  CommandResult tree = agent_.Cli(
      {"run", "--rm", "committed/busybox:1", "sh", "-c",
       "pwd; echo $ADDED; ls /home; test -e /etc/group || echo no-group; readlink /link; "
       "test -e /etc/passwd && echo passwd-kept"});
  EXPECT_EQ(tree.out, "/home\n1\nonly\nno-group\n/new\npasswd-kept\n") << tree.err;

  // The history entry and the extra layer, as the real tools see them.
  std::string archive = Dir("committed.tar");
  ASSERT_EQ(agent_.Cli({"image", "save", "-o", archive, "committed/busybox:1"}).exit_code, 0);
  ASSERT_TRUE(Shell("mkdir -p " + Dir("c") + " && tar -xf " + archive + " -C " + Dir("c")));
  ASSERT_TRUE(Shell("umoci unpack --image " + Dir("c") + ":committed/busybox:1 " + Dir("cb")))
      << "see " << Dir("tools.log");
  EXPECT_TRUE(Shell("test ! -e " + Dir("cb/rootfs/etc/group") + " && test -f " +
                    Dir("cb/rootfs/new") + " && test \"$(ls " + Dir("cb/rootfs/home") +
                    ")\" = only"))
      << "umoci applies the whiteout and the opaque directory the same way";
  EXPECT_TRUE(Shell("skopeo inspect --config oci-archive:" + archive +
                    ":committed/busybox:1 | grep -q 'first commit'"))
      << "the history comment is in the config";

  // An exited container commits too; bad changes name the field and create nothing.
  ASSERT_EQ(agent_.Cli({"kill", id}).exit_code, 0);
  agent_.Cli({"wait", id});
  CommandResult untagged = agent_.Cli({"commit", id});
  EXPECT_EQ(untagged.exit_code, 0) << untagged.err;
  CommandResult bad = agent_.Cli({"commit", "-c", "WORKDIR relative", id, "bad:1"});
  EXPECT_NE(bad.err.find("changes.working_dir"), std::string::npos) << bad.err;
  CommandResult unknown = agent_.Cli({"commit", "-c", "FROM scratch", id});
  EXPECT_NE(unknown.err.find("CMD, ENTRYPOINT"), std::string::npos) << unknown.err;
  EXPECT_EQ(agent_.Cli({"image", "inspect", "bad:1"}).exit_code, 1);
}

}  // namespace
}  // namespace boxcar::testing
