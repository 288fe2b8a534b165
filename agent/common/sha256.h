// Incremental SHA-256 (OpenSSL EVP) producing OCI-style "sha256:<hex>" digests.
#pragma once

#include <openssl/evp.h>

#include <memory>
#include <string>
#include <string_view>

namespace boxcar {

class Sha256 {
 public:
  Sha256();
  void Update(const void* bytes, size_t size);
  void Update(std::string_view bytes) { Update(bytes.data(), bytes.size()); }
  // Lower-case hex of the digest; the hasher must not be updated afterwards.
  std::string FinishHex();
  // "sha256:" + FinishHex().
  std::string FinishDigest() { return "sha256:" + FinishHex(); }

 private:
  struct ContextDeleter {
    void operator()(EVP_MD_CTX* context) const { EVP_MD_CTX_free(context); }
  };
  std::unique_ptr<EVP_MD_CTX, ContextDeleter> context_;
};

std::string Sha256Digest(std::string_view bytes);

// True for "sha256:" followed by exactly 64 lower-case hex characters.
bool IsSha256Digest(std::string_view digest);

}  // namespace boxcar
