#include "distribution/registry/registry_client.h"

#include <rapidjson/document.h>

#include <cctype>

#include "distribution/registry/auth_challenge.h"
#include "http/url_encoding.h"
#include "http/url_for_messages.h"

namespace boxcar {

namespace {

// "host[:port]" of an absolute URL, without any userinfo; "" for a relative one.
std::string OriginHost(const std::string& url) {
  size_t start = url.find("://");
  if (start == std::string::npos) return "";
  start += 3;
  size_t end = url.find_first_of("/?#", start);
  std::string authority = url.substr(start, end == std::string::npos ? end : end - start);
  size_t at = authority.rfind('@');
  return at == std::string::npos ? authority : authority.substr(at + 1);
}

// True when `url` is `origin` ("scheme://host[:port]") or a path, query or fragment of it;
// the scheme and host compare case-insensitively.
bool IsUnderOrigin(const std::string& url, const std::string& origin) {
  if (origin.empty() || url.size() < origin.size()) return false;
  for (size_t i = 0; i < origin.size(); ++i) {
    if (std::tolower(static_cast<unsigned char>(url[i])) !=
        std::tolower(static_cast<unsigned char>(origin[i]))) {
      return false;
    }
  }
  return url.size() == origin.size() || url[origin.size()] == '/' || url[origin.size()] == '?' ||
         url[origin.size()] == '#';
}

}  // namespace

bool IsLoopbackRegistry(const std::string& registry) {
  std::string host = registry;
  if (host.rfind('[', 0) == 0) {
    host = host.substr(1, host.find(']') - 1);
  } else if (size_t colon = host.rfind(':'); colon != std::string::npos) {
    host = host.substr(0, colon);
  }
  return host == "localhost" || host == "::1" || host.rfind("127.", 0) == 0;
}

bool IsInsecureRegistry(const std::string& registry, const std::vector<std::string>& insecure) {
  for (const auto& entry : insecure) {
    if (NormalizeRegistryHost(entry) == registry) return true;
  }
  return IsLoopbackRegistry(registry);
}

RegistryClient::RegistryClient(const RegistryReference& reference,
                               v1::RegistryCredentials credentials, RegistryEndpointOptions options)
    : registry_(reference.registry),
      api_host_(reference.ApiHost()),
      credentials_(std::move(credentials)),
      options_(std::move(options)) {}

std::string RegistryClient::Url(const std::string& path_or_url) const {
  if (path_or_url.rfind("http://", 0) == 0 || path_or_url.rfind("https://", 0) == 0)
    return path_or_url;
  return base_url_ + path_or_url;
}

Status RegistryError(const HttpResponse& response, const std::string& what) {
  std::string detail;
  rapidjson::Document document;
  document.Parse(response.body.c_str(), response.body.size());
  if (!document.HasParseError() && document.IsObject() && document.HasMember("errors") &&
      document["errors"].IsArray()) {
    for (const auto& error : document["errors"].GetArray()) {
      if (!error.IsObject()) continue;
      if (!detail.empty()) detail += "; ";
      if (error.HasMember("code") && error["code"].IsString()) detail += error["code"].GetString();
      if (error.HasMember("message") && error["message"].IsString()) {
        detail += std::string(": ") + error["message"].GetString();
      }
    }
  }
  std::string message = what + ": HTTP " + std::to_string(response.status) +
                        (detail.empty() ? "" : " (" + detail + ")");
  switch (response.status) {
    case 401:
      return Status(StatusCode::kPermissionDenied,
                    message + ": unauthorized; check the credentials (boxcar login)");
    case 403:
      return Status(StatusCode::kPermissionDenied, message + ": access denied");
    case 404:
      return NotFound(message);
    case 429:
      return Unavailable(message);
    default:
      if (response.status >= 500) return Unavailable(message);
      return FailedPrecondition(message);
  }
}

StatusOr<HttpResponse> RegistryClient::Perform(HttpRequest request) {
  request.follow_redirects = true;
  request.connect_timeout_seconds = 15;
  // Error bodies are short JSON.
  request.max_kept_body_bytes = 1 << 20;
  return PerformHttp(request, options_.tls, &connections_);
}

Status RegistryClient::Ping() {
  std::lock_guard<std::mutex> lock(mutex_);
  if (!base_url_.empty()) return OkStatus();
  // Loopback registries are mostly plain HTTP (a local mirror, a test): asked that way first,
  // which spares each pull a TLS set-up (~40 ms of CA loading); a TLS one answers the plain
  // request with 400 and is asked again over HTTPS. Other insecure hosts get HTTPS first.
  std::vector<std::string> schemes = {"https://"};
  if (IsLoopbackRegistry(registry_)) {
    schemes.insert(schemes.begin(), "http://");
  } else if (IsInsecureRegistry(registry_, options_.insecure_registries)) {
    schemes.push_back("http://");
  }
  Status https_failure;
  Status http_failure;
  for (const auto& scheme : schemes) {
    const bool https = scheme == "https://";
    HttpRequest request;
    request.url = scheme + api_host_ + "/v2/";
    auto response = Perform(request);
    if (response.ok() && (response->status == 200 || response->status == 401)) {
      base_url_ = scheme + api_host_;
      return OkStatus();
    }
    Status failure = response.ok()
                         ? RegistryError(*response, "registry " + registry_ + ": GET /v2/")
                         : response.status();
    if (https && response.ok()) return failure;  // a registry that answers, wrongly
    (https ? https_failure : http_failure) = failure;
  }
  // The HTTPS failure (a certificate, say) is the one that says what is wrong.
  Status failure = https_failure.ok() ? http_failure : https_failure;
  return failure.Annotate("registry " + registry_ +
                          " does not answer (plain HTTP is tried only for loopback and the "
                          "agent's --insecure-registry hosts)");
}

StatusOr<std::string> RegistryClient::Authenticate(const std::string& challenge_header,
                                                   const std::vector<std::string>& scopes) {
  ASSIGN_OR_RETURN(AuthChallenge challenge, ParseAuthChallenge(challenge_header));
  const bool have_credentials =
      !credentials_.username().empty() || !credentials_.password().empty();
  const std::string basic =
      "Basic " + Base64(credentials_.username() + ":" + credentials_.password());
  if (challenge.scheme == "basic") {
    if (!have_credentials) {
      return Status(StatusCode::kPermissionDenied,
                    "registry " + registry_ + " asks for a user name and password: boxcar login " +
                        registry_);
    }
    return basic;
  }
  if (challenge.scheme != "bearer") {
    return Unimplemented("registry " + registry_ + ": authentication scheme '" + challenge.scheme +
                         "' is not supported (Basic and Bearer are)");
  }
  std::string realm = challenge.Param("realm");
  if (realm.empty())
    return InvalidArgument("registry " + registry_ + ": Bearer challenge without a realm");
  // The user name and password go to the token service in clear over plain HTTP: only where
  // the registry itself could be spoken to that way (loopback, --insecure-registry).
  if (have_credentials && realm.rfind("http://", 0) == 0 &&
      !IsInsecureRegistry(NormalizeRegistryHost(OriginHost(realm)), options_.insecure_registries)) {
    return Status(StatusCode::kPermissionDenied,
                  "registry " + registry_ + ": its token service " + UrlForMessages(realm) +
                      " is plain HTTP; the credentials are not sent over it (if that host is "
                      "trusted, list it with boxcard --insecure-registry)");
  }
  std::string url = realm + (realm.find('?') == std::string::npos ? "?" : "&");
  if (!challenge.Param("service").empty())
    url += "service=" + UrlEncode(challenge.Param("service"));
  std::vector<std::string> all_scopes = scopes;
  if (all_scopes.empty() && !challenge.Param("scope").empty())
    all_scopes.push_back(challenge.Param("scope"));
  for (const auto& scope : all_scopes) url += "&scope=" + UrlEncode(scope);
  if (have_credentials) url += "&account=" + UrlEncode(credentials_.username());
  HttpRequest request;
  request.url = url;
  if (have_credentials) request.headers.push_back("Authorization: " + basic);
  auto response = Perform(request);
  if (!response.ok()) return response.status().Annotate("token service of " + registry_);
  if (response->status != 200) {
    return RegistryError(*response,
                         "token service " + UrlForMessages(realm) + " of registry " + registry_);
  }
  rapidjson::Document document;
  document.Parse(response->body.c_str(), response->body.size());
  if (document.HasParseError() || !document.IsObject()) {
    return InvalidArgument("token service " + UrlForMessages(realm) +
                           ": the answer is not a JSON object");
  }
  for (const char* key : {"token", "access_token"}) {
    if (document.HasMember(key) && document[key].IsString() && document[key].GetStringLength() > 0)
      return std::string("Bearer ") + document[key].GetString();
  }
  return InvalidArgument("token service " + UrlForMessages(realm) + ": the answer has no token");
}

StatusOr<HttpResponse> RegistryClient::Send(HttpRequest request,
                                            const std::vector<std::string>& scopes) {
  RETURN_IF_ERROR(Ping());
  const std::string url = Url(request.url);
  // The registry's credentials and tokens go to the registry only: a Location elsewhere (an
  // upload session on another host, object storage) gets the request without them.
  const bool to_the_registry = IsUnderOrigin(url, base_url_);
  for (int attempt = 0;; ++attempt) {
    HttpRequest sent = request;
    sent.url = url;
    std::string authorization;
    {
      std::lock_guard<std::mutex> lock(mutex_);
      authorization = authorization_;
    }
    if (!authorization.empty() && to_the_registry) {
      sent.headers.push_back("Authorization: " + authorization);
    }
    ASSIGN_OR_RETURN(HttpResponse response, Perform(sent));
    if (response.status != 401 || attempt > 0 || !to_the_registry) return response;
    std::string challenge = response.Header("www-authenticate");
    if (challenge.empty()) return response;
    ASSIGN_OR_RETURN(std::string fresh, Authenticate(challenge, scopes));
    std::lock_guard<std::mutex> lock(mutex_);
    authorization_ = fresh;
  }
}

Status RegistryClient::CheckLogin() {
  RETURN_IF_ERROR(Ping());
  HttpRequest request;
  request.url = "/v2/";
  auto response = Send(request, {});
  if (!response.ok()) return response.status();
  if (response->status != 200) return RegistryError(*response, "login to " + registry_);
  std::lock_guard<std::mutex> lock(mutex_);
  if (authorization_.empty()) {
    // The registry let us in without asking: nothing proves the credentials, but nothing
    // refuses them either (Docker stores them too).
  }
  return OkStatus();
}

}  // namespace boxcar
