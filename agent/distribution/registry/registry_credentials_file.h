// Stored registry logins: <root>/registry-logins.json, mode 0600, written atomically. The
// passwords are kept as given (a registry needs them back); nothing here logs them.
#pragma once

#include <mutex>
#include <string>

#include "boxcar/v1/distribution.pb.h"
#include "common/status.h"

namespace boxcar {

class RegistryCredentialsFile {
 public:
  explicit RegistryCredentialsFile(std::string path) : path_(std::move(path)) {}

  // The stored credentials of `registry` (normalized host), or empty ones.
  v1::RegistryCredentials Lookup(const std::string& registry);
  Status Store(const std::string& registry, const v1::RegistryCredentials& credentials);
  // False when nothing was stored for `registry`.
  StatusOr<bool> Remove(const std::string& registry);

 private:
  std::mutex mutex_;
  std::string path_;
};

}  // namespace boxcar
