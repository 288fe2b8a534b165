#include "distribution/registry/registry_credentials_file.h"

#include <rapidjson/document.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include <map>

#include "common/atomic_file.h"

namespace boxcar {

namespace {

using Logins = std::map<std::string, v1::RegistryCredentials>;

// A missing or unreadable file holds no logins.
Logins ReadLogins(const std::string& path) {
  Logins logins;
  auto content = ReadFileToString(path);
  if (!content.ok()) return logins;
  rapidjson::Document document;
  document.Parse(content->c_str(), content->size());
  if (document.HasParseError() || !document.IsObject()) return logins;
  for (const auto& entry : document.GetObject()) {
    if (!entry.value.IsObject()) continue;
    v1::RegistryCredentials credentials;
    if (entry.value.HasMember("username") && entry.value["username"].IsString())
      credentials.set_username(entry.value["username"].GetString());
    if (entry.value.HasMember("password") && entry.value["password"].IsString())
      credentials.set_password(entry.value["password"].GetString());
    logins[entry.name.GetString()] = credentials;
  }
  return logins;
}

Status WriteLogins(const std::string& path, const Logins& logins) {
  rapidjson::StringBuffer buffer;
  rapidjson::Writer<rapidjson::StringBuffer> writer(buffer);
  writer.StartObject();
  for (const auto& [registry, credentials] : logins) {
    writer.Key(registry.c_str());
    writer.StartObject();
    writer.Key("username");
    writer.String(credentials.username().c_str());
    writer.Key("password");
    writer.String(credentials.password().c_str());
    writer.EndObject();
  }
  writer.EndObject();
  return WriteFileAtomically(path, std::string(buffer.GetString(), buffer.GetSize()), 0600);
}

}  // namespace

v1::RegistryCredentials RegistryCredentialsFile::Lookup(const std::string& registry) {
  std::lock_guard<std::mutex> lock(mutex_);
  Logins logins = ReadLogins(path_);
  auto found = logins.find(registry);
  return found == logins.end() ? v1::RegistryCredentials() : found->second;
}

Status RegistryCredentialsFile::Store(const std::string& registry,
                                      const v1::RegistryCredentials& credentials) {
  std::lock_guard<std::mutex> lock(mutex_);
  Logins logins = ReadLogins(path_);
  logins[registry] = credentials;
  return WriteLogins(path_, logins);
}

StatusOr<bool> RegistryCredentialsFile::Remove(const std::string& registry) {
  std::lock_guard<std::mutex> lock(mutex_);
  Logins logins = ReadLogins(path_);
  if (logins.erase(registry) == 0) return false;
  RETURN_IF_ERROR(WriteLogins(path_, logins));
  return true;
}

}  // namespace boxcar
