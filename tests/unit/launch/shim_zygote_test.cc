// The agent's ShimZygote against the shim's RunShimZygote, run in a forked child of the test:
// forked shims are the test's own children, with their control socket on fd 3 and their log
// on fd 2, and the zygote ends when its socket is closed.
#include "launch/shim_zygote.h"

#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <cerrno>
#include <string>

#include "common/atomic_file.h"
#include "common/directory_tree.h"
#include "shim/shim_zygote.h"
#include "../temp_dir.h"

namespace boxcar {
namespace {

// The stand-in for a container shim: says hello and how it is scheduled in its log, waits
// for EOF on its control socket, exits 7. (_exit: the test's own atexit handlers must not run.)
int FakeShim() {
  const std::string hello = std::string("hello from a forked shim at ") +
                            (::sched_getscheduler(0) == SCHED_IDLE ? "idle" : "normal") +
                            " priority\n";
  (void)!::write(2, hello.data(), hello.size());
  (void)!::write(3, "ready\n", 6);
  char byte;
  while (::read(3, &byte, 1) > 0) {
  }
  ::_exit(7);
}

class ShimZygoteTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_NO_FATAL_FAILURE(MakeTempDir("/tmp/shim-zygote-test-XXXXXX", &dir_));
    int sockets[2];
    ASSERT_EQ(::socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sockets), 0);
    zygote_pid_ = ::fork();
    ASSERT_GE(zygote_pid_, 0);
    if (zygote_pid_ == 0) {
      ::close(sockets[0]);
      ::_exit(RunShimZygote(sockets[1], FakeShim));
    }
    ::close(sockets[1]);
    zygote_ = std::make_unique<ShimZygote>(zygote_pid_, UniqueFd(sockets[0]));
  }
  void TearDown() override {
    zygote_.reset();
    (void)RemoveTree(dir_);
  }

  std::string dir_;
  pid_t zygote_pid_ = -1;
  std::unique_ptr<ShimZygote> zygote_;
};

TEST_F(ShimZygoteTest, ForkedShimsAreOurChildrenWithTheirSocketAndLog) {
  const std::string log = dir_ + "/shim.log";
  for (SpawnPriority priority : {SpawnPriority::kNormal, SpawnPriority::kIdle}) {
    auto shim = zygote_->Fork(log, priority);
    ASSERT_TRUE(shim.ok()) << shim.status().message();
    const pid_t pid = shim->pid();
    ASSERT_GT(pid, 0);
    EXPECT_NE(pid, zygote_pid_);
    // Ours to wait for (ECHILD otherwise), and still waiting for its spec.
    int status = 0;
    EXPECT_EQ(::waitpid(pid, &status, WNOHANG), 0) << std::strerror(errno);
    {
      PendingShim dropped = std::move(*shim);  // closes its socket: it exits, and is reaped
    }
    EXPECT_EQ(::kill(pid, 0), -1);
    EXPECT_EQ(errno, ESRCH);
  }
  auto written = ReadFileToString(log);
  ASSERT_TRUE(written.ok()) << written.status().message();
  EXPECT_EQ(*written,
            "hello from a forked shim at normal priority\n"
            "hello from a forked shim at idle priority\n");
}

TEST_F(ShimZygoteTest, ClosingTheSocketEndsTheZygote) {
  zygote_.reset();  // reaps it: returns only once it has exited
  EXPECT_EQ(::kill(zygote_pid_, 0), -1);
  EXPECT_EQ(errno, ESRCH);
}

TEST_F(ShimZygoteTest, ForkFailsOnceTheZygoteIsGone) {
  ASSERT_EQ(::kill(zygote_pid_, SIGKILL), 0);
  ASSERT_EQ(::waitpid(zygote_pid_, nullptr, 0), zygote_pid_);
  auto shim = zygote_->Fork(dir_ + "/shim.log");
  EXPECT_FALSE(shim.ok());
}

}  // namespace
}  // namespace boxcar
