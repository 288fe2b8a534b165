// Volumes and mounts on every backend (the conformance suite's parameterisation): binds of
// host paths, named and anonymous volumes, tmpfs, read-only root filesystems; a mount target
// resolved inside the rootfs whatever the image's symlinks say; nothing on the host's mount
// table; volumes that outlive their containers, `commit` and kill -9 of the agent.
#include <gtest/gtest.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <fstream>
#include <string>

#include "agent_fixture.h"
#include "build_paths.h"
#include "common/atomic_file.h"

namespace boxcar::testing {
namespace {

class VolumeConformanceTest : public ::testing::TestWithParam<std::string>, public AgentFixture {
 protected:
  void SetUp() override { StartBackendAgent(GetParam()); }
  void TearDown() override { StopBackendAgentAndCheckLeftovers(); }

  // A host directory of this test (removed with the harness's work directory).
  std::string HostDir(const std::string& name) {
    std::string path = agent_.work_dir() + "/" + name;
    ::mkdir(path.c_str(), 0755);
    return path;
  }

  // busybox with `changes` run as a container, committed as `reference`.
  void CommitImage(const std::string& script, const std::string& reference) {
    CommandResult made = agent_.Cli({"run", "--name", "maker", "busybox", "sh", "-c", script});
    ASSERT_EQ(made.exit_code, 0) << made.err;
    CommandResult committed = agent_.Cli({"commit", "maker", reference});
    ASSERT_EQ(committed.exit_code, 0) << committed.err;
    ASSERT_EQ(agent_.Cli({"rm", "maker"}).exit_code, 0);
  }

  // The bundled busybox rootfs imported again with VOLUME paths in its config.
  void ImportWithVolumes(const std::string& reference, const std::vector<std::string>& volumes) {
    grpc::ClientContext context;
    auto writer = agent_.images().Import(&context);
    v1::ImportRequest request;
    request.mutable_header()->set_reference(reference);
    request.mutable_header()->mutable_config()->add_cmd("sh");
    request.mutable_header()->mutable_config()->add_env("PATH=/usr/sbin:/usr/bin:/sbin:/bin");
    for (const auto& path : volumes) request.mutable_header()->mutable_config()->add_volumes(path);
    writer->Write(request);
    auto content = ReadFileToString(BOXCAR_BUSYBOX_TAR);
    ASSERT_TRUE(content.ok());
    for (size_t offset = 0; offset < content->size(); offset += 256 * 1024) {
      request.Clear();
      request.set_chunk(content->substr(offset, 256 * 1024));
      if (!writer->Write(request)) break;
    }
    writer->WritesDone();
    v1::ImportResponse message;
    while (writer->Read(&message)) {
    }
    grpc::Status status = writer->Finish();
    ASSERT_TRUE(status.ok()) << status.error_message();
  }

  std::string VolumeNames() { return agent_.Cli({"volume", "ls", "-q"}).out; }

