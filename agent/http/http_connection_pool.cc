#include "http/http_connection_pool.h"

namespace boxcar {

HttpConnectionPool::~HttpConnectionPool() {
  for (CURL* handle : idle_) curl_easy_cleanup(handle);
}

CURL* HttpConnectionPool::Take() {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    if (!idle_.empty()) {
      CURL* handle = idle_.back();
      idle_.pop_back();
      // Options back to the defaults; live connections and caches stay.
      curl_easy_reset(handle);
      return handle;
    }
  }
  return curl_easy_init();
}

void HttpConnectionPool::Give(CURL* handle) {
  if (handle == nullptr) return;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    if (idle_.size() < max_idle_) {
      idle_.push_back(handle);
      return;
    }
  }
  curl_easy_cleanup(handle);
}

size_t HttpConnectionPool::idle_count() {
  std::lock_guard<std::mutex> lock(mutex_);
  return idle_.size();
}

}  // namespace boxcar
