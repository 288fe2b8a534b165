#include "registry/keystone_login.h"

#include <rapidjson/document.h>

#include <algorithm>
#include <vector>

#include "http/http_client.h"
#include "openstack/keystone_auth.h"
#include "openstack/keystone_auth_body.h"
#include "registry/repository_name.h"

namespace boxcar::registry {
namespace {

struct Project {
  std::string id;
  std::string name;
};

struct PasswordLogin {
  std::string token;
  // Keystone scopes a login without a scope to the user's default_project_id when it has one
  // (and a role there): that project's id, else empty.
  std::string default_project_id;
};

std::string TokenProjectId(const std::string& body) {
  rapidjson::Document doc;
  doc.Parse(body.c_str(), body.size());
  if (doc.HasParseError() || !doc.IsObject() || !doc.HasMember("token") ||
      !doc["token"].IsObject() || !doc["token"].HasMember("project") ||
      !doc["token"]["project"].IsObject() || !doc["token"]["project"].HasMember("id") ||
      !doc["token"]["project"]["id"].IsString()) {
    return "";
  }
  return doc["token"]["project"]["id"].GetString();
}

StatusOr<PasswordLogin> UnscopedToken(const std::string& v3, const TlsOptions& tls,
                                      const std::string& user, const std::string& password) {
  HttpRequest request;
  request.method = "POST";
  request.url = v3 + "/auth/tokens";
  request.headers = {"Content-Type: application/json"};
  request.body = openstack::KeystoneUnscopedPasswordBody(user, password);
  request.timeout_seconds = 30;
  auto response = PerformHttp(request, tls);
  if (!response.ok()) return response.status().Annotate("keystone login");
  if (response->status == 401 || response->status == 400) {
    return Status(StatusCode::kUnauthenticated, "keystone: wrong user name or password");
  }
  if (response->status != 201) {
    return Unavailable("keystone login: HTTP " + std::to_string(response->status));
  }
  PasswordLogin login;
  login.token = response->Header("x-subject-token");
  if (login.token.empty()) return Unavailable("keystone login: no X-Subject-Token in the answer");
  login.default_project_id = TokenProjectId(response->body);
  return login;
}

StatusOr<std::vector<Project>> UserProjects(const std::string& v3, const TlsOptions& tls,
                                            const std::string& token) {
  HttpRequest request;
  request.url = v3 + "/auth/projects";
  request.headers = {"X-Auth-Token: " + token, "Accept: application/json"};
  request.timeout_seconds = 30;
  auto response = PerformHttp(request, tls);
  if (!response.ok()) return response.status().Annotate("keystone: listing the user's projects");
  if (response->status != 200) {
    return Unavailable("keystone: listing the user's projects: HTTP " +
                       std::to_string(response->status));
  }
  rapidjson::Document doc;
  doc.Parse(response->body.c_str(), response->body.size());
  if (doc.HasParseError() || !doc.IsObject() || !doc.HasMember("projects") ||
      !doc["projects"].IsArray()) {
    return Unavailable("keystone: the project list is not {\"projects\": [...]}");
  }
  std::vector<Project> projects;
  for (const auto& p : doc["projects"].GetArray()) {
    if (!p.IsObject() || !p.HasMember("id") || !p["id"].IsString() || !p.HasMember("name") ||
        !p["name"].IsString()) {
      continue;
    }
    if (p.HasMember("enabled") && p["enabled"].IsBool() && !p["enabled"].GetBool()) continue;
    projects.push_back({p["id"].GetString(), p["name"].GetString()});
  }
  std::sort(projects.begin(), projects.end(),
            [](const Project& a, const Project& b) { return a.name < b.name; });
  return projects;
}

// An application credential (user name = its id, password = its secret) carries its own
// project scope: one POST, the project read from the answer.
StatusOr<RegistryGrant> ApplicationCredentialLogin(const KeystoneEndpoints& endpoints,
                                                   const std::string& id,
                                                   const std::string& secret) {
  openstack::KeystoneCredentials c;
  c.application_credential_id = id;
  c.application_credential_secret = secret;
  c.tls = endpoints.tls;
  HttpRequest request;
  request.method = "POST";
  request.url = openstack::KeystoneV3Url(endpoints.auth_url) + "/auth/tokens";
  request.headers = {"Content-Type: application/json"};
  ASSIGN_OR_RETURN(request.body, openstack::KeystoneAuthRequestBody(c));
  request.timeout_seconds = 30;
  auto response = PerformHttp(request, endpoints.tls);
  if (!response.ok()) return response.status().Annotate("keystone login");
  if (response->status != 201) {
    return Status(StatusCode::kUnauthenticated, "keystone: wrong user name or password");
  }
  RegistryGrant grant;
  grant.keystone_token = response->Header("x-subject-token");
  ASSIGN_OR_RETURN(auto info, openstack::ParseKeystoneToken(response->body, endpoints.region_name,
                                                            endpoints.interface));
  rapidjson::Document doc;
  doc.Parse(response->body.c_str(), response->body.size());
  const rapidjson::Value* project = nullptr;
  if (!doc.HasParseError() && doc.IsObject() && doc.HasMember("token") && doc["token"].IsObject() &&
      doc["token"].HasMember("project") && doc["token"]["project"].IsObject() &&
      doc["token"]["project"].HasMember("name") && doc["token"]["project"]["name"].IsString()) {
    project = &doc["token"]["project"];
  }
  if (grant.keystone_token.empty() || !project || info.project_id.empty()) {
    return Unavailable("keystone: the application credential's token names no project");
  }
  grant.user_name = "application-credential " + id;
  grant.project_id = info.project_id;
  grant.project_name = (*project)["name"].GetString();
  grant.glance_endpoint =
      !endpoints.glance_endpoint.empty() ? endpoints.glance_endpoint : info.glance_endpoint;
  if (grant.glance_endpoint.empty()) {
    return NotFound("keystone: the token's catalog has no image endpoint; give --glance-url");
  }
  return grant;
}

bool LooksLikeApplicationCredentialId(const std::string& name) {
  if (name.size() != 32) return false;
  for (char c : name) {
    if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) return false;
  }
  return true;
}

}  // namespace

