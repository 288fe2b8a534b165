// How boxcar-registry trusts the cloud it talks to: Keystone's and Glance's certificates are
// checked against the system's CAs plus the operator's CA file (--os-cacert, os-cacert in the
// config file, else OS_CACERT); verification is never turned off. One TlsOptions for every
// Keystone and Glance exchange, whose hint says who gives the CA and with which option: the
// message reaches the registry's client (the error body) and the registry's log.
#pragma once

#include <string>

#include "common/insecure_value.h"  // IsInsecureValue, for OS_INSECURE and the config's keys
#include "common/status.h"
#include "http/tls_options.h"

namespace boxcar::registry {

// The options of every Keystone and Glance exchange; `ca_file` may be empty (system CAs only).
TlsOptions CloudTlsOptions(const std::string& ca_file);

// OK when `ca_file` is empty or a readable file holding at least one PEM certificate; else
// kInvalidArgument naming os-cacert, the file and the reason.
Status CheckCloudCaFile(const std::string& ca_file);

// One GET of `url` (no credentials, 5 s) when it is https: the failure's message when the
// peer's certificate is not trusted under `tls`, else "" (any answer, or a peer that is away, is
// not this check's business). At start-up, so that an operator learns of a missing CA before a
// tenant does (podman shows a refused login as a bare 503).
std::string UntrustedCertificateAt(const std::string& url, const TlsOptions& tls);

}  // namespace boxcar::registry
