#include "glance/image_hash_verifier.h"

#include <openssl/evp.h>

#include <algorithm>

namespace boxcar::glance {

struct ImageHashVerifier::Context {
  EVP_MD_CTX* md = EVP_MD_CTX_new();
  ~Context() { EVP_MD_CTX_free(md); }
};

StatusOr<std::unique_ptr<ImageHashVerifier>> ImageHashVerifier::For(const GlanceImage& image) {
  std::unique_ptr<ImageHashVerifier> v(new ImageHashVerifier());
  v->image_id_ = image.id;
  if (!image.os_hash_algo.empty() && !image.os_hash_value.empty()) {
    v->algorithm_ = image.os_hash_algo;
    v->expected_hex_ = image.os_hash_value;
  } else if (!image.checksum.empty()) {
    v->algorithm_ = "md5";
    v->expected_hex_ = image.checksum;
  } else {
    return DataLoss("glance: image " + image.id +
                    " records neither os_hash_value nor checksum: its data cannot be verified");
  }
  std::transform(v->expected_hex_.begin(), v->expected_hex_.end(), v->expected_hex_.begin(),
                 ::tolower);
  const EVP_MD* md = EVP_get_digestbyname(v->algorithm_.c_str());
  if (md == nullptr) {
    return Unimplemented("glance: image " + image.id + " is hashed with '" + v->algorithm_ +
                         "', which this agent cannot check");
  }
  v->context_ = std::make_unique<Context>();
  if (EVP_DigestInit_ex(v->context_->md, md, nullptr) != 1) {
    return Internal("EVP_DigestInit_ex(" + v->algorithm_ + ") failed");
  }
  return v;
}

ImageHashVerifier::~ImageHashVerifier() = default;

void ImageHashVerifier::Update(const char* bytes, size_t size) {
  EVP_DigestUpdate(context_->md, bytes, size);
}

std::string ImageHashVerifier::Finish() {
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int length = 0;
  EVP_DigestFinal_ex(context_->md, digest, &length);
  static const char* kHex = "0123456789abcdef";
  std::string hex;
  for (unsigned int i = 0; i < length; ++i) {
    hex += kHex[digest[i] >> 4];
    hex += kHex[digest[i] & 15];
  }
  return hex;
}

Status ImageHashVerifier::Verify() {
  const std::string actual = Finish();
  if (actual == expected_hex_) return OkStatus();
  return DataLoss("glance: image " + image_id_ + ": the downloaded data does not match its " +
                  algorithm_ + " (Glance records " + expected_hex_.substr(0, 16) +
                  "..., the data has " + actual.substr(0, 16) + "...): refused");
}

StatusOr<std::string> HexDigest(const std::string& algorithm, const std::string& bytes) {
  GlanceImage image;
  image.id = "-";
  image.os_hash_algo = algorithm;
  image.os_hash_value = "-";
  ASSIGN_OR_RETURN(auto verifier, ImageHashVerifier::For(image));
  verifier->Update(bytes.data(), bytes.size());
  return verifier->Finish();
}

}  // namespace boxcar::glance
