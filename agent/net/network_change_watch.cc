#include "net/network_change_watch.h"

#include <linux/if_link.h>
#include <linux/netfilter.h>
#include <linux/netfilter/nf_tables.h>
#include <linux/netfilter/nfnetlink.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>
#include <poll.h>
#include <pthread.h>
#include <spdlog/spdlog.h>
#include <sys/eventfd.h>
#include <sys/socket.h>

#include <algorithm>
#include <array>
#include <cerrno>
#include <chrono>
#include <cstring>

namespace boxcar {

namespace {

// A burst (a ruleset flush, a bridge and its ports going) is read to its end before the
// handler runs once.
constexpr int kQuietMs = 50;

StatusOr<UniqueFd> OpenNetlink(int protocol, uint32_t groups, int join_group,
                               const std::string& what) {
  UniqueFd fd(::socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC | SOCK_NONBLOCK, protocol));
  if (!fd) return ErrnoStatus("socket(AF_NETLINK) for " + what);
  // NOTE: a flush of a large ruleset sends many notifications at once; a larger buffer keeps
  // them, and an overrun (ENOBUFS) is taken as "something changed" anyway.
  int buffer_bytes = 1 << 20;
  ::setsockopt(fd.get(), SOL_SOCKET, SO_RCVBUF, &buffer_bytes, sizeof buffer_bytes);
  sockaddr_nl address{};
  address.nl_family = AF_NETLINK;
  address.nl_groups = groups;
  if (::bind(fd.get(), reinterpret_cast<sockaddr*>(&address), sizeof address) != 0) {
    return ErrnoStatus("bind netlink socket for " + what);
  }
  if (join_group > 0 && ::setsockopt(fd.get(), SOL_NETLINK, NETLINK_ADD_MEMBERSHIP, &join_group,
                                     sizeof join_group) != 0) {
    return ErrnoStatus("join netlink group of " + what);
  }
  return fd;
}

// The attributes after a message's fixed header of `header_bytes`, `visit`ed in order.
template <typename Visit>
void ForEachAttribute(const nlmsghdr* message, size_t header_bytes, Visit visit) {
  const size_t offset = NLMSG_SPACE(header_bytes);
  if (message->nlmsg_len < offset) return;
  auto* attribute =
      reinterpret_cast<const nlattr*>(reinterpret_cast<const char*>(message) + offset);
  int remaining = static_cast<int>(message->nlmsg_len - offset);
  while (remaining >= static_cast<int>(sizeof(nlattr)) && attribute->nla_len >= sizeof(nlattr) &&
         attribute->nla_len <= remaining) {
    visit(attribute);
    const int step = NLA_ALIGN(attribute->nla_len);
    remaining -= step;
    attribute = reinterpret_cast<const nlattr*>(reinterpret_cast<const char*>(attribute) + step);
  }
}

std::string AttributeString(const nlattr* attribute) {
  const char* text = reinterpret_cast<const char*>(attribute) + NLA_HDRLEN;
  const size_t bytes = attribute->nla_len - NLA_HDRLEN;
  return std::string(text, strnlen(text, bytes));
}

// Reads every queued datagram of `fd`, `visit`ing each message; false on an overrun.
template <typename Visit>
bool DrainSocket(int fd, Visit visit) {
  alignas(nlmsghdr) std::array<char, 65536> buffer;
  bool complete = true;
  for (;;) {
    const ssize_t received = ::recv(fd, buffer.data(), buffer.size(), MSG_DONTWAIT);
    if (received < 0) {
      if (errno == EINTR) continue;
      if (errno == ENOBUFS) {
        complete = false;
        continue;
      }
      return complete;  // EAGAIN: drained
    }
    int remaining = static_cast<int>(received);
    for (auto* message = reinterpret_cast<const nlmsghdr*>(buffer.data());
         NLMSG_OK(message, remaining); message = NLMSG_NEXT(message, remaining)) {
      visit(message);
    }
  }
}

}  // namespace

StatusOr<std::unique_ptr<NetworkChangeWatch>> NetworkChangeWatch::Start(
    const std::string& table_name, Handler handler) {
  ASSIGN_OR_RETURN(UniqueFd links, OpenNetlink(NETLINK_ROUTE, RTMGRP_LINK, 0, "link changes"));
  ASSIGN_OR_RETURN(UniqueFd nftables,
                   OpenNetlink(NETLINK_NETFILTER, 0, NFNLGRP_NFTABLES, "nftables changes"));
  UniqueFd stop(::eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK));
  if (!stop) return ErrnoStatus("eventfd for the network change watch");
  return std::unique_ptr<NetworkChangeWatch>(new NetworkChangeWatch(
      table_name, std::move(handler), std::move(links), std::move(nftables), std::move(stop)));
}

