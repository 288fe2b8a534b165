// One byte of data and room for `kFds` SCM_RIGHTS descriptors: the message the shim's terminal
// hand-over and the shim zygote's requests send and receive (sendmsg / recvmsg on .message).
#pragma once

#include <sys/socket.h>
#include <sys/uio.h>

#include <cstddef>

namespace boxcar {

template <size_t kFds>
struct DescriptorMessage {
  char byte = 0;
  struct iovec data = {&byte, 1};
  alignas(struct cmsghdr) char control[CMSG_SPACE(kFds * sizeof(int))] = {};
  struct msghdr message {};

  explicit DescriptorMessage(char first_byte = 0) : byte(first_byte) {
    message.msg_iov = &data;
    message.msg_iovlen = 1;
    message.msg_control = control;
    message.msg_controllen = sizeof control;
  }
  DescriptorMessage(const DescriptorMessage&) = delete;
  DescriptorMessage& operator=(const DescriptorMessage&) = delete;
};

}  // namespace boxcar
