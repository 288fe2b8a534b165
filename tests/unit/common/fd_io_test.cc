#include "common/fd_io.h"

#include <fcntl.h>
#include <signal.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include "common/unique_fd.h"

namespace boxcar {
namespace {

TEST(FlushPending, WritesWhatFitsKeepsTheRestAndDropsAllForAGoneReader) {
  ::signal(SIGPIPE, SIG_IGN);  // as in the shim: EPIPE instead of a signal
  int fds[2];
  ASSERT_EQ(::pipe2(fds, O_NONBLOCK | O_CLOEXEC), 0);
  UniqueFd read_end(fds[0]), write_end(fds[1]);

  std::string pending = "abc";
  EXPECT_TRUE(FlushPending(write_end.get(), &pending));
  EXPECT_TRUE(pending.empty());
  char got[4] = {};
  ASSERT_EQ(::read(read_end.get(), got, 3), 3);
  EXPECT_STREQ(got, "abc");

  // More than the pipe holds: the rest waits for the reader (EAGAIN).
  pending.assign(4 << 20, 'x');
  EXPECT_TRUE(FlushPending(write_end.get(), &pending));
  EXPECT_FALSE(pending.empty());
  EXPECT_LT(pending.size(), size_t{4 << 20});

  read_end.reset();
  EXPECT_FALSE(FlushPending(write_end.get(), &pending));
  EXPECT_TRUE(pending.empty());
}

}  // namespace
}  // namespace boxcar
