#include "registry/glance_registry_store.h"

#include <algorithm>
#include <set>

#include "glance/glance_errors.h"
#include "http/http_client.h"
#include "http/url_encoding.h"
#include "registry/manifest_document.h"

namespace boxcar::registry {
namespace {

std::string Hex(const std::string& digest) { return digest.substr(digest.find(':') + 1); }

glance::ListImagesFilter ActiveOf(const std::string& kind) {
  glance::ListImagesFilter filter;
  filter.status = "active";
  filter.properties[kKindProperty] = kind;
  filter.limit = 200;
  return filter;
}

// The active manifest images of one repository (of every project until an owner is set).
glance::ListImagesFilter ManifestsOf(const std::string& repository) {
  auto filter = ActiveOf("manifest");
  filter.properties[kRepositoryProperty] = repository;
  return filter;
}

glance::ListImagesFilter ManifestByDigest(const std::string& repository,
                                          const std::string& digest) {
  auto filter = ManifestsOf(repository);
  filter.properties[kSha256Property] = Hex(digest);
  return filter;
}

glance::ListImagesFilter ManifestByTag(const std::string& repository, const std::string& tag) {
  auto filter = ManifestsOf(repository);
  filter.tags = {tag};
  return filter;
}

}  // namespace

StatusOr<std::optional<glance::GlanceImage>> GlanceRegistryStore::First(
    glance::ListImagesFilter filter) {
  filter.limit = 1;
  ASSIGN_OR_RETURN(auto page, glance_.List(filter));
  if (page.images.empty()) return std::optional<glance::GlanceImage>();
  return std::optional<glance::GlanceImage>(std::move(page.images.front()));
}

StatusOr<std::optional<glance::GlanceImage>> GlanceRegistryStore::FindBlob(
    const std::string& digest) {
  auto filter = ActiveOf("blob");
  filter.properties[kSha256Property] = Hex(digest);
  return First(filter);
}

Status GlanceRegistryStore::PutBlob(const std::string& digest, uint64_t size,
                                    const glance::DataSource& source) {
  // One listing, every status: an active image means the project holds the blob already;
  // unfinished ones (glance-api died mid-upload, so their delete could not reach it) are
  // removed once this upload succeeded.
  auto filter = ActiveOf("blob");
  filter.properties[kSha256Property] = Hex(digest);
  filter.owner = project_id_;
  filter.status.clear();
  ASSIGN_OR_RETURN(auto existing, glance_.ListAll(filter));
  for (const auto& image : existing) {
    if (image.status == "active") return OkStatus();  // stored once per project
  }
  glance::CreateImageRequest create;
  create.name = "registry-blob " + digest;
  create.container_format = "bare";
  create.disk_format = "raw";
  create.visibility = "private";
  create.properties = {{kKindProperty, "blob"}, {kSha256Property, Hex(digest)}};
  auto stored = CreateAndUpload(
      glance_, journal_, create, source, [&](const std::string& image_id) -> Status {
        ASSIGN_OR_RETURN(auto shown, glance_.Show(image_id));
        if (shown.status == "active" && shown.size.value_or(0) == size) {
          return OkStatus();
        }
        return DataLoss("glance image " + image_id + " of blob " + digest + " is '" + shown.status +
                        "' with " + std::to_string(shown.size.value_or(0)) +
                        " bytes after the upload, not active with " + std::to_string(size));
      });
  if (!stored.ok()) return stored.status().Annotate("storing blob " + digest);
  for (const auto& leftover : existing) (void)glance_.Delete(leftover.id);
  return OkStatus();
}

Status GlanceRegistryStore::ReadImage(const glance::GlanceImage& image,
                                      const glance::DataSink& sink) {
  return glance_.Download(image, sink);
}

Status GlanceRegistryStore::ReadImageRange(const glance::GlanceImage& image, uint64_t first,
                                           uint64_t length, const glance::DataSink& sink) {
  if (length == 0) return OkStatus();
  const std::string what = "reading bytes " + std::to_string(first) + "-" +
                           std::to_string(first + length - 1) + " of image " + image.id;
  HttpRequest request;
  request.url = glance_.session().glance_endpoint + "/v2/images/" + UrlEncode(image.id) + "/file";
  request.headers = {
      "X-Auth-Token: " + glance_.session().token, "Accept: application/octet-stream",
      "Range: bytes=" + std::to_string(first) + "-" + std::to_string(first + length - 1)};
  // Only a 206 streams to the sink (as in GlanceClient::Download's resume; glance-api honours
  // Range on /file, FACTS.md).
  request.sink_status = 206;
  uint64_t received = 0;
  request.body_sink = [&](long, const char* bytes, size_t size) -> Status {
    if (received + size > length) {
      return DataLoss("glance: " + what + ": more bytes than asked for");
    }
    received += size;
    return sink(bytes, size);
  };
  auto response = PerformHttp(request, cloud_tls_);
  if (!response.ok()) return response.status().Annotate("glance: " + what);
  if (response->status == 200) {
    return FailedPrecondition("glance: " + what + ": the Range was ignored");
  }
  if (response->status != 206) {
    return glance::GlanceHttpError(response->status, what, response->body);
  }
  if (received != length) {
    return DataLoss("glance: " + what + ": got " + std::to_string(received) + " of " +
                    std::to_string(length) + " bytes");
  }
  return OkStatus();
}

StatusOr<std::string> GlanceRegistryStore::ReadSmallImage(const glance::GlanceImage& image,
                                                          uint64_t limit) {
  std::string bytes;
  RETURN_IF_ERROR(glance_.Download(image, [&](const char* data, size_t size) -> Status {
    if (bytes.size() + size > limit) {
      return ResourceExhausted("glance image " + image.id + " is larger than " +
                               std::to_string(limit) + " bytes");
    }
    bytes.append(data, size);
    return OkStatus();
  }));
  return bytes;
}

StatusOr<std::optional<glance::GlanceImage>> GlanceRegistryStore::FindManifest(
    const std::string& repository, const std::string& digest) {
  return First(ManifestByDigest(repository, digest));
}

StatusOr<std::optional<glance::GlanceImage>> GlanceRegistryStore::FindTagged(
    const std::string& repository, const std::string& tag) {
  return First(ManifestByTag(repository, tag));  // newest first: during a tag move the new image wins
}

Status GlanceRegistryStore::PutManifest(const std::string& repository, const std::string& digest,
                                        const std::string& media_type, const std::string& bytes,
                                        const std::string& tag, const std::string& subject) {
  auto filter = ManifestByDigest(repository, digest);
  filter.owner = project_id_;
  ASSIGN_OR_RETURN(auto existing, First(filter));
  std::string target_id;
  if (existing) {
    target_id = existing->id;
    if (!tag.empty() &&
        std::find(existing->tags.begin(), existing->tags.end(), tag) == existing->tags.end()) {
      RETURN_IF_ERROR(glance_.AddTag(target_id, tag));
    }
  } else {
    glance::CreateImageRequest create;
    create.name = repository + "@" + digest;
    create.container_format = "bare";
    create.disk_format = "raw";
    create.visibility = "private";
    create.properties = {{kKindProperty, "manifest"},
                         {kSha256Property, Hex(digest)},
                         {kRepositoryProperty, repository},
                         {kMediaTypeProperty, media_type}};
    if (!subject.empty()) create.properties[kSubjectProperty] = Hex(subject);
    if (!tag.empty()) create.tags = {tag};
    size_t offset = 0;
    auto stored = CreateAndUpload(glance_, journal_, create,
                                  [&](char* buffer, size_t size) -> StatusOr<size_t> {
                                    size_t n = std::min(size, bytes.size() - offset);
                                    std::copy_n(bytes.data() + offset, n, buffer);
                                    offset += n;
                                    return n;
                                  });
    if (!stored.ok()) {
      return stored.status().Annotate("storing manifest " + repository + "@" + digest);
    }
    target_id = *stored;
  }
  if (tag.empty()) return OkStatus();
  auto tagged = ManifestByTag(repository, tag);
  tagged.owner = project_id_;
  ASSIGN_OR_RETURN(auto holders, glance_.ListAll(tagged));
  for (const auto& holder : holders) {
    if (holder.id != target_id) RETURN_IF_ERROR(glance_.RemoveTag(holder.id, tag));
  }
  return OkStatus();
}

Status GlanceRegistryStore::DeleteManifest(const std::string& repository,
                                           const std::string& digest) {
  RETURN_IF_ERROR(DeleteManifestImages(repository, digest));
  return DeleteBootableImages(repository, digest);
}

Status GlanceRegistryStore::DeleteManifestImages(const std::string& repository,
                                                 const std::string& digest) {
  auto filter = ManifestByDigest(repository, digest);
  filter.owner = project_id_;
  ASSIGN_OR_RETURN(auto images, glance_.ListAll(filter));
  if (images.empty()) return NotFound("no manifest " + digest + " in " + repository);
  return DeleteEach(images);
}

Status GlanceRegistryStore::DeleteEach(const std::vector<glance::GlanceImage>& images) {
  for (const auto& image : images) {
    Status deleted = glance_.Delete(image.id);
    // Already gone (a concurrent DELETE got there first): deleted all the same.
    if (!deleted.ok() && deleted.code() != StatusCode::kNotFound) {
      return deleted.Annotate("deleting image " + image.id);
    }
  }
  return OkStatus();
}

Status GlanceRegistryStore::DeleteBootableImages(const std::string& repository,
                                                 const std::string& digest) {
  auto filter = ActiveOf("bootable");
  filter.properties[kRepositoryProperty] = repository;
  filter.properties[kSha256Property] = Hex(digest);
  filter.owner = project_id_;
  ASSIGN_OR_RETURN(auto images, glance_.ListAll(filter));
  return DeleteEach(images);
}

Status GlanceRegistryStore::RemoveTag(const std::string& repository, const std::string& tag) {
  auto filter = ManifestByTag(repository, tag);
  filter.owner = project_id_;
  ASSIGN_OR_RETURN(auto holders, glance_.ListAll(filter));
  if (holders.empty()) return NotFound("no tag " + tag + " in " + repository);
  for (const auto& holder : holders) {
    Status removed = glance_.RemoveTag(holder.id, tag);
    // A concurrent DELETE of the same tag got there first: removed all the same.
    if (!removed.ok() && removed.code() != StatusCode::kNotFound) {
      return removed.Annotate("removing tag " + tag + " from manifest image " + holder.id);
    }
  }
  return OkStatus();
}

Status GlanceRegistryStore::DeleteTagBootableImages(const std::string& repository,
                                                    const std::string& tag) {
  auto filter = ActiveOf("bootable");
  filter.properties[kRepositoryProperty] = repository;
  filter.properties[kTagProperty] = tag;
  filter.owner = project_id_;
  ASSIGN_OR_RETURN(auto images, glance_.ListAll(filter));
  return DeleteEach(images);
}

StatusOr<bool> GlanceRegistryStore::TagPointsAt(const std::string& repository,
                                                const std::string& tag, const std::string& digest) {
  auto filter = ManifestByTag(repository, tag);
  filter.owner = project_id_;
  // Any holder counts: while a tag moves, both manifest images carry it for a moment, and
  // the newer job of the tag replaces this image anyway.
  ASSIGN_OR_RETURN(auto tagged, glance_.ListAll(filter));
  for (const auto& image : tagged) {
    if (image.Property(kSha256Property) == Hex(digest)) return true;
  }
  return false;
}

StatusOr<std::vector<glance::GlanceImage>> GlanceRegistryStore::OwnBlobImages(
    const std::string& digest) {
  auto filter = ActiveOf("blob");
  filter.properties[kSha256Property] = Hex(digest);
  filter.owner = project_id_;
  return glance_.ListAll(filter);
}

Status GlanceRegistryStore::DeleteBlob(const std::string& digest) {
  ASSIGN_OR_RETURN(auto images, OwnBlobImages(digest));
  if (images.empty()) return NotFound("no blob " + digest + " in project " + project_id_);
  return DeleteEach(images);
}

Status GlanceRegistryStore::ForEachOwnManifest(
    uint64_t max_manifest_bytes,
    const std::function<void(const glance::GlanceImage&, const std::vector<std::string>&)>& visit) {
  // Manifest images carry no list of what they reference (Glance property values are short),
  // so each one is read: they are small, and deletes are rare.
  auto filter = ActiveOf("manifest");
  filter.owner = project_id_;
  ASSIGN_OR_RETURN(auto manifests, glance_.ListAll(filter));
  for (const auto& image : manifests) {
    ASSIGN_OR_RETURN(auto bytes, ReadSmallImage(image, max_manifest_bytes));
    auto document = ParseManifest(bytes, image.Property(kMediaTypeProperty));
    // Stored only after it parsed; one that does not was not made by a registry.
    if (document.ok()) visit(image, document->blob_digests);
  }
  return OkStatus();
}

StatusOr<std::vector<std::string>> GlanceRegistryStore::ManifestsUsingBlob(
    const std::string& blob_digest, uint64_t max_manifest_bytes) {
  std::vector<std::string> users;
  RETURN_IF_ERROR(ForEachOwnManifest(
      max_manifest_bytes,
      [&](const glance::GlanceImage& image, const std::vector<std::string>& blobs) {
        if (std::find(blobs.begin(), blobs.end(), blob_digest) != blobs.end()) {
          users.push_back(image.Property(kRepositoryProperty) +
                          "@sha256:" + image.Property(kSha256Property));
        }
      }));
  return users;
}

StatusOr<std::set<std::string>> GlanceRegistryStore::BlobsInUse(uint64_t max_manifest_bytes) {
  std::set<std::string> in_use;
  RETURN_IF_ERROR(ForEachOwnManifest(
      max_manifest_bytes, [&](const glance::GlanceImage&, const std::vector<std::string>& blobs) {
        in_use.insert(blobs.begin(), blobs.end());
      }));
  return in_use;
}

StatusOr<std::vector<glance::GlanceImage>> GlanceRegistryStore::Referrers(
    const std::string& repository, const std::string& digest) {
  auto filter = ManifestsOf(repository);
  filter.properties[kSubjectProperty] = Hex(digest);
  return glance_.ListAll(filter);
}

StatusOr<std::vector<glance::GlanceImage>> GlanceRegistryStore::Manifests(
    const std::string& repository) {
  return glance_.ListAll(ManifestsOf(repository));
}

StatusOr<std::vector<std::string>> GlanceRegistryStore::Repositories() {
  ASSIGN_OR_RETURN(auto images, glance_.ListAll(ActiveOf("manifest")));
  std::set<std::string> names;
  for (const auto& image : images) {
    std::string name = image.Property(kRepositoryProperty);
    if (!name.empty()) names.insert(name);
  }
  return std::vector<std::string>(names.begin(), names.end());
}

}  // namespace boxcar::registry
