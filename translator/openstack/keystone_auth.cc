#include "openstack/keystone_auth.h"

#include "http/http_client.h"
#include "openstack/keystone_auth_body.h"

namespace boxcar::openstack {
namespace {

Status KeystoneError(const HttpResponse& response, const std::string& what) {
  const std::string prefix = "keystone: " + what + ": HTTP " + std::to_string(response.status);
  switch (response.status) {
    case 400:
      return InvalidArgument(prefix + " (a malformed or incomplete authentication)");
    case 401:
      return Status(StatusCode::kUnauthenticated,
                    prefix + " (wrong credentials, an expired token, or no role on the project)");
    case 403:
      return Status(StatusCode::kPermissionDenied, prefix + " (forbidden)");
    case 404:
      return Status(StatusCode::kUnauthenticated, prefix + " (the token is not valid)");
    default:
      return Unavailable(prefix);
  }
}

Status WithEndpoint(const KeystoneCredentials& c, const KeystoneTokenInfo& info,
                    KeystoneSession* session) {
  session->project_id = info.project_id;
  session->glance_endpoint = !c.glance_endpoint.empty() ? c.glance_endpoint : info.glance_endpoint;
  if (session->glance_endpoint.empty()) {
    return NotFound("keystone: the token's catalog has no image endpoint of interface '" +
                    (c.interface.empty() ? std::string("public") : c.interface) + "'" +
                    (c.region_name.empty() ? "" : " in region '" + c.region_name + "'") +
                    "; give os-image-url");
  }
  while (session->glance_endpoint.size() > 1 && session->glance_endpoint.back() == '/') {
    session->glance_endpoint.pop_back();
  }
  return OkStatus();
}

}  // namespace

StatusOr<KeystoneSession> Authenticate(const KeystoneCredentials& c) {
  KeystoneSession session;
  const bool token_only = !c.token.empty() && c.application_credential_id.empty() &&
                          c.password.empty();
  if (token_only && !c.glance_endpoint.empty()) {
    session.token = c.token;
    RETURN_IF_ERROR(WithEndpoint(c, KeystoneTokenInfo{}, &session));
    return session;
  }
  if (c.auth_url.empty()) {
    return InvalidArgument("openstack.auth_url: empty; give os-auth-url (Keystone v3)");
  }
  HttpRequest request;
  request.url = KeystoneV3Url(c.auth_url) + "/auth/tokens";
  request.timeout_seconds = 60;
  if (token_only) {
    request.method = "GET";
    request.headers = {"X-Auth-Token: " + c.token, "X-Subject-Token: " + c.token};
  } else {
    ASSIGN_OR_RETURN(request.body, KeystoneAuthRequestBody(c));
    request.method = "POST";
    request.headers = {"Content-Type: application/json"};
  }
  auto response = PerformHttp(request, c.tls);
  if (!response.ok()) return response.status().Annotate("keystone");
  if (response->status != 200 && response->status != 201) {
    return KeystoneError(*response, token_only ? "validating the token" : "authenticating");
  }
  session.token = token_only ? c.token : response->Header("x-subject-token");
  if (session.token.empty()) return Unavailable("keystone: no X-Subject-Token in the answer");
  ASSIGN_OR_RETURN(auto info, ParseKeystoneToken(response->body, c.region_name, c.interface));
  RETURN_IF_ERROR(WithEndpoint(c, info, &session));
  return session;
}

}  // namespace boxcar::openstack
