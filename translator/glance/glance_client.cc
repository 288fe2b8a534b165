#include "glance/glance_client.h"

#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include <chrono>
#include <thread>

#include "glance/background_hasher.h"
#include "glance/glance_errors.h"
#include "glance/image_hash_verifier.h"
#include "http/http_client.h"
#include "http/url_encoding.h"

namespace boxcar::glance {

std::string ListQuery(const ListImagesFilter& f) {
  std::string query;
  auto add = [&](const std::string& key, const std::string& value) {
    if (value.empty()) return;
    query += (query.empty() ? "?" : "&") + UrlEncode(key) + "=" + UrlEncode(value);
  };
  if (f.limit > 0) add("limit", std::to_string(f.limit));
  add("marker", f.marker);
  // A name with a colon would read as an operator ("in:..."): quote it the way Glance wants.
  add("name", f.name.find(':') != std::string::npos ? "in:\"" + f.name + "\"" : f.name);
  add("visibility", f.visibility);
  add("member_status", f.member_status);
  add("owner", f.owner);
  add("status", f.status);
  add("container_format", f.container_format);
  for (const auto& tag : f.tags) add("tag", tag);
  for (const auto& [key, value] : f.properties) add(key, value);
  return query;
}

std::vector<std::string> GlanceClient::Headers(const char* content_type) const {
  std::vector<std::string> headers = {"X-Auth-Token: " + session_.token,
                                      "Accept: application/json"};
  if (content_type) headers.push_back(std::string("Content-Type: ") + content_type);
  return headers;
}

StatusOr<std::string> GlanceClient::Call(const std::string& method, const std::string& path,
                                         const std::string& body, const char* content_type,
                                         std::initializer_list<long> ok, const std::string& what) {
  HttpRequest request;
  request.method = method;
  request.url = Url(path);
  request.headers = Headers(content_type);
  request.body = body;
  request.timeout_seconds = 120;
  auto response = PerformHttp(request, tls_);
  if (!response.ok()) return response.status().Annotate("glance: " + what);
  for (long status : ok) {
    if (response->status == status) return std::move(response->body);
  }
  return GlanceHttpError(response->status, what, response->body);
}

StatusOr<GlanceImage> GlanceClient::Create(const CreateImageRequest& r) {
  rapidjson::StringBuffer buffer;
  rapidjson::Writer<rapidjson::StringBuffer> w(buffer);
  auto put = [&](const std::string& key, const std::string& value) {
    w.Key(key.c_str(), static_cast<rapidjson::SizeType>(key.size()));
    w.String(value.c_str(), static_cast<rapidjson::SizeType>(value.size()));
  };
  w.StartObject();
  put("name", r.name);
  put("container_format", r.container_format);
  put("disk_format", r.disk_format);
  if (!r.visibility.empty()) put("visibility", r.visibility);
  for (const auto& [key, value] : r.properties) put(key, value);
  if (!r.tags.empty()) {
    w.Key("tags");
    w.StartArray();
    for (const auto& tag : r.tags) w.String(tag.c_str());
    w.EndArray();
  }
  w.EndObject();
  ASSIGN_OR_RETURN(auto body, Call("POST", "/v2/images", buffer.GetString(), "application/json",
                                   {201}, "creating image '" + r.name + "'"));
  return ParseGlanceImage(body);
}

Status GlanceClient::Upload(const std::string& image_id, const DataSource& source,
                            const CancelCheck& cancelled) {
  HttpRequest request;
  request.method = "PUT";
  request.url = Url("/v2/images/" + UrlEncode(image_id) + "/file");
  request.headers = Headers("application/octet-stream");
  Status source_status;
  request.body_source = [&](char* buffer, size_t size) -> int64_t {
    auto n = source(buffer, size);
    if (!n.ok()) {
      source_status = n.status();
      return -1;
    }
    return static_cast<int64_t>(*n);
  };
  request.cancelled = cancelled;
  auto response = PerformHttp(request, tls_);
  if (!source_status.ok()) return source_status.Annotate("uploading to glance image " + image_id);
  if (!response.ok()) return response.status().Annotate("glance: uploading image " + image_id);
  if (response->status != 204 && response->status != 201 && response->status != 200) {
    return GlanceHttpError(response->status, "uploading image " + image_id, response->body);
  }
  return OkStatus();
}

Status GlanceClient::Download(const GlanceImage& image, const DataSink& sink,
                              const CancelCheck& cancelled) {
  if (image.status != "active") {
    return FailedPrecondition("glance: image " + image.id + " is '" + image.status +
                              "', not active: it has no data to download yet");
  }
  ASSIGN_OR_RETURN(auto verifier, ImageHashVerifier::For(image));
  BackgroundHasher hasher(std::move(verifier));
  uint64_t received = 0;
  const std::string what = "downloading image " + image.id;
  std::chrono::milliseconds pause(500);
  for (int attempt = 0;; ++attempt) {
    HttpRequest request;
    request.url = Url("/v2/images/" + UrlEncode(image.id) + "/file");
    request.headers = Headers();
    request.headers.push_back("Accept: application/octet-stream");
    if (received > 0) request.headers.push_back("Range: bytes=" + std::to_string(received) + "-");
    request.sink_status = received > 0 ? 206 : 200;
    request.body_sink = [&](long, const char* bytes, size_t size) -> Status {
      hasher.Update(bytes, size);
      received += size;
      return sink(bytes, size);
    };
    request.cancelled = cancelled;
    auto response = PerformHttp(request, tls_);
    Status failure;
    if (!response.ok()) {
      failure = response.status().Annotate("glance: " + what);
      // Only a cut connection is worth resuming; a sink error or a cancel is final.
      if (response.status().code() != StatusCode::kUnavailable) return failure;
    } else if (response->status == request.sink_status) {
      if (!image.size || received == *image.size) break;
      if (received > *image.size) {
        return DataLoss("glance: " + what + ": got " + std::to_string(received) +
                        " bytes, more than its size " + std::to_string(*image.size));
      }
      failure = DataLoss("glance: " + what + ": got " + std::to_string(received) + " of " +
                         std::to_string(*image.size) + " bytes (the connection was cut)");
    } else if (response->status >= 500) {
      failure = GlanceHttpError(response->status, what, response->body);
    } else {
      return GlanceHttpError(response->status, what, response->body);
    }
    // Resumable once bytes arrived (a cut, not a server that was never reached: that error
    // is clearer at once) and while attempts are left.
    if (received == 0 || attempt >= download_resumes_) return failure;
    for (auto waited = std::chrono::milliseconds(0); waited < pause;
         waited += std::chrono::milliseconds(50)) {
      if (cancelled && cancelled()) return Status(StatusCode::kCancelled, "glance: " + what + ": cancelled");
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    pause = std::min(pause * 2, std::chrono::milliseconds(4000));
  }
  return hasher.Verify();
}

StatusOr<GlanceImage> GlanceClient::Show(const std::string& image_id) {
  if (image_id.empty()) return InvalidArgument("glance: empty image id");
  ASSIGN_OR_RETURN(auto body, Call("GET", "/v2/images/" + UrlEncode(image_id), "", nullptr, {200},
                                   "showing image " + image_id));
  return ParseGlanceImage(body);
}

StatusOr<GlanceImagePage> GlanceClient::List(const ListImagesFilter& filter) {
  ASSIGN_OR_RETURN(auto body, Call("GET", "/v2/images" + ListQuery(filter), "", nullptr, {200},
                                   "listing images"));
  return ParseGlanceImageList(body);
}

StatusOr<std::vector<GlanceImage>> GlanceClient::ListAll(ListImagesFilter filter) {
  std::vector<GlanceImage> all;
  for (int page = 0; page < 100000; ++page) {
    ASSIGN_OR_RETURN(auto result, List(filter));
    for (auto& image : result.images) all.push_back(std::move(image));
    if (result.next_marker.empty() || result.images.empty()) return all;
    filter.marker = result.next_marker;
  }
  return Unavailable("glance: listing images: paging does not end");
}

StatusOr<GlanceImage> GlanceClient::Update(const std::string& image_id,
                                           const std::vector<PatchOperation>& operations) {
  ASSIGN_OR_RETURN(auto body,
                   Call("PATCH", "/v2/images/" + UrlEncode(image_id), JsonPatchBody(operations),
                        "application/openstack-images-v2.1-json-patch", {200},
                        "updating image " + image_id));
  return ParseGlanceImage(body);
}

Status GlanceClient::AddTag(const std::string& image_id, const std::string& tag) {
  return Call("PUT", "/v2/images/" + UrlEncode(image_id) + "/tags/" + UrlEncode(tag), "", nullptr,
              {204}, "tagging image " + image_id)
      .status();
}

Status GlanceClient::RemoveTag(const std::string& image_id, const std::string& tag) {
  return Call("DELETE", "/v2/images/" + UrlEncode(image_id) + "/tags/" + UrlEncode(tag), "",
              nullptr, {204}, "untagging image " + image_id)
      .status();
}

StatusOr<GlanceMember> GlanceClient::AddMember(const std::string& image_id,
                                               const std::string& project_id) {
  ASSIGN_OR_RETURN(auto body, Call("POST", "/v2/images/" + UrlEncode(image_id) + "/members",
                                   "{\"member\":\"" + UrlEncode(project_id) + "\"}",
                                   "application/json", {200},
                                   "sharing image " + image_id + " with " + project_id));
  return ParseGlanceMember(body);
}

StatusOr<GlanceMember> GlanceClient::SetMemberStatus(const std::string& image_id,
                                                     const std::string& project_id,
                                                     const std::string& status) {
  ASSIGN_OR_RETURN(auto body,
                   Call("PUT",
                        "/v2/images/" + UrlEncode(image_id) + "/members/" + UrlEncode(project_id),
                        "{\"status\":\"" + UrlEncode(status) + "\"}", "application/json", {200},
                        "setting membership of image " + image_id + " to " + status));
  return ParseGlanceMember(body);
}

StatusOr<std::vector<GlanceMember>> GlanceClient::ListMembers(const std::string& image_id) {
  ASSIGN_OR_RETURN(auto body, Call("GET", "/v2/images/" + UrlEncode(image_id) + "/members", "",
                                   nullptr, {200}, "listing members of image " + image_id));
  return ParseGlanceMemberList(body);
}

Status GlanceClient::RemoveMember(const std::string& image_id, const std::string& project_id) {
  return Call("DELETE", "/v2/images/" + UrlEncode(image_id) + "/members/" + UrlEncode(project_id),
              "", nullptr, {204}, "unsharing image " + image_id)
      .status();
}

Status GlanceClient::Delete(const std::string& image_id) {
  return Call("DELETE", "/v2/images/" + UrlEncode(image_id), "", nullptr, {204},
              "deleting image " + image_id)
      .status();
}

}  // namespace boxcar::glance
