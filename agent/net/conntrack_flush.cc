#include "net/conntrack_flush.h"

#include <arpa/inet.h>
#include <libnetfilter_conntrack/libnetfilter_conntrack.h>
#include <netinet/in.h>

#include <cerrno>
#include <memory>

namespace boxcar {

namespace {

struct HandleCloser {
  void operator()(nfct_handle* handle) const { nfct_close(handle); }
};
using ConntrackHandle = std::unique_ptr<nfct_handle, HandleCloser>;

struct EntryDestroyer {
  void operator()(nf_conntrack* entry) const { nfct_destroy(entry); }
};
using ConntrackEntry = std::unique_ptr<nf_conntrack, EntryDestroyer>;

struct FilterDestroyer {
  void operator()(nfct_filter_dump* filter) const { nfct_filter_dump_destroy(filter); }
};

// The flush with its addresses and ports parsed (network byte order, as the entries hold them).
struct ParsedFlush {
  std::vector<uint32_t> addresses;
  struct HostPort {
    uint8_t protocol;
    bool any_address;
    uint32_t host_ip;
    uint16_t host_port;
  };
  std::vector<HostPort> host_ports;
};

StatusOr<uint32_t> ParseAddress(const std::string& text, const std::string& field) {
  in_addr address{};
  if (::inet_pton(AF_INET, text.c_str(), &address) != 1) {
    return InvalidArgument("conntrack flush: " + field + " '" + text + "' is not an IPv4 address");
  }
  return address.s_addr;
}

StatusOr<ParsedFlush> Parse(const ConntrackFlush& flush) {
  ParsedFlush parsed;
  for (const auto& address : flush.addresses) {
    ASSIGN_OR_RETURN(uint32_t value, ParseAddress(address, "address"));
    parsed.addresses.push_back(value);
  }
  for (const auto& port : flush.host_ports) {
    ParsedFlush::HostPort host_port{
        static_cast<uint8_t>(port.protocol == "udp" ? IPPROTO_UDP : IPPROTO_TCP),
        port.host_ip.empty(), 0, htons(static_cast<uint16_t>(port.host_port))};
    if (!port.host_ip.empty()) {
      ASSIGN_OR_RETURN(host_port.host_ip, ParseAddress(port.host_ip, "host address"));
    }
    parsed.host_ports.push_back(host_port);
  }
  return parsed;
}

bool Matches(const ParsedFlush& flush, const nf_conntrack* entry) {
  for (uint32_t address : flush.addresses) {
    for (auto attribute :
         {ATTR_ORIG_IPV4_SRC, ATTR_ORIG_IPV4_DST, ATTR_REPL_IPV4_SRC, ATTR_REPL_IPV4_DST}) {
      if (nfct_attr_is_set(entry, attribute) > 0 &&
          nfct_get_attr_u32(entry, attribute) == address) {
        return true;
      }
    }
  }
  if (flush.host_ports.empty() || nfct_attr_is_set(entry, ATTR_ORIG_L4PROTO) <= 0 ||
      nfct_attr_is_set(entry, ATTR_ORIG_PORT_DST) <= 0) {
    return false;
  }
  const uint8_t protocol = nfct_get_attr_u8(entry, ATTR_ORIG_L4PROTO);
  const uint16_t port = nfct_get_attr_u16(entry, ATTR_ORIG_PORT_DST);
  const uint32_t destination = nfct_get_attr_u32(entry, ATTR_ORIG_IPV4_DST);
  for (const auto& host_port : flush.host_ports) {
    if (host_port.protocol == protocol && host_port.host_port == port &&
        (host_port.any_address || host_port.host_ip == destination)) {
      return true;
    }
  }
  return false;
}

struct DumpState {
  const ParsedFlush* flush;
  std::vector<ConntrackEntry> matched;
};

int CollectMatching(enum nf_conntrack_msg_type, nf_conntrack* entry, void* data) {
  auto* state = static_cast<DumpState*>(data);
  if (Matches(*state->flush, entry)) state->matched.emplace_back(nfct_clone(entry));
  return NFCT_CB_CONTINUE;
}

}  // namespace

StatusOr<int> DeleteConntrackEntries(const ConntrackFlush& flush) {
  if (flush.empty()) return 0;
  ASSIGN_OR_RETURN(ParsedFlush parsed, Parse(flush));
  // NOTE: a netlink socket belongs to the network namespace of the thread that opens it; the
  // agent's threads stay in its own (only a short-lived thread of its own enters a container's).
  ConntrackHandle dump(nfct_open(CONNTRACK, 0));
  if (!dump) return ErrnoStatus("conntrack: open a ctnetlink socket");
  DumpState state{&parsed, {}};
  nfct_callback_register(dump.get(), NFCT_T_ALL, CollectMatching, &state);
  std::unique_ptr<nfct_filter_dump, FilterDestroyer> filter(nfct_filter_dump_create());
  if (!filter) return ErrnoStatus("conntrack: allocate a dump filter");
  nfct_filter_dump_set_attr_u8(filter.get(), NFCT_FILTER_DUMP_L3NUM, AF_INET);
  // A dump the table changed under (EINTR) is tried again: entries may have been skipped.
  int dumped = -1;
  for (int attempt = 0; attempt < 3 && dumped != 0; ++attempt) {
    state.matched.clear();
    dumped = nfct_query(dump.get(), NFCT_Q_DUMP_FILTER, filter.get());
    if (dumped != 0 && errno != EINTR) break;
  }
  if (dumped != 0) return ErrnoStatus("conntrack: dump the IPv4 entries");
  int deleted = 0;
  for (const auto& entry : state.matched) {
    if (!entry) continue;
    if (nfct_query(dump.get(), NFCT_Q_DESTROY, entry.get()) == 0) {
      ++deleted;
    } else if (errno != ENOENT) {  // gone meanwhile (expired, or its flow closed) is fine
      return ErrnoStatus("conntrack: delete an entry");
    }
  }
  return deleted;
}

}  // namespace boxcar
