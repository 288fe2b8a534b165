#include "registry/registry_token.h"

#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/rand.h>
#include <rapidjson/document.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include <fstream>
#include <memory>
#include <sstream>

#include "common/atomic_file.h"

namespace boxcar::registry {
namespace {

const char kAlphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

int Sextet(char c) {
  if (c >= 'A' && c <= 'Z') return c - 'A';
  if (c >= 'a' && c <= 'z') return c - 'a' + 26;
  if (c >= '0' && c <= '9') return c - '0' + 52;
  if (c == '-' || c == '+') return 62;
  if (c == '_' || c == '/') return 63;
  return -1;
}

std::string Member(const rapidjson::Value& object, const char* key) {
  auto it = object.FindMember(key);
  if (it == object.MemberEnd() || !it->value.IsString()) return {};
  return it->value.GetString();
}

}  // namespace

std::string Base64UrlEncode(std::string_view bytes) {
  std::string out;
  out.reserve((bytes.size() + 2) / 3 * 4);
  uint32_t bits = 0;
  int count = 0;
  for (unsigned char c : bytes) {
    bits = (bits << 8) | c;
    count += 8;
    while (count >= 6) {
      count -= 6;
      out.push_back(kAlphabet[(bits >> count) & 63]);
    }
  }
  if (count > 0) out.push_back(kAlphabet[(bits << (6 - count)) & 63]);
  return out;
}

StatusOr<std::string> Base64Decode(std::string_view text) {
  while (!text.empty() && text.back() == '=') text.remove_suffix(1);
  std::string out;
  uint32_t bits = 0;
  int count = 0;
  for (char c : text) {
    int v = Sextet(c);
    if (v < 0) return InvalidArgument("base64: unexpected character");
    bits = (bits << 6) | static_cast<uint32_t>(v);
    count += 6;
    if (count >= 8) {
      count -= 8;
      out.push_back(static_cast<char>((bits >> count) & 0xff));
    }
  }
  return out;
}

namespace {

constexpr std::string_view kTokenPrefix = "v1.";
constexpr std::string_view kAssociatedData = "boxcar-registry token v1";
constexpr size_t kNonceBytes = 12;
constexpr size_t kTagBytes = 16;

struct CipherContextFree {
  void operator()(EVP_CIPHER_CTX* context) const { EVP_CIPHER_CTX_free(context); }
};
using CipherContext = std::unique_ptr<EVP_CIPHER_CTX, CipherContextFree>;

const unsigned char* Bytes(std::string_view text) {
  return reinterpret_cast<const unsigned char*>(text.data());
}

std::string GrantJson(const RegistryGrant& g) {
  rapidjson::StringBuffer buffer;
  rapidjson::Writer<rapidjson::StringBuffer> w(buffer);
  auto put = [&](const char* key, const std::string& value) {
    w.Key(key);
    w.String(value.c_str(), static_cast<rapidjson::SizeType>(value.size()));
  };
  w.StartObject();
  put("usr", g.user_name);
  put("pid", g.project_id);
  put("pnm", g.project_name);
  put("kst", g.keystone_token);
  put("gep", g.glance_endpoint);
  w.Key("exp");
  w.Int64(g.expires_at);
  w.EndObject();
  return std::string(buffer.GetString(), buffer.GetSize());
}

}  // namespace

RegistryTokenSealer::RegistryTokenSealer(std::string_view key) {
  // The cipher's own key, so that the file's key serves no two purposes.
  constexpr std::string_view kPurpose = "boxcar-registry token encryption";
  unsigned char derived[EVP_MAX_MD_SIZE];
  unsigned int length = 0;
  HMAC(EVP_sha256(), key.data(), static_cast<int>(key.size()), Bytes(kPurpose), kPurpose.size(),
       derived, &length);
  cipher_key_.assign(reinterpret_cast<char*>(derived), length);
}

StatusOr<std::string> RegistryTokenSealer::Seal(const RegistryGrant& grant) const {
  const std::string plain = GrantJson(grant);
  std::string sealed(kNonceBytes + plain.size() + kTagBytes, '\0');
  auto* out = reinterpret_cast<unsigned char*>(sealed.data());
  CipherContext context(EVP_CIPHER_CTX_new());
  int length = 0;
  const bool ok =
      context && RAND_bytes(out, kNonceBytes) == 1 &&
      EVP_EncryptInit_ex(context.get(), EVP_aes_256_gcm(), nullptr, Bytes(cipher_key_), out) == 1 &&
      EVP_EncryptUpdate(context.get(), nullptr, &length, Bytes(kAssociatedData),
                        static_cast<int>(kAssociatedData.size())) == 1 &&
      EVP_EncryptUpdate(context.get(), out + kNonceBytes, &length, Bytes(plain),
                        static_cast<int>(plain.size())) == 1 &&
      EVP_EncryptFinal_ex(context.get(), out + kNonceBytes + length, &length) == 1 &&
      EVP_CIPHER_CTX_ctrl(context.get(), EVP_CTRL_GCM_GET_TAG, kTagBytes,
                          out + kNonceBytes + plain.size()) == 1;
  if (!ok) return Internal("sealing a registry token: OpenSSL's AES-256-GCM failed");
  return std::string(kTokenPrefix) + Base64UrlEncode(sealed);
}

StatusOr<RegistryGrant> RegistryTokenSealer::Open(std::string_view token, int64_t now) const {
  const Status refused(StatusCode::kUnauthenticated, "the registry token is not valid");
  if (token.substr(0, kTokenPrefix.size()) != kTokenPrefix) return refused;
  const std::string_view encoded = token.substr(kTokenPrefix.size());
  auto sealed = Base64Decode(encoded);
  // One spelling per token: the decoder would overlook trailing bits and padding.
  if (!sealed.ok() || sealed->size() < kNonceBytes + kTagBytes ||
      Base64UrlEncode(*sealed) != encoded) {
    return refused;
  }
  const size_t cipher_bytes = sealed->size() - kNonceBytes - kTagBytes;
  const auto* in = Bytes(*sealed);
  std::string plain(cipher_bytes, '\0');
  CipherContext context(EVP_CIPHER_CTX_new());
  int length = 0;
  const bool ok =
      context &&
      EVP_DecryptInit_ex(context.get(), EVP_aes_256_gcm(), nullptr, Bytes(cipher_key_), in) == 1 &&
      EVP_DecryptUpdate(context.get(), nullptr, &length, Bytes(kAssociatedData),
                        static_cast<int>(kAssociatedData.size())) == 1 &&
      EVP_DecryptUpdate(context.get(), reinterpret_cast<unsigned char*>(plain.data()), &length,
                        in + kNonceBytes, static_cast<int>(cipher_bytes)) == 1 &&
      EVP_CIPHER_CTX_ctrl(context.get(), EVP_CTRL_GCM_SET_TAG, kTagBytes,
                          const_cast<unsigned char*>(in + kNonceBytes + cipher_bytes)) == 1 &&
      EVP_DecryptFinal_ex(context.get(), reinterpret_cast<unsigned char*>(plain.data()) + length,
                          &length) == 1;
  if (!ok) return refused;
  rapidjson::Document doc;
  doc.Parse(plain.c_str(), plain.size());
  if (doc.HasParseError() || !doc.IsObject() || !doc.HasMember("exp") || !doc["exp"].IsInt64()) {
    return refused;
  }
  RegistryGrant g;
  g.user_name = Member(doc, "usr");
  g.project_id = Member(doc, "pid");
  g.project_name = Member(doc, "pnm");
  g.keystone_token = Member(doc, "kst");
  g.glance_endpoint = Member(doc, "gep");
  g.expires_at = doc["exp"].GetInt64();
  if (g.expires_at <= now) {
    return Status(StatusCode::kUnauthenticated, "the registry token has expired; log in again");
  }
  return g;
}

StatusOr<std::string> LoadOrCreateTokenKey(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (in) {
    std::stringstream bytes;
    bytes << in.rdbuf();
    if (bytes.str().size() >= 32) return bytes.str();
    return InvalidArgument("token key file '" + path + "': shorter than 32 bytes");
  }
  std::string key(32, '\0');
  if (RAND_bytes(reinterpret_cast<unsigned char*>(key.data()), 32) != 1) {
    return Internal("making a token key: RAND_bytes failed");
  }
  Status written = WriteFileAtomically(path, key, 0600);
  if (!written.ok()) return written.Annotate("token key file '" + path + "'");
  return key;
}

}  // namespace boxcar::registry
