#include "registry/tls_context.h"

#include <openssl/err.h>
#include <openssl/ssl.h>

namespace boxcar::registry {
namespace {

// OpenSSL's last queued error, for a message a person can act on.
std::string OpenSslReason(const boost::system::error_code& ec) {
  unsigned long code = ERR_get_error();
  ERR_clear_error();
  if (code == 0) return ec.message();
  char text[256];
  ERR_error_string_n(code, text, sizeof text);
  return text;
}

}  // namespace

StatusOr<std::shared_ptr<boost::asio::ssl::context>> LoadServerTlsContext(
    const std::string& cert_file, const std::string& key_file) {
  namespace ssl = boost::asio::ssl;
  if (cert_file.empty() || key_file.empty()) {
    return InvalidArgument("tls-cert and tls-key: give both PEM files, or neither");
  }
  auto context = std::make_shared<ssl::context>(ssl::context::tls_server);
  boost::system::error_code ec;
  context->set_options(ssl::context::default_workarounds | ssl::context::no_sslv2 |
                           ssl::context::no_sslv3 | ssl::context::no_tlsv1 |
                           ssl::context::no_tlsv1_1 | ssl::context::single_dh_use,
                       ec);
  if (ec) return Internal("tls: setting options: " + OpenSslReason(ec));
  ERR_clear_error();
  context->use_certificate_chain_file(cert_file, ec);
  if (ec) {
    return InvalidArgument("tls-cert '" + cert_file +
                           "': not a readable PEM certificate: " + OpenSslReason(ec));
  }
  context->use_private_key_file(key_file, ssl::context::pem, ec);
  if (ec) {
    return InvalidArgument(
        "tls-key '" + key_file +
        "': not a readable PEM private key matching tls-cert: " + OpenSslReason(ec));
  }
  if (SSL_CTX_check_private_key(context->native_handle()) != 1) {
    return InvalidArgument("tls-key '" + key_file + "' does not match tls-cert '" + cert_file +
                           "': " + OpenSslReason({}));
  }
  return context;
}

}  // namespace boxcar::registry
