// --volumes-from on every backend: a new container gets another container's bind mounts and
// volumes (named and anonymous, not its tmpfs) at the same paths, ":ro" makes them read-only,
// an explicit -v at the same target wins, a missing source is NOT_FOUND naming it and makes
// nothing, and `rm -v` of either container never removes a volume the other still uses.
#include <gtest/gtest.h>
#include <sys/stat.h>

#include <algorithm>
#include <string>

#include "agent_fixture.h"

namespace boxcar::testing {
namespace {

class VolumesFromTest : public ::testing::TestWithParam<std::string>, public AgentFixture {
 protected:
  void SetUp() override { StartBackendAgent(GetParam()); }
  void TearDown() override { StopBackendAgentAndCheckLeftovers(); }

  std::string VolumeNames() { return agent_.Cli({"volume", "ls", "-q"}).out; }

  // "src": a named volume at /named, an anonymous one at /anon, a host directory at /host
  // and a tmpfs at /scratch, each with a file written by its payload.
  void MakeSource() {
    host_dir_ = agent_.work_dir() + "/shared";
    ::mkdir(host_dir_.c_str(), 0755);
    CommandResult made =
        agent_.Cli({"run", "--name", "src", "-v", "named:/named", "-v", "/anon", "-v",
                    host_dir_ + ":/host", "--tmpfs", "/scratch", "busybox", "sh", "-c",
                    "echo n > /named/f; echo a > /anon/f; echo h > /host/f; echo t > /scratch/f"});
    ASSERT_EQ(made.exit_code, 0) << made.err;
    const v1::Container source = Inspect("src");
    for (const auto& mount : source.spec().mounts()) {
      if (mount.target() == "/anon") anonymous_ = mount.source();
    }
    ASSERT_FALSE(anonymous_.empty());
  }

