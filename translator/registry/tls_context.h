// The registry's TLS server context (boost::asio::ssl over OpenSSL): the certificate chain and
// private key from PEM files, checked to belong together, TLS 1.2 and later only.
#pragma once

#include <boost/asio/ssl/context.hpp>
#include <memory>
#include <string>

#include "common/status.h"

namespace boxcar::registry {

// kInvalidArgument naming the option (tls-cert / tls-key) and OpenSSL's reason when a file
// is missing, not PEM, or the key does not match the certificate.
StatusOr<std::shared_ptr<boost::asio::ssl::context>> LoadServerTlsContext(
    const std::string& cert_file, const std::string& key_file);

// True when `first_byte` of a connection opens a TLS record of type handshake (a
// ClientHello); anything else on the TLS port is taken for plain HTTP.
inline bool LooksLikeTlsHandshake(unsigned char first_byte) { return first_byte == 0x16; }

}  // namespace boxcar::registry
