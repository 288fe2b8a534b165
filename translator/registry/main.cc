// boxcar-registry: a Registry v2 front end whose storage is Glance and whose logins are
// Keystone's (docs/registry.md).
#include <signal.h>
#include <spdlog/spdlog.h>
#include <sys/stat.h>

#include <fstream>
#include <memory>
#include <thread>

#include "http/url_for_messages.h"
#include "registry/blob_cache.h"
#include "registry/bootable_image.h"
#include "registry/cloud_tls.h"
#include "registry/glance_write_journal.h"
#include "registry/http_server.h"
#include "registry/json_log_lines.h"
#include "registry/orphan_sweeper.h"
#include "registry/registry_app.h"
#include "registry/registry_config.h"
#include "registry/registry_token.h"
#include "registry/upload_sessions.h"

int main(int argc, char** argv) {
  using namespace boxcar::registry;
  int exit_code = 0;
  auto config = RegistryConfig::FromCommandLine(argc, argv, &exit_code);
  if (!config.ok()) {
    if (exit_code != 0 && config.status().code() != boxcar::StatusCode::kInvalidArgument) {
      return exit_code;
    }
    if (exit_code == 0) return 0;  // --help
    fprintf(stderr, "boxcar-registry: %s\n", config.status().message().c_str());
    return exit_code;
  }
  spdlog::set_level(spdlog::level::from_str(config->log_level));
  if (config->log_format == "json") {
    spdlog::set_formatter(boxcar::registry::JsonLogLineFormatter());
  } else {
    spdlog::set_pattern("%Y-%m-%dT%H:%M:%S.%eZ %l registry %v", spdlog::pattern_time_type::utc);
  }

  // SIGTERM / SIGINT are taken by a thread of their own; blocked before any thread starts.
  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGTERM);
  sigaddset(&signals, SIGINT);
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);
  signal(SIGPIPE, SIG_IGN);

  if (auto st = CheckCloudCaFile(config->os_cacert); !st.ok()) {
    spdlog::error("{}", st.message());
    return 1;
  }
  if (::mkdir(config->state_dir.c_str(), 0700) != 0 && errno != EEXIST) {
    spdlog::error("creating state dir '{}': {}", config->state_dir, strerror(errno));
    return 1;
  }
  auto key = LoadOrCreateTokenKey(config->token_key_file());
  if (!key.ok()) {
    spdlog::error("{}", key.status().message());
    return 1;
  }
  UploadSessions uploads(config->upload_dir(), config->upload_max_age_seconds);
  if (auto st = uploads.Init(); !st.ok()) {
    spdlog::error("{}", st.message());
    return 1;
  }
  if (::mkdir(config->archive_dir().c_str(), 0700) != 0 && errno != EEXIST) {
    spdlog::error("creating archive dir '{}': {}", config->archive_dir(), strerror(errno));
    return 1;
  }
  BlobCache cache(config->blob_cache_dir(), config->blob_cache_bytes);
  if (auto st = cache.Init(); !st.ok()) {
    spdlog::error("{}", st.message());
    return 1;
  }
  GlanceWriteJournal journal(config->glance_write_dir());
  if (auto st = journal.Init(); !st.ok()) {
    spdlog::error("{}", st.message());
    return 1;
  }
  const boxcar::TlsOptions cloud_tls = config->cloud_tls();
  for (const std::string& url : {config->keystone_url, config->glance_endpoint}) {
    const std::string untrusted = UntrustedCertificateAt(url, cloud_tls);
    if (!untrusted.empty()) spdlog::error("checking the cloud's certificate: {}", untrusted);
  }
  std::unique_ptr<BootableImagePublisher> bootable;
  if (config->bootable_images) {
    bootable = std::make_unique<BootableImagePublisher>(config->archive_dir(), &journal, cloud_tls);
  }
  auto server = HttpServer::Listen(config->listen_address, config->port,
                                   TlsFiles{config->tls_cert_file, config->tls_key_file});
  if (!server.ok()) {
    spdlog::error("{}", server.status().message());
    return 1;
  }
  RegistryConfig settings = *config;
  settings.port = (*server)->port();
  if (!settings.port_file.empty()) {
    std::ofstream(settings.port_file + ".tmp") << "port=" << settings.port << "\n";
    ::rename((settings.port_file + ".tmp").c_str(), settings.port_file.c_str());
  }
  spdlog::info(
      "listening on {}:{} ({}, Keystone {}, cloud CA {}, state {})", settings.listen_address,
      settings.port, settings.tls() ? "HTTPS" : "plain HTTP",
      boxcar::UrlForMessages(settings.keystone_url),
      settings.os_cacert.empty() ? "the system's" : settings.os_cacert + " and the system's",
      settings.state_dir);
  // Images a killed predecessor left queued / saving go now (in the background) and then
  // periodically.
  OrphanSweeper sweeper(&journal, config->orphan_sweep_interval_seconds,
                        config->orphan_grace_seconds, cloud_tls);
  sweeper.Start();
  RegistryApp app(settings, RegistryTokenSealer(*key), &uploads, bootable.get(),
                  config->blob_cache_bytes > 0 ? &cache : nullptr, &journal, &sweeper);
  HttpServer* raw_server = server->get();
  std::thread([signals, raw_server]() mutable {
    int signal_number = 0;
    sigwait(&signals, &signal_number);
    spdlog::info("signal {}: stopping", signal_number);
    raw_server->Stop();
  }).detach();
  raw_server->Serve([&app](HttpExchange& http) { app.Handle(http); });
  spdlog::info("stopped");
  return 0;
}
