// Checks downloaded bytes against what Glance recorded: os_hash_algo/os_hash_value (multihash,
// sha512 by default) when set, else the md5 `checksum`. Fed as the bytes stream by.
#pragma once

#include <memory>
#include <string>

#include "common/status.h"
#include "glance/glance_image.h"

namespace boxcar::glance {

class ImageHashVerifier {
 public:
  // Fails when the image records no hash at all, or an algorithm OpenSSL does not know.
  static StatusOr<std::unique_ptr<ImageHashVerifier>> For(const GlanceImage& image);
  ~ImageHashVerifier();
  void Update(const char* bytes, size_t size);
  // kDataLoss naming the image, the algorithm and both values on a mismatch.
  Status Verify();
  // The hex digest of everything fed so far (finalises: call once, instead of Verify()).
  std::string Finish();
  const std::string& algorithm() const { return algorithm_; }

 private:
  ImageHashVerifier() = default;
  struct Context;
  std::unique_ptr<Context> context_;
  std::string image_id_;
  std::string algorithm_;
  std::string expected_hex_;
};

// Hex digest of `bytes` with the OpenSSL algorithm `algorithm` ("sha512", "md5").
StatusOr<std::string> HexDigest(const std::string& algorithm, const std::string& bytes);

}  // namespace boxcar::glance
