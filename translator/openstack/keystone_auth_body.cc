#include "openstack/keystone_auth_body.h"

#include <rapidjson/document.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

namespace boxcar::openstack {
namespace {

using Writer = rapidjson::Writer<rapidjson::StringBuffer>;

void Key(Writer& w, const char* key, const std::string& value) {
  w.Key(key);
  w.String(value.c_str(), static_cast<rapidjson::SizeType>(value.size()));
}

void Domain(Writer& w, const std::string& name) {
  w.Key("domain");
  w.StartObject();
  Key(w, "name", name.empty() ? "Default" : name);
  w.EndObject();
}

// {"auth": {"identity": {"methods": [method], ... : the caller writes the method's object and
// closes the three objects.
void StartIdentity(Writer& w, const char* method) {
  w.StartObject();
  w.Key("auth");
  w.StartObject();
  w.Key("identity");
  w.StartObject();
  w.Key("methods");
  w.StartArray();
  w.String(method);
  w.EndArray();
}

// "password": {"user": {...}}: by id when given, else by name in its domain ("Default" when
// empty).
void PasswordUser(Writer& w, const std::string& user_id, const std::string& username,
                  const std::string& user_domain_name, const std::string& password) {
  w.Key("password");
  w.StartObject();
  w.Key("user");
  w.StartObject();
  if (!user_id.empty()) {
    Key(w, "id", user_id);
  } else {
    Key(w, "name", username);
    Domain(w, user_domain_name);
  }
  Key(w, "password", password);
  w.EndObject();
  w.EndObject();
}

std::string Member(const rapidjson::Value& object, const char* key) {
  if (!object.IsObject()) return {};
  auto it = object.FindMember(key);
  if (it == object.MemberEnd() || !it->value.IsString()) return {};
  return it->value.GetString();
}

}  // namespace

std::string KeystoneV3Url(const std::string& auth_url) {
  std::string url = auth_url;
  while (!url.empty() && url.back() == '/') url.pop_back();
  if (url.size() < 3 || url.compare(url.size() - 3, 3, "/v3") != 0) url += "/v3";
  return url;
}

StatusOr<std::string> KeystoneAuthRequestBody(const KeystoneCredentials& c) {
  const bool app_cred = !c.application_credential_id.empty();
  if (app_cred) {
    if (c.application_credential_secret.empty()) {
      return InvalidArgument(
          "openstack.application_credential_secret: empty (os-application-credential-secret)");
    }
  } else if (c.token.empty()) {
    if (c.username.empty() && c.user_id.empty()) {
      return InvalidArgument(
          "openstack.username: empty; give os-username (or os-user-id), os-token or an "
          "application credential");
    }
    if (c.password.empty()) return InvalidArgument("openstack.password: empty (os-password)");
  }
  // An application credential carries its own scope.
  if (!app_cred && c.project_id.empty() && c.project_name.empty()) {
    return InvalidArgument("openstack.project_name: empty; give os-project-name or os-project-id");
  }
  rapidjson::StringBuffer buffer;
  Writer w(buffer);
  if (app_cred) {
    StartIdentity(w, "application_credential");
    w.Key("application_credential");
    w.StartObject();
    Key(w, "id", c.application_credential_id);
    Key(w, "secret", c.application_credential_secret);
    w.EndObject();
  } else if (!c.token.empty()) {
    StartIdentity(w, "token");
    w.Key("token");
    w.StartObject();
    Key(w, "id", c.token);
    w.EndObject();
  } else {
    StartIdentity(w, "password");
    PasswordUser(w, c.user_id, c.username, c.user_domain_name, c.password);
  }
  w.EndObject();  // identity
  if (!app_cred) {
    w.Key("scope");
    w.StartObject();
    w.Key("project");
    w.StartObject();
    if (!c.project_id.empty()) {
      Key(w, "id", c.project_id);
    } else {
      Key(w, "name", c.project_name);
      Domain(w, c.project_domain_name);
    }
    w.EndObject();
    w.EndObject();
  }
  w.EndObject();  // auth
  w.EndObject();
  return std::string(buffer.GetString(), buffer.GetSize());
}

std::string KeystoneUnscopedPasswordBody(const std::string& username,
                                         const std::string& password) {
  rapidjson::StringBuffer buffer;
  Writer w(buffer);
  StartIdentity(w, "password");
  PasswordUser(w, "", username, "", password);
  w.EndObject();  // identity
  w.EndObject();  // auth
  w.EndObject();
  return std::string(buffer.GetString(), buffer.GetSize());
}

StatusOr<KeystoneTokenInfo> ParseKeystoneToken(const std::string& body, const std::string& region,
                                               const std::string& interface) {
  rapidjson::Document doc;
  doc.Parse(body.c_str(), body.size());
  if (doc.HasParseError() || !doc.IsObject() || !doc.HasMember("token") ||
      !doc["token"].IsObject()) {
    return Unavailable("keystone: the token answer is not a JSON object with \"token\"");
  }
  const auto& token = doc["token"];
  KeystoneTokenInfo info;
  if (token.HasMember("project")) info.project_id = Member(token["project"], "id");
  const std::string wanted_interface = interface.empty() ? "public" : interface;
  if (!token.HasMember("catalog") || !token["catalog"].IsArray()) return info;
  for (const auto& service : token["catalog"].GetArray()) {
    if (Member(service, "type") != "image" || !service.HasMember("endpoints") ||
        !service["endpoints"].IsArray()) {
      continue;
    }
    for (const auto& endpoint : service["endpoints"].GetArray()) {
      if (Member(endpoint, "interface") != wanted_interface) continue;
      if (!region.empty() && Member(endpoint, "region_id") != region &&
          Member(endpoint, "region") != region) {
        continue;
      }
      info.glance_endpoint = Member(endpoint, "url");
      if (!info.glance_endpoint.empty()) return info;
    }
  }
  return info;
}

}  // namespace boxcar::openstack