NetworkChangeWatch::NetworkChangeWatch(std::string table_name, Handler handler, UniqueFd links,
                                       UniqueFd nftables, UniqueFd stop)
    : table_name_(std::move(table_name)),
      handler_(std::move(handler)),
      links_(std::move(links)),
      nftables_(std::move(nftables)),
      stop_(std::move(stop)) {
  thread_ = std::thread([this] {
    pthread_setname_np(pthread_self(), "boxcar-netwatch");  // in top -H and gdb
    Run();
  });
  spdlog::debug("networks: watching for bridges and table ip {} deleted by others", table_name_);
}

NetworkChangeWatch::~NetworkChangeWatch() {
  const uint64_t one = 1;
  if (::write(stop_.get(), &one, sizeof one) < 0) {
    spdlog::warn("network change watch: {}", ErrnoStatus("write its eventfd").message());
  }
  if (thread_.joinable()) thread_.join();
}

void NetworkChangeWatch::DrainLinks(std::string* cause) {
  const bool complete = DrainSocket(links_.get(), [&](const nlmsghdr* message) {
    if (message->nlmsg_type != RTM_DELLINK) return;
    std::string name;
    std::string kind;
    ForEachAttribute(message, sizeof(ifinfomsg), [&](const nlattr* attribute) {
      const int type = attribute->nla_type & NLA_TYPE_MASK;
      if (type == IFLA_IFNAME) name = AttributeString(attribute);
      if (type != IFLA_LINKINFO) return;
      // Nested: IFLA_INFO_KIND first.
      const auto* nested =
          reinterpret_cast<const nlattr*>(reinterpret_cast<const char*>(attribute) + NLA_HDRLEN);
      if (attribute->nla_len >= NLA_HDRLEN + sizeof(nlattr) &&
          (nested->nla_type & NLA_TYPE_MASK) == IFLA_INFO_KIND) {
        kind = AttributeString(nested);
      }
    });
    // Containers' veths go on every exit: only bridges (or links of no stated kind) count.
    if (!kind.empty() && kind != "bridge") return;
    if (cause->empty()) *cause = "link " + name + " deleted";
  });
  if (!complete && cause->empty()) *cause = "link notifications lost (netlink overrun)";
}

void NetworkChangeWatch::DrainNftables(std::string* cause) {
  const bool complete = DrainSocket(nftables_.get(), [&](const nlmsghdr* message) {
    if (NFNL_SUBSYS_ID(message->nlmsg_type) != NFNL_SUBSYS_NFTABLES) return;
    const int type = NFNL_MSG_TYPE(message->nlmsg_type);
    // Our own ports come and go as set elements: those never count.
    if (type != NFT_MSG_DELTABLE && type != NFT_MSG_DELCHAIN && type != NFT_MSG_DELRULE &&
        type != NFT_MSG_DELSET) {
      return;
    }
    if (message->nlmsg_len < NLMSG_SPACE(sizeof(nfgenmsg))) return;
    const auto* header = reinterpret_cast<const nfgenmsg*>(NLMSG_DATA(message));
    if (header->nfgen_family != NFPROTO_IPV4) return;
    std::string table;
    // The table's name is attribute 1 of a table, chain, rule and set message alike.
    ForEachAttribute(message, sizeof(nfgenmsg), [&](const nlattr* attribute) {
      if ((attribute->nla_type & NLA_TYPE_MASK) == NFTA_TABLE_NAME)
        table = AttributeString(attribute);
    });
    if (table == table_name_ && cause->empty()) *cause = "table ip " + table_name_ + " changed";
  });
  if (!complete && cause->empty()) *cause = "nftables notifications lost (netlink overrun)";
}

void NetworkChangeWatch::Run() {
  std::array<pollfd, 3> fds{
      {{stop_.get(), POLLIN, 0}, {links_.get(), POLLIN, 0}, {nftables_.get(), POLLIN, 0}}};
  std::string cause;
  std::chrono::steady_clock::time_point due;
  for (;;) {
    int timeout_ms = -1;
    if (!cause.empty()) {
      const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
          due - std::chrono::steady_clock::now());
      timeout_ms = static_cast<int>(std::max<int64_t>(0, left.count()));
    }
    const int ready = ::poll(fds.data(), fds.size(), timeout_ms);
    if (ready < 0) {
      if (errno == EINTR) continue;
      spdlog::error("network change watch stopped: {}", ErrnoStatus("poll").message());
      return;
    }
    if (fds[0].revents) return;
    const bool had_cause = !cause.empty();
    if (fds[1].revents) DrainLinks(&cause);
    if (fds[2].revents) DrainNftables(&cause);
    // Bounded: veths of exiting containers may keep the sockets busy, the handler runs anyway.
    if (!had_cause && !cause.empty()) {
      due = std::chrono::steady_clock::now() + std::chrono::milliseconds(kQuietMs);
    }
    if (!cause.empty() && std::chrono::steady_clock::now() >= due) {
      handler_(cause);
      cause.clear();
    }
  }
}

}  // namespace boxcar
