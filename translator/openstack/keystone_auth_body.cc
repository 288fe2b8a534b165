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
  rapidjson::StringBuffer buffer;
  Writer w(buffer);
  w.StartObject();
  w.Key("auth");
  w.StartObject();
  w.Key("identity");
  w.StartObject();
  w.Key("methods");
  w.StartArray();
  const bool app_cred = !c.application_credential_id.empty();
  if (app_cred) {
    if (c.application_credential_secret.empty()) {
      return InvalidArgument(
          "openstack.application_credential_secret: empty (os-application-credential-secret)");
    }
    w.String("application_credential");
    w.EndArray();
    w.Key("application_credential");
    w.StartObject();
    Key(w, "id", c.application_credential_id);
    Key(w, "secret", c.application_credential_secret);
    w.EndObject();
  } else if (!c.token.empty()) {
    w.String("token");
    w.EndArray();
    w.Key("token");
    w.StartObject();
    Key(w, "id", c.token);
    w.EndObject();
  } else {
    if (c.username.empty() && c.user_id.empty()) {
      return InvalidArgument(
          "openstack.username: empty; give os-username (or os-user-id), os-token or an "
          "application credential");
    }
    if (c.password.empty()) return InvalidArgument("openstack.password: empty (os-password)");
    w.String("password");
    w.EndArray();
    w.Key("password");
    w.StartObject();
    w.Key("user");
    w.StartObject();
    if (!c.user_id.empty()) {
      Key(w, "id", c.user_id);
    } else {
      Key(w, "name", c.username);
      Domain(w, c.user_domain_name);
    }
    Key(w, "password", c.password);
    w.EndObject();
    w.EndObject();
  }
  w.EndObject();  // identity
  // An application credential carries its own scope.
  if (!app_cred) {
    if (c.project_id.empty() && c.project_name.empty()) {
      return InvalidArgument("openstack.project_name: empty; give os-project-name or os-project-id");
    }
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
