// SendDescriptor / ReceiveDescriptor: the terminal's hand-over from the container's init to
// the shim, over a socketpair.
#include "shim/stdio_relay.h"

#include <errno.h>
#include <fcntl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstring>

#include <gtest/gtest.h>

#include "common/unique_fd.h"

namespace boxcar {
namespace {

TEST(DescriptorPassing, ReceivesTheSameOpenFileCloseOnExec) {
  int pair[2];
  ASSERT_EQ(::socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, pair), 0);
  UniqueFd sender(pair[0]), receiver(pair[1]);
  int pipe_fds[2];
  ASSERT_EQ(::pipe2(pipe_fds, O_CLOEXEC), 0);
  UniqueFd read_end(pipe_fds[0]), write_end(pipe_fds[1]);

  ASSERT_EQ(SendDescriptor(sender.get(), write_end.get()), "");
  UniqueFd received(ReceiveDescriptor(receiver.get()));
  ASSERT_GE(received.get(), 0) << std::strerror(errno);
  EXPECT_NE(received.get(), write_end.get());
  struct stat sent_stat {}, received_stat {};
  ASSERT_EQ(::fstat(write_end.get(), &sent_stat), 0);
  ASSERT_EQ(::fstat(received.get(), &received_stat), 0);
  EXPECT_EQ(sent_stat.st_ino, received_stat.st_ino);
  EXPECT_TRUE(::fcntl(received.get(), F_GETFD) & FD_CLOEXEC);
  ASSERT_EQ(::write(received.get(), "x", 1), 1);
  char byte = 0;
  ASSERT_EQ(::read(read_end.get(), &byte, 1), 1);
  EXPECT_EQ(byte, 'x');
}

TEST(DescriptorPassing, NothingSentIsAnErrorNotABlock) {
  int pair[2];
  ASSERT_EQ(::socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, pair), 0);
  UniqueFd sender(pair[0]), receiver(pair[1]);
  errno = 0;
  EXPECT_EQ(ReceiveDescriptor(receiver.get()), -1);
  EXPECT_EQ(errno, EAGAIN);
  sender.reset();
  EXPECT_EQ(ReceiveDescriptor(receiver.get()), -1);
  EXPECT_EQ(errno, ENODATA);
}

TEST(DescriptorPassing, PlainByteWithoutDescriptorIsRefused) {
  int pair[2];
  ASSERT_EQ(::socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, pair), 0);
  UniqueFd sender(pair[0]), receiver(pair[1]);
  ASSERT_EQ(::write(sender.get(), "f", 1), 1);
  EXPECT_EQ(ReceiveDescriptor(receiver.get()), -1);
  EXPECT_EQ(errno, EBADMSG);
}

}  // namespace
}  // namespace boxcar