  // Lines of the host's (this process's) mount table that mention `path`.
  static std::string HostMountsOf(const std::string& path) {
    std::ifstream mountinfo("/proc/self/mountinfo");
    std::string found;
    for (std::string line; std::getline(mountinfo, line);) {
      if (line.find(path) != std::string::npos) found += line + "\n";
    }
    return found;
  }
};

TEST_P(VolumeConformanceTest, NamedVolumeKeepsDataForTheNextContainerAndAgentKill9) {
  CommandResult wrote = RunRm({"-v", "appdata:/data"}, {"sh", "-c", "echo kept > /data/file"});
  ASSERT_EQ(wrote.exit_code, 0) << wrote.err;
  EXPECT_EQ(VolumeNames(), "appdata\n") << "-v NAME:/path makes the volume";
  CommandResult read = RunRm({"--mount", "type=volume,source=appdata,target=/srv"},
                             {"cat", "/srv/file"});
  EXPECT_EQ(read.out, "kept\n") << read.err;
  CommandResult workdir = RunRm({"-v", "appdata:/data", "-w", "/data/work"}, {"pwd"});
  EXPECT_EQ(workdir.out, "/data/work\n") << "a working directory inside a volume: " << workdir.err;

  // A running container holds it; kill -9 of the agent and a restart keep both.
  std::string id = RunDetached({"-v", "appdata:/data"}, {"sleep", "1000"});
  EXPECT_EQ(HostMountsOf(agent_.root_dir() + "/volumes"), "")
      << "the volume is mounted in the container's mount namespace only";
  agent_.Stop(/*kill9=*/true);
  RestartAgent();
  CommandResult after = agent_.Cli({"exec", id, "cat", "/data/file"});
  EXPECT_EQ(after.out, "kept\n") << after.err;
  CommandResult inspect = agent_.Cli({"volume", "inspect", "appdata"});
  EXPECT_NE(inspect.out.find(id), std::string::npos) << inspect.out;

  // In use: refused with and without -f (as Docker), naming the container, and the data stays.
  for (bool force : {false, true}) {
    CommandResult refused = force ? agent_.Cli({"volume", "rm", "-f", "appdata"})
                                  : agent_.Cli({"volume", "rm", "appdata"});
    EXPECT_NE(refused.exit_code, 0) << "force " << force;
    EXPECT_NE(refused.err.find("in use"), std::string::npos) << refused.err;
    EXPECT_NE(refused.err.find(id.substr(0, 12)), std::string::npos) << refused.err;
    EXPECT_EQ(refused.err.find("--force"), std::string::npos)
        << "no advice to force: " << refused.err;
    CommandResult still = agent_.Cli({"exec", id, "cat", "/data/file"});
    EXPECT_EQ(still.out, "kept\n") << "force " << force << ": " << still.err;
  }
  EXPECT_EQ(VolumeNames(), "appdata\n");
  ASSERT_EQ(agent_.Cli({"rm", "-f", id}).exit_code, 0);
  EXPECT_EQ(VolumeNames(), "appdata\n") << "a named volume outlives its containers";
  CommandResult json = agent_.Cli({"volume", "ls", "--json"});
  EXPECT_NE(json.out.find("\"mountpoint\""), std::string::npos) << json.out;
  EXPECT_EQ(agent_.Cli({"volume", "prune"}).out, "") << "prune keeps named volumes";
  EXPECT_EQ(agent_.Cli({"volume", "rm", "appdata"}).exit_code, 0);
  EXPECT_EQ(VolumeNames(), "");
  // -f: a volume that does not exist is no error (Docker prints its name), a bad name still is.
  EXPECT_NE(agent_.Cli({"volume", "rm", "appdata"}).exit_code, 0);
  CommandResult missing = agent_.Cli({"volume", "rm", "-f", "appdata"});
  EXPECT_EQ(missing.exit_code, 0) << missing.err;
  EXPECT_EQ(missing.out, "appdata\n");
  CommandResult bad_name = agent_.Cli({"volume", "rm", "-f", "no/such"});
  EXPECT_NE(bad_name.exit_code, 0);
  EXPECT_NE(bad_name.err.find("is not a volume name"), std::string::npos) << bad_name.err;
}

TEST_P(VolumeConformanceTest, BindMountsHostPathsReadWriteAndReadOnly) {
  std::string host = HostDir("shared");
  ASSERT_TRUE(WriteFileAtomically(host + "/from-host", "hello\n").ok());
  CommandResult rw = RunRm({"-v", host + ":/mnt/shared"},
                           {"sh", "-c", "cat /mnt/shared/from-host && echo back > /mnt/shared/out"});
  EXPECT_EQ(rw.out, "hello\n") << rw.err;
  auto back = ReadFileToString(host + "/out");
  EXPECT_TRUE(back.ok() && *back == "back\n") << "writes through a bind reach the host";

  CommandResult ro = RunRm({"-v", host + ":/mnt/shared:ro"},
                           {"sh", "-c", "cat /mnt/shared/from-host; echo x > /mnt/shared/new"});
  EXPECT_NE(ro.exit_code, 0);
  EXPECT_EQ(ro.out, "hello\n");
  EXPECT_NE(ro.err.find("Read-only file system"), std::string::npos) << ro.err;
  EXPECT_NE(::access((host + "/new").c_str(), F_OK), 0);
  CommandResult readonly_mount =
      RunRm({"--mount", "type=bind,source=" + host + ",target=/m,readonly"},
            {"touch", "/m/new"});
  EXPECT_NE(readonly_mount.exit_code, 0) << "--mount ...,readonly refuses writes too";

  // A single file.
  CommandResult file = RunRm({"-v", host + "/from-host:/etc/greeting:ro"}, {"cat", "/etc/greeting"});
  EXPECT_EQ(file.out, "hello\n") << file.err;
}

// Private both ways: a mount made on the host below a bind's source after the start does not
// show inside, and the container's mounts never show on the host.
TEST_P(VolumeConformanceTest, MountsArePrivate) {
  std::string host = HostDir("private");
  HostDir("private/sub");
  std::string id = RunDetached({"-v", host + ":/shared", "--tmpfs", "/scratch"}, {"sleep", "1000"});
  ASSERT_EQ(::mount("tmpfs", (host + "/sub").c_str(), "tmpfs", 0, "size=1m"), 0);
  CommandResult inside = agent_.Cli({"exec", id, "cat", "/proc/mounts"});
  EXPECT_EQ(::umount2((host + "/sub").c_str(), MNT_DETACH), 0);
  EXPECT_NE(inside.out.find(" /shared "), std::string::npos) << inside.out << inside.err;
  EXPECT_EQ(inside.out.find("/shared/sub"), std::string::npos)
      << "the host's later mount propagated into the container: " << inside.out;
  EXPECT_EQ(HostMountsOf("/scratch"), "");
  EXPECT_EQ(HostMountsOf(host), "") << "the bind exists in the container's namespace only";
  ASSERT_EQ(agent_.Cli({"rm", "-f", id}).exit_code, 0);
}

TEST_P(VolumeConformanceTest, MissingHostPathIsAnErrorNamingTheField) {
  CommandResult cli = RunRm({"-v", "/nonexistent/boxcar-test:/data"}, {"true"});
  EXPECT_NE(cli.exit_code, 0);
  EXPECT_NE(cli.err.find("spec.mounts[0].source"), std::string::npos) << cli.err;
  EXPECT_NE(cli.err.find("/nonexistent/boxcar-test"), std::string::npos) << cli.err;

  v1::ContainerSpec spec;
  spec.set_image("busybox");
  auto* mount = spec.add_mounts();
  mount->set_type(v1::Mount::TYPE_BIND);
  mount->set_source("/nonexistent/boxcar-test");
  mount->set_target("/data");
  grpc::Status status = Create(spec);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_NE(status.error_message().find("spec.mounts[0].source"), std::string::npos)
      << status.error_message();
  mount->set_source("/");
  mount->set_target("relative");
  status = Create(spec);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_NE(status.error_message().find("spec.mounts[0].target"), std::string::npos)
      << status.error_message();
  EXPECT_EQ(agent_.Cli({"ps", "-a", "-q"}).out, "") << "no container is left of a refused Create";
}

TEST_P(VolumeConformanceTest, TmpfsSizeIsEnforced) {
  CommandResult small = RunRm(
      {"--tmpfs", "/scratch:size=1m,mode=1770"},
      {"sh", "-c",
       "stat -c %a /scratch; dd if=/dev/zero of=/scratch/fill bs=64k count=64 2>/dev/null; "
       "echo rc=$?; du -k /scratch/fill | cut -f1"});
  EXPECT_EQ(small.exit_code, 0) << small.err;
  EXPECT_EQ(small.out, "1770\nrc=1\n1024\n") << "a 4 MiB write into a 1 MiB tmpfs stops at 1 MiB";
  CommandResult mount = RunRm({"--mount", "type=tmpfs,target=/t,tmpfs-size=2m"},
                              {"sh", "-c", "grep ' /t ' /proc/mounts"});
  EXPECT_NE(mount.out.find("tmpfs"), std::string::npos) << mount.out << mount.err;
  EXPECT_NE(mount.out.find("size=2048k"), std::string::npos) << mount.out;
}

TEST_P(VolumeConformanceTest, ReadOnlyRootRefusesWrites) {
  CommandResult result = RunRm(
      {"--read-only", "--tmpfs", "/tmp", "-v", "rw-data:/data"},
      {"sh", "-c",
       "touch /rootfile 2>&1; echo a > /tmp/a && echo b > /data/b && echo c > /dev/shm/c && "
       "echo writable-mounts"});
  EXPECT_EQ(result.exit_code, 0) << result.err;
  EXPECT_NE(result.out.find("Read-only file system"), std::string::npos) << result.out;
  EXPECT_NE(result.out.find("writable-mounts"), std::string::npos) << result.out;
  CommandResult writable = RunRm({}, {"sh", "-c", "touch /rootfile && echo ok"});
  EXPECT_EQ(writable.out, "ok\n") << "without --read-only the root is writable";
}

// The image points /data outside its root; the mount must land inside the rootfs (or be
// refused), never on the host's path.
TEST_P(VolumeConformanceTest, HostileImageSymlinksDoNotEscape) {
  std::string host = HostDir("victim");
  // Resolved inside the container: "/../../<host>" is "/<host>" of the rootfs.
  CommitImage("mkdir -p " + host + " && ln -s /../../../.." + host + " /data && "
              "ln -s /../../nonexistent-host-dir /dangling",
              "hostile:1");
  CommandResult written = agent_.Cli({"run", "--rm", "-v", "loot:/data", "hostile:1", "sh", "-c",
                                      "echo inside > /data/marker && cat " + host + "/marker"});
  EXPECT_EQ(written.exit_code, 0) << written.err;
  EXPECT_EQ(written.out, "inside\n") << "the mount landed on the rootfs's own " << host;
  EXPECT_NE(::access((host + "/marker").c_str(), F_OK), 0) << "nothing reached the host's " << host;
  EXPECT_EQ(HostMountsOf(host), "");

  CommandResult dangling =
      agent_.Cli({"run", "--rm", "-v", "loot:/dangling/x", "hostile:1", "true"});
  EXPECT_NE(dangling.exit_code, 0);
  EXPECT_NE(dangling.err.find("symlink"), std::string::npos) << dangling.err;
  EXPECT_NE(::access("/nonexistent-host-dir", F_OK), 0) << "never created on the host";

  // ".." in the target itself is clamped at the container's root as well.
  CommandResult dotdot =
      RunRm({"-v", "loot:/../../../" + host.substr(1) + "/up"}, {"cat", host + "/up/marker"});
  EXPECT_EQ(dotdot.out, "inside\n") << dotdot.err;
  EXPECT_NE(::access((host + "/up").c_str(), F_OK), 0);
  EXPECT_EQ(agent_.Cli({"image", "rm", "hostile:1"}).exit_code, 0);
}

TEST_P(VolumeConformanceTest, CommitNeverCapturesVolumeContents) {
  CommandResult made = agent_.Cli({"run", "--name", "writer", "-v", "secret:/data", "--tmpfs",
                                   "/scratch", "busybox", "sh", "-c",
                                   "echo s > /data/secret; echo t > /scratch/t; echo l > /layer"});
  ASSERT_EQ(made.exit_code, 0) << made.err;
  ASSERT_EQ(agent_.Cli({"commit", "writer", "snap:1"}).exit_code, 0);
  CommandResult check = agent_.Cli(
      {"run", "--rm", "snap:1", "sh", "-c", "cat /layer; ls -A /data /scratch 2>&1 | wc -l"});
  EXPECT_EQ(check.out.substr(0, 2), "l\n") << check.err;
  CommandResult secret = agent_.Cli({"run", "--rm", "snap:1", "cat", "/data/secret"});
  EXPECT_NE(secret.exit_code, 0) << "the volume's file is not in the image: " << secret.out;
  CommandResult tmpfs = agent_.Cli({"run", "--rm", "snap:1", "cat", "/scratch/t"});
  EXPECT_NE(tmpfs.exit_code, 0) << "nor the tmpfs's: " << tmpfs.out;
  ASSERT_EQ(agent_.Cli({"rm", "writer"}).exit_code, 0);
  EXPECT_EQ(agent_.Cli({"image", "rm", "snap:1"}).exit_code, 0);
}

TEST_P(VolumeConformanceTest, ImageVolumesGetAnonymousVolumesRemovedWithRmV) {
  ImportWithVolumes("withvol:1", {"/var/lib/app", "/cache"});
  std::string keep = RunDetached({}, {"true"});  // plain busybox: no volume
  CommandResult first = agent_.Cli({"run", "--name", "v1", "withvol:1", "sh", "-c",
                                    "echo one > /var/lib/app/f; ls -d /cache"});
  ASSERT_EQ(first.exit_code, 0) << first.err;
  v1::Container record = Inspect("v1");
  int anonymous = 0;
  for (const auto& mount : record.spec().mounts()) anonymous += mount.anonymous() ? 1 : 0;
  EXPECT_EQ(anonymous, 2);
  // A mount of the caller's covers an image VOLUME path: no anonymous volume for it.
  CommandResult covered = agent_.Cli({"run", "--name", "v2", "-v", "named:/cache", "withvol:1",
                                      "true"});
  ASSERT_EQ(covered.exit_code, 0) << covered.err;
  EXPECT_EQ(Inspect("v2").spec().mounts_size(), 2);
  std::string volumes_before = VolumeNames();
  EXPECT_EQ(std::count(volumes_before.begin(), volumes_before.end(), '\n'), 4) << volumes_before;

  ASSERT_EQ(agent_.Cli({"rm", "-v", "v1"}).exit_code, 0);
  ASSERT_EQ(agent_.Cli({"rm", "v2"}).exit_code, 0);
  std::string volumes_after = VolumeNames();
  EXPECT_EQ(std::count(volumes_after.begin(), volumes_after.end(), '\n'), 2)
      << "rm -v removed v1's two; v2's anonymous one and `named` stay: " << volumes_after;
  CommandResult pruned = agent_.Cli({"volume", "prune"});
  EXPECT_EQ(std::count(pruned.out.begin(), pruned.out.end(), '\n'), 1) << pruned.out;
  EXPECT_EQ(VolumeNames(), "named\n");
  // run --rm takes the anonymous volumes along, as Docker's.
  EXPECT_EQ(agent_.Cli({"run", "--rm", "withvol:1", "true"}).exit_code, 0);
  EXPECT_EQ(VolumeNames(), "named\n");
  CommandResult inspected = agent_.Cli({"volume", "inspect", "--json", "named"});
  EXPECT_EQ(inspected.exit_code, 0) << inspected.err;
  EXPECT_NE(inspected.out.find("\"name\": \"named\""), std::string::npos) << inspected.out;
  EXPECT_EQ(agent_.Cli({"volume", "prune", "-a", "--json"}).out, "{\"removed\":[\"named\"]}\n");
  ASSERT_EQ(agent_.Cli({"rm", keep}).exit_code, 0);
}

INSTANTIATE_TEST_SUITE_P(Backends, VolumeConformanceTest, ::testing::Values("chroot", "lxc", "libvirt"),
                         [](const auto& info) { return info.param; });

}  // namespace
}  // namespace boxcar::testing
