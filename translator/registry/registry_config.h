// boxcar-registry's typed configuration: flags, or the same keys in a file (--config),
// validated once at start-up.
#pragma once

#include <cstdint>
#include <functional>
#include <string>

#include "common/status.h"
#include "http/tls_options.h"

namespace boxcar::registry {

struct RegistryConfig {
  std::string listen_address = "127.0.0.1";
  uint16_t port = 5000;
  // HTTPS with this certificate (chain) and private key, PEM files. Without them plain HTTP
  // is served on loopback only; anything else is refused unless allow_plain_http says TLS is
  // terminated in front of the registry (a reverse proxy).
  std::string tls_cert_file;
  std::string tls_key_file;
  bool allow_plain_http = false;
  bool tls() const { return !tls_cert_file.empty(); }
  std::string keystone_url;     // Keystone v3
  std::string glance_endpoint;  // from the token's catalog when empty
  std::string interface = "public";
  std::string region_name;
  // The cloud's CA (PEM), trusted besides the system's for every Keystone and Glance
  // exchange: --os-cacert or os-cacert in the config file, else OS_CACERT (cloud_tls.h).
  // Made absolute when parsed.
  std::string os_cacert;
  // Where a request to turn verification off came from (--insecure, an insecure key of the
  // config file, OS_INSECURE): refused by Validate, never ignored. Empty when none did.
  std::string insecure_source;
  TlsOptions cloud_tls() const;
  std::string state_dir = "/var/lib/boxcar-registry";  // uploads/ and token.key
  std::string realm;  // the Bearer realm; "http://<Host>/token" when empty
  int64_t token_ttl_seconds = 3600;
  int64_t upload_max_age_seconds = 24 * 3600;
  // Seconds between sweeps of the Glance images interrupted writes left (orphan_sweeper.h);
  // one also runs at start-up.
  int64_t orphan_sweep_interval_seconds = 600;
  // Age past which a never-active image of a write no record names is swept (Glance-side).
  int64_t orphan_grace_seconds = 6 * 3600;
  uint64_t max_manifest_bytes = 4 << 20;
  uint64_t max_blob_bytes = uint64_t{16} << 30;
  std::string log_level = "info";
  std::string log_format = "text";  // or "json" (json_log_lines.h)
  // A file with one line: "port=N" once listening (tests, port 0).
  std::string port_file;

  // After each tagged push, one container_format=docker Glance image of repository:tag.
  bool bootable_images = true;
  // A manifest DELETE by digest also deletes the blobs it used that no other manifest of the
  // project uses (docs/registry.md, Deleting).
  bool delete_unused_blobs = false;

  // Uploads in progress (upload_sessions.h): --upload-dir, else STATE_DIR/uploads.
  std::string upload_dir_override;
  std::string upload_dir() const {
    return upload_dir_override.empty() ? state_dir + "/uploads" : upload_dir_override;
  }
  // Local copy of blobs for pulls (blob_cache.h); 0 turns it off.
  uint64_t blob_cache_bytes = uint64_t{10} << 30;
  std::string blob_cache_dir() const { return state_dir + "/blobs"; }
  std::string archive_dir() const { return state_dir + "/archives"; }
  std::string token_key_file() const { return state_dir + "/token.key"; }
  std::string glance_write_dir() const { return state_dir + "/glance-writes"; }

  // Parses argv (and --config), then the environment (OS_CACERT, OS_INSECURE) through
  // `getenv` (std::getenv when null). On --help, or a parse error, *exit_code is set and the
  // status is not OK.
  using EnvReader = std::function<const char*(const char*)>;
  static StatusOr<RegistryConfig> FromCommandLine(int argc, char** argv, int* exit_code,
                                                  const EnvReader& getenv = nullptr);
  Status Validate() const;
};

}  // namespace boxcar::registry
