#include "registry/registry_token.h"

#include <fcntl.h>
#include <openssl/crypto.h>
#include <openssl/hmac.h>
#include <openssl/rand.h>
#include <rapidjson/document.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>
#include <sys/stat.h>
#include <unistd.h>

#include <fstream>
#include <sstream>

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

std::string RegistryTokenSigner::Mac(std::string_view payload) const {
  unsigned char mac[EVP_MAX_MD_SIZE];
  unsigned int length = 0;
  HMAC(EVP_sha256(), key_.data(), static_cast<int>(key_.size()),
       reinterpret_cast<const unsigned char*>(payload.data()), payload.size(), mac, &length);
  return std::string(reinterpret_cast<char*>(mac), length);
}

std::string RegistryTokenSigner::Sign(const RegistryGrant& g) const {
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
  const std::string payload =
      Base64UrlEncode(std::string_view(buffer.GetString(), buffer.GetSize()));
  return payload + "." + Base64UrlEncode(Mac(payload));
}

StatusOr<RegistryGrant> RegistryTokenSigner::Verify(std::string_view token, int64_t now) const {
  const Status refused(StatusCode::kUnauthenticated, "the registry token is not valid");
  const size_t dot = token.find('.');
  if (dot == std::string_view::npos) return refused;
  const std::string_view payload = token.substr(0, dot);
  const std::string expected = Base64UrlEncode(Mac(payload));
  const std::string_view given = token.substr(dot + 1);
  if (given.size() != expected.size() ||
      CRYPTO_memcmp(given.data(), expected.data(), expected.size()) != 0) {
    return refused;
  }
  auto json = Base64Decode(payload);
  if (!json.ok()) return refused;
  rapidjson::Document doc;
  doc.Parse(json->c_str(), json->size());
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
  int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
  if (fd < 0) return ErrnoStatus("creating token key file '" + path + "'");
  const bool written = ::write(fd, key.data(), key.size()) == static_cast<ssize_t>(key.size());
  ::close(fd);
  if (!written) return ErrnoStatus("writing token key file '" + path + "'");
  return key;
}

}  // namespace boxcar::registry