  std::string host_dir_;
  std::string anonymous_;  // src's anonymous volume
};

TEST_P(VolumesFromTest, CopiesBindsAndVolumesAtTheSamePathsButNotTmpfs) {
  MakeSource();
  CommandResult read =
      agent_.Cli({"run", "--name", "user", "--volumes-from", "src", "busybox", "sh", "-c",
                  "cat /named/f /anon/f /host/f; "
                  "test -e /scratch/f || echo no-tmpfs; echo w > /named/g"});
  ASSERT_EQ(read.exit_code, 0) << read.err;
  EXPECT_EQ(read.out, "n\na\nh\nno-tmpfs\n");
  v1::Container user = Inspect("user");
  ASSERT_EQ(user.spec().mounts_size(), 3) << "the tmpfs is not copied";
  for (const auto& mount : user.spec().mounts()) {
    if (mount.target() == "/named") {
      EXPECT_EQ(mount.source(), "named");
      EXPECT_FALSE(mount.anonymous());
    } else if (mount.target() == "/anon") {
      EXPECT_EQ(mount.source(), anonymous_);
      EXPECT_TRUE(mount.anonymous());
    } else {
      EXPECT_EQ(mount.target(), "/host");
      EXPECT_EQ(mount.type(), v1::Mount::TYPE_BIND);
      EXPECT_EQ(mount.source(), host_dir_);
    }
    EXPECT_FALSE(mount.read_only());
  }
  ASSERT_EQ(user.spec().volumes_from_size(), 1);
  EXPECT_EQ(user.spec().volumes_from(0), "src");
}

TEST_P(VolumesFromTest, ReadOnlySuffixAndExplicitMountsWin) {
  MakeSource();
  CommandResult ro = agent_.Cli({"run", "--rm", "--volumes-from", "src:ro", "busybox", "sh", "-c",
                                 "cat /named/f; echo x > /named/g"});
  EXPECT_EQ(ro.out, "n\n");
  EXPECT_NE(ro.exit_code, 0);
  EXPECT_NE(ro.err.find("Read-only file system"), std::string::npos) << ro.err;

  CommandResult own =
      agent_.Cli({"run", "--name", "own", "--volumes-from", "src", "-v", "other:/named", "busybox",
                  "sh", "-c", "test -e /named/f || echo fresh; cat /anon/f"});
  ASSERT_EQ(own.exit_code, 0) << own.err;
  EXPECT_EQ(own.out, "fresh\na\n") << "the explicit -v at /named wins";
  int named_at = 0;
  const v1::Container own_record = Inspect("own");
  for (const auto& mount : own_record.spec().mounts()) {
    if (mount.target() == "/named") {
      ++named_at;
      EXPECT_EQ(mount.source(), "other");
    }
  }
  EXPECT_EQ(named_at, 1);
}

TEST_P(VolumesFromTest, MissingSourceOrBadModeCreatesNothing) {
  MakeSource();
  const std::string containers_before = agent_.Cli({"ps", "-aq"}).out;
  const std::string volumes_before = VolumeNames();
  v1::ContainerSpec spec;
  spec.set_image("busybox");
  spec.add_command("true");
  spec.add_volumes_from("src");
  spec.add_volumes_from("nosuch");
  spec.add_mounts()->set_type(v1::Mount::TYPE_VOLUME);
  spec.mutable_mounts(0)->set_target("/fresh");  // an anonymous volume, made and removed again
  grpc::Status missing = Create(spec);
  EXPECT_EQ(missing.error_code(), grpc::StatusCode::NOT_FOUND) << missing.error_message();
  EXPECT_NE(missing.error_message().find("spec.volumes_from[1]"), std::string::npos)
      << missing.error_message();
  EXPECT_NE(missing.error_message().find("nosuch"), std::string::npos) << missing.error_message();

  CommandResult cli = agent_.Cli({"create", "--volumes-from", "src:rx", "busybox", "true"});
  EXPECT_NE(cli.exit_code, 0);
  EXPECT_NE(cli.err.find("spec.volumes_from[0]"), std::string::npos) << cli.err;
  EXPECT_EQ(agent_.Cli({"ps", "-aq"}).out, containers_before);
  EXPECT_EQ(VolumeNames(), volumes_before);
}

TEST_P(VolumesFromTest, RmVOfEitherContainerKeepsVolumesTheOtherUses) {
  MakeSource();
  ASSERT_EQ(agent_
                .Cli({"create", "--name", "user", "--volumes-from", "src", "busybox", "sh", "-c",
                      "cat /anon/f"})
                .exit_code,
            0);
  ASSERT_EQ(agent_.Cli({"rm", "-v", "src"}).exit_code, 0);
  std::string volumes = VolumeNames();
  EXPECT_NE(volumes.find(anonymous_), std::string::npos) << "user still mounts it: " << volumes;
  CommandResult read = agent_.Cli({"start", "-a", "user"});
  EXPECT_EQ(read.out, "a\n") << read.err;

  // And the other way round.
  MakeSource();
  ASSERT_EQ(agent_.Cli({"create", "--name", "user2", "--volumes-from", "src", "busybox", "true"})
                .exit_code,
            0);
  ASSERT_EQ(agent_.Cli({"rm", "-v", "user2"}).exit_code, 0);
  EXPECT_NE(VolumeNames().find(anonymous_), std::string::npos) << "src still mounts it";
  ASSERT_EQ(agent_.Cli({"rm", "-v", "src"}).exit_code, 0);
  EXPECT_EQ(VolumeNames().find(anonymous_), std::string::npos) << "its last user is gone";
  EXPECT_NE(VolumeNames().find("named"), std::string::npos) << "rm -v keeps named volumes";
  ASSERT_EQ(agent_.Cli({"rm", "-v", "user"}).exit_code, 0);
}

INSTANTIATE_TEST_SUITE_P(Backends, VolumesFromTest, ::testing::Values("chroot", "lxc", "libvirt"),
                         [](const auto& info) { return info.param; });

}  // namespace
}  // namespace boxcar::testing
