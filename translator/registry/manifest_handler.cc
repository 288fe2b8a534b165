// GET / HEAD / PUT / DELETE /v2/<name>/manifests/<tag or digest>. A PUT is checked whole
// before Glance sees it: size, digest, JSON, and that every blob (or child manifest) it
// references is there; the bytes are stored as sent, so a pull returns them byte for byte.
#include <spdlog/spdlog.h>

#include <set>
#include <shared_mutex>

#include "common/sha256.h"
#include "registry/manifest_document.h"
#include "registry/repository_name.h"
#include "registry/request_context.h"

namespace boxcar::registry {
namespace {

// The route's reference is a tag or a sha256 digest (*by_digest says which); anything else is
// answered with the spec's error, and false returned.
bool CheckReference(RequestContext& c, bool* by_digest) {
  const std::string& reference = c.route.reference;
  *by_digest = reference.rfind("sha256:", 0) == 0;
  if (*by_digest ? IsValidDigest(reference) : IsValidTag(reference)) return true;
  SendError(c.http, *by_digest ? ErrorCode::kDigestInvalid : ErrorCode::kManifestInvalid,
            "'" + reference.substr(0, 130) + "' is neither a valid tag nor a sha256 digest");
  return false;
}

void Put(RequestContext& c) {
  const std::string& reference = c.route.reference;
  bool by_digest = false;
  if (!CheckReference(c, &by_digest)) return;
  std::string bytes;
  Status read = c.http.ReadBodyToString(&bytes, c.config.max_manifest_bytes);
  if (!read.ok()) {
    SendError(c.http,
              ErrorFromStatus(read, ErrorCode::kManifestInvalid, ErrorCode::kManifestInvalid));
    return;
  }
  const std::string digest = Sha256Digest(bytes);
  if (by_digest && digest != reference) {
    SendError(c.http, ErrorCode::kDigestInvalid,
              "the manifest's digest is " + digest + ", not " + reference);
    return;
  }
  auto document = ParseManifest(bytes, c.http.Header("Content-Type"));
  if (!document.ok()) {
    SendError(c.http, ErrorCode::kManifestInvalid, document.status().message());
    return;
  }
  // A blob DELETE waits until the references checked here are stored.
  std::shared_lock<std::shared_mutex> references(c.blob_references);
  for (const auto& blob : document->blob_digests) {
    auto found = c.store.FindBlob(blob);
    if (!found.ok()) {
      SendError(c.http, ErrorFromStatus(found.status(), ErrorCode::kManifestBlobUnknown));
      return;
    }
    if (!*found) {
      SendError(c.http, ErrorCode::kManifestBlobUnknown,
                "blob " + blob + " is not in the registry");
      return;
    }
  }
  for (const auto& child : document->manifest_digests) {
    auto found = c.store.FindManifest(c.route.repository, child);
    if (!found.ok() || !*found) {
      SendError(c.http, ErrorCode::kManifestBlobUnknown,
                "manifest " + child + " is not in " + c.route.repository);
      return;
    }
  }
  Status stored = c.store.PutManifest(c.route.repository, digest, document->media_type, bytes,
                                      by_digest ? "" : reference, document->subject_digest);
  if (!stored.ok()) {
    spdlog::warn("PUT manifest {}:{} for project {}: {}", c.route.repository, reference,
                 c.grant.project_id, stored.message());
    SendError(c.http, ErrorFromStatus(stored, ErrorCode::kManifestUnknown));
    return;
  }
  references.unlock();
  spdlog::info("manifest {}@{} ({}) stored for project {}", c.route.repository, digest,
               by_digest ? "untagged" : reference, c.grant.project_id);
  if (c.bootable && !by_digest && !IsIndexMediaType(document->media_type)) {
    c.bootable->Enqueue({openstack::KeystoneSession{c.grant.keystone_token, c.grant.project_id,
                                                    c.grant.glance_endpoint},
                         c.route.repository, reference, digest, document->media_type, bytes,
                         document->blob_digests});
  }
  HeaderList headers = {{"Location", "/v2/" + c.route.repository + "/manifests/" + digest},
                        {"Docker-Content-Digest", digest}};
  // The spec's signal that the referrers API knows this manifest's subject.
  if (!document->subject_digest.empty()) {
    headers.emplace_back("OCI-Subject", document->subject_digest);
  }
  (void)c.http.Respond(201, headers, "");
}

void Get(RequestContext& c) {
  const std::string& reference = c.route.reference;
  bool by_digest = false;
  if (!CheckReference(c, &by_digest)) return;
  auto found = by_digest ? c.store.FindManifest(c.route.repository, reference)
                         : c.store.FindTagged(c.route.repository, reference);
  if (!found.ok()) {
    SendError(c.http, ErrorFromStatus(found.status(), ErrorCode::kManifestUnknown));
    return;
  }
  if (!*found) {
    SendError(
        c.http, ErrorCode::kManifestUnknown,
        "manifest " + c.route.repository + (by_digest ? "@" : ":") + reference + " is unknown");
    return;
  }
  const glance::GlanceImage& image = **found;
  const std::string digest = "sha256:" + image.Property(kSha256Property);
  HeaderList headers = {{"Content-Type", image.Property(kMediaTypeProperty)},
                        {"Docker-Content-Digest", digest}};
  if (c.http.method() == "HEAD") {
    (void)c.http.StartStream(200, headers, image.size.value_or(0));
    return;
  }
  auto bytes = c.store.ReadSmallImage(image, c.config.max_manifest_bytes);
  if (!bytes.ok()) {
    SendError(c.http, ErrorFromStatus(bytes.status(), ErrorCode::kManifestUnknown));
    return;
  }
  (void)c.http.Respond(200, headers, *bytes);
}

// After a manifest DELETE (--delete-unused-blobs): its blobs that no manifest of the project
// uses any more go too. Under the lock manifest PUTs take, so none is stored over them; a
// failure is logged, the manifest is deleted all the same.
void DeleteUnusedBlobs(RequestContext& c, const std::vector<std::string>& blobs) {
  std::unique_lock<std::shared_mutex> exclusive(c.blob_references);
  auto in_use = c.store.BlobsInUse(c.config.max_manifest_bytes);
  if (!in_use.ok()) {
    spdlog::warn("after deleting manifest {}@{}: listing the blobs in use: {}", c.route.repository,
                 c.route.reference, in_use.status().message());
    return;
  }
  for (const auto& blob : std::set<std::string>(blobs.begin(), blobs.end())) {
    if (in_use->count(blob)) continue;
    Status deleted = c.store.DeleteBlob(blob);
    if (deleted.ok()) {
      spdlog::info("blob {} deleted with manifest {}@{}: no manifest of project {} uses it", blob,
                   c.route.repository, c.route.reference, c.grant.project_id);
    } else if (deleted.code() != StatusCode::kNotFound) {
      spdlog::warn("after deleting manifest {}@{}: blob {}: {}", c.route.repository,
                   c.route.reference, blob, deleted.message());
    }
  }
}

// DELETE by tag: the tag goes (its manifest stays, reachable by digest), with its bootable
// image.
void DeleteTag(RequestContext& c) {
  const std::string& tag = c.route.reference;
  Status deleted = c.bootable ? c.bootable->DeleteTag(c.store, c.route.repository, tag)
                              : c.store.RemoveTag(c.route.repository, tag);
  if (deleted.ok() && !c.bootable) {
    deleted = c.store.DeleteTagBootableImages(c.route.repository, tag);
  }
  if (!deleted.ok()) {
    SendError(c.http, ErrorFromStatus(deleted, ErrorCode::kManifestUnknown));
    return;
  }
  spdlog::info("tag {}:{} deleted by project {}", c.route.repository, tag, c.grant.project_id);
  (void)c.http.Respond(202, {}, "");
}

void Delete(RequestContext& c) {
  const std::string& reference = c.route.reference;
  bool by_digest = false;
  if (!CheckReference(c, &by_digest)) return;
  if (!by_digest) return DeleteTag(c);
  // With --delete-unused-blobs: what the manifest used, read before it goes.
  std::vector<std::string> used_blobs;
  if (c.config.delete_unused_blobs) {
    auto image = c.store.FindManifest(c.route.repository, reference);
    if (image.ok() && *image) {
      auto bytes = c.store.ReadSmallImage(**image, c.config.max_manifest_bytes);
      auto document = bytes.ok() ? ParseManifest(*bytes, (*image)->Property(kMediaTypeProperty))
                                 : StatusOr<ManifestDocument>(bytes.status());
      if (document.ok()) used_blobs = document->blob_digests;
    }
  }
  Status deleted = c.bootable
                       ? c.bootable->DeleteManifest(c.store, c.route.repository, c.route.reference)
                       : c.store.DeleteManifest(c.route.repository, c.route.reference);
  if (!deleted.ok()) {
    SendError(c.http, ErrorFromStatus(deleted, ErrorCode::kManifestUnknown));
    return;
  }
  spdlog::info("manifest {}@{} deleted by project {}", c.route.repository, c.route.reference,
               c.grant.project_id);
  if (!used_blobs.empty()) DeleteUnusedBlobs(c, used_blobs);
  (void)c.http.Respond(202, {}, "");
}

}  // namespace

void ServeManifest(RequestContext& c) {
  const std::string& method = c.http.method();
  if (method == "GET" || method == "HEAD") return Get(c);
  if (method == "PUT") return Put(c);
  if (method == "DELETE") return Delete(c);
  SendError(c.http, ErrorCode::kUnsupported, "method " + method + " on a manifest");
}

}  // namespace boxcar::registry
