#include "registry/cloud_tls.h"

#include <openssl/err.h>
#include <openssl/pem.h>
#include <openssl/x509.h>

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <cstdio>
#include <cstring>

#include "http/http_client.h"

namespace boxcar::registry {

TlsOptions CloudTlsOptions(const std::string& ca_file) {
  TlsOptions tls;
  tls.ca_file = ca_file;
  // The registry's client cannot fix this (podman has no say in whom boxcar-registry trusts):
  // the hint names the registry's own option, for whoever runs it.
  tls.untrusted_hint =
      ca_file.empty()
          ? "boxcar-registry does not trust the cloud's certificate (no CA this host trusts "
            "signed it): the registry's operator gives the cloud's CA with --os-cacert FILE "
            "(os-cacert in its config file, or OS_CACERT)"
          : "the cloud's certificate is signed neither by the CA in " + ca_file +
                " nor by the system's: the registry's operator gives the CA that signed it with "
                "--os-cacert FILE";
  return tls;
}

Status CheckCloudCaFile(const std::string& ca_file) {
  if (ca_file.empty()) return OkStatus();
  FILE* file = std::fopen(ca_file.c_str(), "r");
  if (!file) {
    return InvalidArgument("os-cacert: cannot read '" + ca_file + "': " + std::strerror(errno));
  }
  ERR_clear_error();
  X509* certificate = PEM_read_X509(file, nullptr, nullptr, nullptr);
  std::fclose(file);
  ERR_clear_error();
  if (!certificate) {
    return InvalidArgument("os-cacert: '" + ca_file +
                           "' holds no PEM certificate (-----BEGIN CERTIFICATE-----): give the "
                           "CA certificate(s) that signed Keystone's and Glance's certificates");
  }
  X509_free(certificate);
  return OkStatus();
}

std::string UntrustedCertificateAt(const std::string& url, const TlsOptions& tls) {
  if (url.rfind("https://", 0) != 0) return "";
  HttpRequest request;
  request.url = url;
  request.connect_timeout_seconds = 5;
  request.timeout_seconds = 5;
  request.max_kept_body_bytes = 1 << 16;
  auto response = PerformHttp(request, tls);
  // PerformHttp adds the hint to a failed certificate check only.
  if (response.ok() || response.status().message().find(tls.untrusted_hint) == std::string::npos)
    return "";
  return response.status().message();
}

}  // namespace boxcar::registry