StatusOr<RegistryGrant> KeystoneLogin(const KeystoneEndpoints& endpoints,
                                      const std::string& user_name, const std::string& password,
                                      const std::string& wanted_project) {
  if (user_name.empty() || password.empty()) {
    return Status(StatusCode::kUnauthenticated, "a Keystone user name and password are needed");
  }
  const std::string v3 = openstack::KeystoneV3Url(endpoints.auth_url);
  auto unscoped = UnscopedToken(v3, endpoints.tls, user_name, password);
  if (!unscoped.ok() && unscoped.status().code() == StatusCode::kUnauthenticated &&
      LooksLikeApplicationCredentialId(user_name)) {
    return ApplicationCredentialLogin(endpoints, user_name, password);
  }
  if (!unscoped.ok()) return unscoped.status();
  ASSIGN_OR_RETURN(auto projects, UserProjects(v3, endpoints.tls, unscoped->token));
  if (projects.empty()) {
    return Status(StatusCode::kPermissionDenied,
                  "keystone: user '" + user_name + "' has a role on no project");
  }
  // The project the scope names, else the user's default project, else the first by name.
  const Project* chosen = &projects.front();
  for (const auto& p : projects) {
    if (p.id == unscoped->default_project_id) chosen = &p;
  }
  for (const auto& p : projects) {
    if (!wanted_project.empty() && Lowercase(p.name) == wanted_project) chosen = &p;
  }
  openstack::KeystoneCredentials c;
  c.auth_url = endpoints.auth_url;
  c.username = user_name;
  c.password = password;
  c.project_id = chosen->id;
  c.glance_endpoint = endpoints.glance_endpoint;
  c.interface = endpoints.interface;
  c.region_name = endpoints.region_name;
  c.tls = endpoints.tls;
  ASSIGN_OR_RETURN(auto session, openstack::Authenticate(c));
  RegistryGrant grant;
  grant.user_name = user_name;
  grant.project_id = chosen->id;
  grant.project_name = chosen->name;
  grant.keystone_token = session.token;
  grant.glance_endpoint = session.glance_endpoint;
  return grant;
}

}  // namespace boxcar::registry
