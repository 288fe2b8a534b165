// Watches the agent's network namespace for what others do to Boxcar's plumbing: a bridge
// deleted (`ip link del`), the nftables table or its chains deleted (`nft flush ruleset`, as
// `systemctl restart nftables` runs it; `nft delete table ip boxcar`). Two netlink sockets,
// RTNLGRP_LINK and NFNLGRP_NFTABLES, read by one thread; the notifications of one burst
// (a flush sends one per rule, chain, set and table) end in one call of the handler, which
// checks what is really missing and puts it back (NetworkService::RestorePlumbing).
// Nothing here runs on a container's start path.
#pragma once

#include <functional>
#include <memory>
#include <string>
#include <thread>

#include "common/status.h"
#include "common/unique_fd.h"

namespace boxcar {

class NetworkChangeWatch {
 public:
  // `cause` says what was seen, e.g. "bridge bx-app deleted", "table ip boxcar changed".
  using Handler = std::function<void(const std::string& cause)>;

  // Subscribes in the calling thread's network namespace and starts the thread. Deletions
  // of table `table_name` (family ip) and of bridge links are reported.
  static StatusOr<std::unique_ptr<NetworkChangeWatch>> Start(const std::string& table_name,
                                                             Handler handler);
  // Stops and joins the thread (the handler is not running afterwards).
  ~NetworkChangeWatch();
  NetworkChangeWatch(const NetworkChangeWatch&) = delete;
  NetworkChangeWatch& operator=(const NetworkChangeWatch&) = delete;

 private:
  NetworkChangeWatch(std::string table_name, Handler handler, UniqueFd links, UniqueFd nftables,
                     UniqueFd stop);
  void Run();
  // Reads what is queued on `fd`; appends what matters to `causes`.
  void DrainLinks(std::string* cause);
  void DrainNftables(std::string* cause);

  const std::string table_name_;
  const Handler handler_;
  UniqueFd links_;
  UniqueFd nftables_;
  UniqueFd stop_;  // an eventfd: the destructor's wake-up
  std::thread thread_;
};

}  // namespace boxcar
