// Idle libcurl handles kept for the next exchange. A handle keeps its open connections
// (keep-alive), its TLS session ids and its loaded CA store across curl_easy_reset, so the
// many requests of one pull (manifests, config, layers, retries) connect once per parallel
// stream instead of once per request. Safe to share between threads: a handle serves one
// exchange at a time.
#pragma once

#include <curl/curl.h>

#include <cstddef>
#include <mutex>
#include <vector>

namespace boxcar {

class HttpConnectionPool {
 public:
  // At most `max_idle` handles are kept; more are closed when given back.
  explicit HttpConnectionPool(size_t max_idle = 8) : max_idle_(max_idle) {}
  ~HttpConnectionPool();
  HttpConnectionPool(const HttpConnectionPool&) = delete;
  HttpConnectionPool& operator=(const HttpConnectionPool&) = delete;

  // An idle handle, reset to curl's defaults (its connections kept), or a new one; nullptr
  // when libcurl cannot make one.
  CURL* Take();
  // Back into the pool (or closed when the pool is full).
  void Give(CURL* handle);

  size_t idle_count();

 private:
  const size_t max_idle_;
  std::mutex mutex_;
  std::vector<CURL*> idle_;
};

}  // namespace boxcar
