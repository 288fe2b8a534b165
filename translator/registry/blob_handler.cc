// HEAD / GET /v2/<name>/blobs/<digest> (GET with one "bytes=A-B" Range), and DELETE: the
// project's own Glance images of that blob go, unless a manifest of the project still uses it
// (405 UNSUPPORTED naming those manifests). Blobs are per project, not per repository, so any
// repository of the caller's project names the same blob.
#include <spdlog/spdlog.h>
#include <unistd.h>

#include <mutex>
#include <shared_mutex>

#include "registry/repository_name.h"
#include "registry/request_context.h"

namespace boxcar::registry {
namespace {

// "bytes=A-B" / "bytes=A-" within `size`: [*first, *last]. False when unparsable or outside.
bool ParseRange(const std::string& header, uint64_t size, uint64_t* first, uint64_t* last) {
  if (header.rfind("bytes=", 0) != 0 || size == 0) return false;
  const std::string spec = header.substr(6);
  const size_t dash = spec.find('-');
  if (dash == std::string::npos || dash == 0 || spec.find(',') != std::string::npos) return false;
  try {
    size_t used = 0;
    *first = std::stoull(spec.substr(0, dash), &used);
    if (used != dash) return false;
    const std::string end = spec.substr(dash + 1);
    *last = end.empty() ? size - 1 : std::stoull(end, &used);
    if (!end.empty() && used != end.size()) return false;
  } catch (...) {
    return false;
  }
  if (*last >= size) *last = size - 1;
  return *first <= *last;
}

Status FromFile(HttpExchange& http, int fd, uint64_t offset, uint64_t length) {
  std::string piece(256 * 1024, '\0');
  while (length > 0) {
    ssize_t n = ::pread(fd, piece.data(), std::min<uint64_t>(piece.size(), length),
                        static_cast<off_t>(offset));
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return ErrnoStatus("reading a cached blob");
    RETURN_IF_ERROR(http.Write(piece.data(), static_cast<size_t>(n)));
    offset += static_cast<uint64_t>(n);
    length -= static_cast<uint64_t>(n);
  }
  return OkStatus();
}

// What a DELETE refuses a blob for: "the manifests a, b, c and 2 more".
std::string ListOfUsers(const std::vector<std::string>& users) {
  std::string list;
  for (size_t i = 0; i < users.size() && i < 5; ++i) list += (i ? ", " : "") + users[i];
  if (users.size() > 5) list += " and " + std::to_string(users.size() - 5) + " more";
  return list;
}

void Delete(RequestContext& c) {
  const std::string& digest = c.route.reference;
  if (!IsValidDigest(digest)) {
    SendError(c.http, ErrorCode::kDigestInvalid,
              "'" + digest.substr(0, 100) + "' is not a sha256 digest");
    return;
  }
  // No manifest PUT of this daemon checks or stores references meanwhile.
  std::unique_lock<std::shared_mutex> exclusive(c.blob_references);
  auto owned = c.store.OwnBlobImages(digest);
  if (!owned.ok()) {
    SendError(c.http, ErrorFromStatus(owned.status(), ErrorCode::kBlobUnknown));
    return;
  }
  if (owned->empty()) {
    SendError(c.http, ErrorCode::kBlobUnknown,
              "blob " + digest + " is not held by project '" + c.grant.project_name + "'");
    return;
  }
  auto users = c.store.ManifestsUsingBlob(digest, c.config.max_manifest_bytes);
  if (!users.ok()) {
    SendError(c.http, ErrorFromStatus(users.status(), ErrorCode::kBlobUnknown));
    return;
  }
  if (!users->empty()) {
    SendError(c.http, ErrorCode::kUnsupported,
              "blob " + digest + " is used by manifest" + (users->size() > 1 ? "s " : " ") +
                  ListOfUsers(*users) + ": delete the manifests that use it first");
    return;
  }
  Status deleted = c.store.DeleteBlob(digest);
  if (!deleted.ok()) {
    SendError(c.http, ErrorFromStatus(deleted, ErrorCode::kBlobUnknown));
    return;
  }
  spdlog::info("blob {} deleted by project {}", digest, c.grant.project_id);
  (void)c.http.Respond(202, {}, "");
}

}  // namespace

void ServeBlob(RequestContext& c) {
  const std::string& digest = c.route.reference;
  if (c.http.method() == "DELETE") return Delete(c);
  if (c.http.method() != "GET" && c.http.method() != "HEAD") {
    SendError(c.http, ErrorCode::kUnsupported, "method " + c.http.method() + " on a blob");
    return;
  }
  if (!IsValidDigest(digest)) {
    SendError(c.http, ErrorCode::kDigestInvalid,
              "'" + digest.substr(0, 100) + "' is not a sha256 digest");
    return;
  }
  auto found = c.store.FindBlob(digest);
  if (!found.ok()) {
    SendError(c.http, ErrorFromStatus(found.status(), ErrorCode::kBlobUnknown));
    return;
  }
  if (!*found) {
    SendError(c.http, ErrorCode::kBlobUnknown, "blob " + digest + " is unknown to this project");
    return;
  }
  const glance::GlanceImage& image = **found;
  const uint64_t size = image.size.value_or(0);
  HeaderList headers = {{"Content-Type", "application/octet-stream"},
                        {"Docker-Content-Digest", digest},
                        {"Accept-Ranges", "bytes"}};
  uint64_t first = 0, last = size == 0 ? 0 : size - 1;
  int status = 200;
  const std::string range = c.http.Header("Range");
  if (!range.empty() && c.http.method() == "GET") {
    if (!ParseRange(range, size, &first, &last)) {
      SendError(c.http,
                RegistryError{ErrorCode::kRangeInvalid, "range '" + range + "' not satisfiable"},
                {{"Content-Range", "bytes */" + std::to_string(size)}});
      return;
    }
    status = 206;
    headers.emplace_back("Content-Range", "bytes " + std::to_string(first) + "-" +
                                              std::to_string(last) + "/" + std::to_string(size));
  }
  const uint64_t length = size == 0 ? 0 : last - first + 1;
  if (!c.http.StartStream(status, headers, length).ok() || c.http.method() == "HEAD") return;
  Status streamed;
  UniqueFd cached = c.cache ? c.cache->Open(digest, size) : UniqueFd();
  if (cached) {
    streamed = FromFile(c.http, cached.get(), first, length);
    spdlog::debug("blob {} for project {} from the local cache", digest, c.grant.project_id);
  } else {
    bool whole = status == 200;
    if (!whole) {
      // A Range read asks Glance for those bytes only (a resumed pull of a large layer does
      // not read it again from byte 0).
      streamed = c.store.ReadImageRange(image, first, length, [&](const char* bytes, size_t n) {
        return c.http.Write(bytes, n);
      });
      if (streamed.ok()) {
        spdlog::debug("blob {} bytes {}-{} for project {} by a ranged Glance read", digest, first,
                      last, c.grant.project_id);
      }
      // A Glance that ignored the Range sent nothing to the client yet: read it whole.
      whole = streamed.code() == StatusCode::kFailedPrecondition;
    }
    if (whole) {
      // Bytes before `first` are skipped; a whole download is kept in the cache once it hashed
      // right.
      auto keep = c.cache && status == 200 ? c.cache->StartWrite(digest) : nullptr;
      uint64_t position = 0;
      streamed = c.store.ReadImage(image, [&](const char* bytes, size_t n) -> Status {
        if (keep) keep->Write(bytes, n);
        const uint64_t begin = position, end = position + n;
        position = end;
        if (end <= first || begin > last) return OkStatus();
        const uint64_t from = std::max(begin, first), to = std::min(end, last + 1);
        return c.http.Write(bytes + (from - begin), to - from);
      });
      if (streamed.ok() && keep) keep->Commit();
    }
  }
  if (streamed.ok()) streamed = c.http.FinishStream();
  if (!streamed.ok()) {
    spdlog::warn("GET blob {} for project {}: {}", digest, c.grant.project_id, streamed.message());
    c.http.Abort();
  }
}

}  // namespace boxcar::registry
