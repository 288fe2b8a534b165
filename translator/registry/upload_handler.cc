// Blob uploads: POST (new session, monolithic with ?digest=, or cross-repository mount with
// ?mount=&from=), PATCH (a chunk, optionally with Content-Range), PUT ?digest= (last chunk,
// digest check, then Glance), GET (progress), DELETE (cancel). The bytes sit in the upload
// file until the digest matched; only then is a Glance image made, and the file goes.
#include <spdlog/spdlog.h>
#include <unistd.h>

#include "registry/repository_name.h"
#include "registry/request_context.h"

namespace boxcar::registry {
namespace {

std::string UploadLocation(const RequestContext& c, const std::string& id) {
  return "/v2/" + c.route.repository + "/blobs/uploads/" + id;
}

HeaderList Progress(const RequestContext& c, const UploadSession& session, uint64_t size) {
  return {{"Location", UploadLocation(c, session.id)},
          {"Range", "0-" + std::to_string(size == 0 ? 0 : size - 1)},
          {"Docker-Upload-UUID", session.id}};
}

// Appends the request body to the upload file; kResourceExhausted past max_blob_bytes.
StatusOr<uint64_t> AppendBody(RequestContext& c, const UploadSession& session) {
  ASSIGN_OR_RETURN(uint64_t size, c.uploads.Size(session));
  ASSIGN_OR_RETURN(auto fd, c.uploads.OpenForAppend(session));
  const uint64_t room = c.config.max_blob_bytes > size ? c.config.max_blob_bytes - size : 0;
  uint64_t written = 0;
  RETURN_IF_ERROR(c.http.ReadBody(
      [&](const char* bytes, size_t n) -> Status {
        c.uploads.NoteAppended(session, size + written, bytes, n);
        while (n > 0) {
          ssize_t w = ::write(fd.get(), bytes, n);
          if (w < 0 && errno == EINTR) continue;
          if (w < 0) return ErrnoStatus("writing upload file '" + session.data_path + "'");
          bytes += w;
          n -= static_cast<size_t>(w);
          written += static_cast<uint64_t>(w);
        }
        return OkStatus();
      },
      room));
  return size + written;
}

void Refuse(RequestContext& c, const Status& status, ErrorCode not_found,
            ErrorCode invalid = ErrorCode::kBlobUploadInvalid) {
  SendError(c.http, ErrorFromStatus(status, not_found, invalid));
}

// The last step of every upload: the digest must match the bytes, then Glance gets them.
void Finish(RequestContext& c, const UploadSession& session, const std::string& digest) {
  if (!IsValidDigest(digest)) {
    SendError(c.http, ErrorCode::kDigestInvalid,
              "digest '" + digest.substr(0, 100) + "' is not a sha256 digest");
    return;
  }
  auto actual = c.uploads.Digest(session);
  auto size = c.uploads.Size(session);
  if (!actual.ok() || !size.ok()) {
    Refuse(c, actual.ok() ? size.status() : actual.status(), ErrorCode::kBlobUploadUnknown);
    return;
  }
  if (*actual != digest) {
    c.uploads.Remove(session);  // a failed upload leaves nothing behind
    SendError(c.http, ErrorCode::kDigestInvalid,
              "the uploaded bytes have digest " + *actual + ", not " + digest);
    return;
  }
  auto fd = c.uploads.OpenForRead(session);
  if (!fd.ok()) {
    Refuse(c, fd.status(), ErrorCode::kBlobUploadUnknown);
    return;
  }
  Status stored = c.store.PutBlob(digest, *size, [&](char* buffer, size_t n) -> StatusOr<size_t> {
    while (true) {
      ssize_t r = ::read(fd->get(), buffer, n);
      if (r < 0 && errno == EINTR) continue;
      if (r < 0) return ErrnoStatus("reading upload file '" + session.data_path + "'");
      return static_cast<size_t>(r);
    }
  });
  if (!stored.ok()) {
    spdlog::warn("upload {} of {} into project {}: {}", session.id, digest, c.grant.project_id,
                 stored.message());
    Refuse(c, stored, ErrorCode::kBlobUploadInvalid);  // the session stays: PUT may be retried
    return;
  }
  if (c.cache) c.cache->Adopt(digest, session.data_path);  // the verified bytes, for pulls
  c.uploads.Remove(session);
  spdlog::info("blob {} ({} bytes) stored for project {} via {}", digest, *size, c.grant.project_id,
               c.route.repository);
  (void)c.http.Respond(201,
                       {{"Location", "/v2/" + c.route.repository + "/blobs/" + digest},
                        {"Docker-Content-Digest", digest}},
                       "");
}

}  // namespace

void ServeUploadStart(RequestContext& c) {
  if (c.http.method() != "POST") {
    SendError(c.http, ErrorCode::kUnsupported, "method " + c.http.method() + " on uploads/");
    return;
  }
  const std::string mount = c.http.QueryValue("mount");
  if (!mount.empty() && IsValidDigest(mount)) {
    // Blobs are per project, not per repository: a blob the project sees is mounted as is.
    auto found = c.store.FindBlob(mount);
    if (found.ok() && *found) {
      (void)c.http.Respond(201,
                           {{"Location", "/v2/" + c.route.repository + "/blobs/" + mount},
                            {"Docker-Content-Digest", mount}},
                           "");
      return;
    }
  }
  auto session = c.uploads.Create(c.grant.project_id, c.route.repository);
  if (!session.ok()) {
    Refuse(c, session.status(), ErrorCode::kBlobUploadUnknown);
    return;
  }
  const std::string digest = c.http.QueryValue("digest");
  if (!digest.empty()) {  // monolithic: POST ?digest= with the whole blob
    auto size = AppendBody(c, *session);
    if (!size.ok()) {
      c.uploads.Remove(*session);
      Refuse(c, size.status(), ErrorCode::kBlobUploadUnknown);
      return;
    }
    Finish(c, *session, digest);
    return;
  }
  (void)c.http.Respond(202, Progress(c, *session, 0), "");
}

void ServeUpload(RequestContext& c) {
  auto session = c.uploads.Find(c.route.reference, c.grant.project_id, c.route.repository);
  if (!session.ok()) {
    Refuse(c, session.status(), ErrorCode::kBlobUploadUnknown);
    return;
  }
  const std::string& method = c.http.method();
  if (method == "DELETE") {
    c.uploads.Remove(*session);
    (void)c.http.Respond(204, {}, "");
    return;
  }
  if (method == "GET") {
    auto size = c.uploads.Size(*session);
    if (!size.ok()) return Refuse(c, size.status(), ErrorCode::kBlobUploadUnknown);
    (void)c.http.Respond(204, Progress(c, *session, *size), "");
    return;
  }
  if (method != "PATCH" && method != "PUT") {
    SendError(c.http, ErrorCode::kUnsupported, "method " + method + " on an upload");
    return;
  }
  const std::string content_range = c.http.Header("Content-Range");
  if (!content_range.empty()) {
    auto size = c.uploads.Size(*session);
    const size_t dash = content_range.find('-');
    uint64_t start = 0;
    try {
      start = std::stoull(content_range.substr(content_range.find_first_of("0123456789")));
    } catch (...) {
      start = UINT64_MAX;
    }
    if (!size.ok() || dash == std::string::npos || start != *size) {
      SendError(c.http,
                RegistryError{ErrorCode::kRangeInvalid, "Content-Range '" + content_range +
                                                            "' does not start at byte " +
                                                            std::to_string(size.ok() ? *size : 0)},
                Progress(c, *session, size.ok() ? *size : 0));
      return;
    }
  }
  auto size = AppendBody(c, *session);
  if (!size.ok()) {
    if (size.status().code() == StatusCode::kResourceExhausted) c.uploads.Remove(*session);
    Refuse(c, size.status(), ErrorCode::kBlobUploadUnknown);
    return;
  }
  if (method == "PATCH") {
    (void)c.http.Respond(202, Progress(c, *session, *size), "");
    return;
  }
  Finish(c, *session, c.http.QueryValue("digest"));
}

}  // namespace boxcar::registry
