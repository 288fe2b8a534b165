#include "registry/registry_config.h"

#include <CLI/CLI.hpp>
#include <cstdlib>

#include "common/absolute_path.h"
#include "registry/cloud_tls.h"

namespace boxcar::registry {

TlsOptions RegistryConfig::cloud_tls() const { return CloudTlsOptions(os_cacert); }

StatusOr<RegistryConfig> RegistryConfig::FromCommandLine(int argc, char** argv, int* exit_code,
                                                         const EnvReader& given_getenv) {
  const EnvReader getenv = given_getenv ? given_getenv : [](const char* name) -> const char* {
    return std::getenv(name);
  };
  RegistryConfig c;
  CLI::App app{"boxcar-registry: a Registry v2 front end storing images in Glance"};
  app.set_config("--config", "", "Config file (key = value lines, same names as the flags)");
  app.add_option("--listen", c.listen_address, "Address to listen on")->capture_default_str();
  app.add_option("--port", c.port, "TCP port (0: any free port)")->capture_default_str();
  app.add_option("--tls-cert", c.tls_cert_file,
                 "Serve HTTPS with this certificate (PEM, chain after the leaf)");
  app.add_option("--tls-key", c.tls_key_file, "Private key (PEM) of --tls-cert");
  app.add_flag("--allow-plain-http", c.allow_plain_http,
               "Serve plain HTTP on a non-loopback address (TLS terminated in front)");
  app.add_option("--keystone-url", c.keystone_url, "Keystone v3 URL")->required();
  app.add_option("--glance-url", c.glance_endpoint, "Glance endpoint (default: the catalog's)");
  app.add_option("--interface", c.interface, "Catalog interface")->capture_default_str();
  app.add_option("--region", c.region_name, "Catalog region (default: any)");
  app.add_option("--os-cacert", c.os_cacert,
                 "The cloud's CA (PEM), trusted besides the system's for Keystone and Glance "
                 "(default: OS_CACERT)");
  // Not in --help: these only exist to be refused by name (a config file's unknown key would
  // be ignored silently).
  bool insecure_flag = false;
  bool verify = true;
  app.add_flag("--insecure,--os-insecure", insecure_flag)->group("");
  app.add_option("--verify", verify)->group("");
  app.add_option(
         "--state-dir", c.state_dir,
         "Uploads (unless --upload-dir), blob cache, write journal and the token signing key")
      ->capture_default_str();
  app.add_option("--realm", c.realm, "Bearer realm URL (default: http[s]://<Host>/token)");
  app.add_option("--token-ttl", c.token_ttl_seconds, "Registry token lifetime, seconds")
      ->capture_default_str()
      ->check(CLI::Range(int64_t{10}, int64_t{86400}));
  app.add_option("--upload-dir", c.upload_dir_override,
                 "Where uploads in progress are kept (default STATE_DIR/uploads); on the same "
                 "file system as the state dir, or pushed blobs are not kept in the blob cache");
  app.add_option("--upload-max-age", c.upload_max_age_seconds,
                 "Seconds an untouched upload is kept")
      ->capture_default_str();
  app.add_option("--orphan-sweep-interval", c.orphan_sweep_interval_seconds,
                 "Seconds between sweeps of Glance images left by interrupted writes")
      ->capture_default_str()
      ->check(CLI::Range(int64_t{1}, int64_t{86400}));
  app.add_option("--orphan-grace", c.orphan_grace_seconds,
                 "Seconds after which a queued/saving image of a write no record names is deleted")
      ->capture_default_str()
      ->check(CLI::Range(int64_t{1}, int64_t{30} * 86400));
  app.add_option("--max-manifest-bytes", c.max_manifest_bytes, "Largest manifest accepted")
      ->capture_default_str();
  app.add_option("--max-blob-bytes", c.max_blob_bytes, "Largest blob accepted")
      ->capture_default_str();
  app.add_option("--blob-cache-bytes", c.blob_cache_bytes,
                 "Size of the local blob cache for pulls (0: off)")
      ->capture_default_str();
  app.add_option("--bootable-images", c.bootable_images,
                 "After each tagged push, publish repository:tag as one bootable Glance image")
      ->capture_default_str();
  app.add_option("--delete-unused-blobs", c.delete_unused_blobs,
                 "A manifest DELETE also deletes its blobs no other manifest of the project uses "
                 "(a push in flight that found such a blob present must then push it again)")
      ->capture_default_str();
  app.add_option("--log-level", c.log_level, "trace, debug, info, warn, error")
      ->capture_default_str();
  app.add_option("--log-format", c.log_format,
                 "text (one line per event) or json (one JSON object per line)")
      ->capture_default_str();
  app.add_option("--port-file", c.port_file, "Write \"port=N\" here once listening");
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& error) {
    *exit_code = app.exit(error);
    return InvalidArgument(error.what());
  }
  if (c.os_cacert.empty()) {
    const char* env_cacert = getenv("OS_CACERT");
    if (env_cacert) c.os_cacert = env_cacert;
  }
  c.os_cacert = AbsolutePath(c.os_cacert);
  const char* env_insecure = getenv("OS_INSECURE");
  if (insecure_flag) {
    c.insecure_source = "insecure (a flag or a key of the config file)";
  } else if (!verify) {
    c.insecure_source = "verify = false";
  } else if (env_insecure && IsInsecureValue(env_insecure)) {
    c.insecure_source = "OS_INSECURE=" + std::string(env_insecure);
  }
  Status valid = c.Validate();
  if (!valid.ok()) {
    *exit_code = 2;
    return valid;
  }
  return c;
}

Status RegistryConfig::Validate() const {
  if (tls_cert_file.empty() != tls_key_file.empty()) {
    return InvalidArgument(tls_cert_file.empty() ? "tls-cert: missing (tls-key is set)"
                                                 : "tls-key: missing (tls-cert is set)");
  }
  const bool loopback = listen_address == "::1" || listen_address.rfind("127.", 0) == 0;
  if (!loopback && !tls() && !allow_plain_http) {
    return InvalidArgument("listen: " + listen_address +
                           " is not a loopback address, and plain HTTP is served on loopback "
                           "only: set --tls-cert and --tls-key (PEM files) to serve HTTPS, or "
                           "--allow-plain-http when TLS is terminated in front (a proxy)");
  }
  if (!insecure_source.empty()) {
    return InvalidArgument(insecure_source +
                           ": boxcar-registry does not turn off TLS verification of Keystone and "
                           "Glance; give the cloud's CA with --os-cacert FILE (os-cacert in the "
                           "config file, or OS_CACERT) instead");
  }
  if (log_format != "text" && log_format != "json") {
    return InvalidArgument("log-format: '" + log_format + "' is neither text nor json");
  }
  if (state_dir.empty()) return InvalidArgument("state-dir: empty");
  if (max_manifest_bytes < 1024) return InvalidArgument("max-manifest-bytes: below 1024");
  return OkStatus();
}

}  // namespace boxcar::registry
