// The registry's storage on Glance, with one project's Keystone token, so Glance decides what
// the caller sees. Layout (docs/registry.md):
// - a blob is one private Glance image (bare/raw) of that project, properties
//   boxcar_registry_kind=blob and boxcar_registry_sha256=<hex>; one per digest and project,
//   whatever repository pushed it;
// - a manifest is one Glance image per repository and digest (kind=manifest, repository,
//   sha256, media type), its tags are the Glance image's tags.
// Only `active` images count, so an upload cut midway is never visible; a failed upload
// deletes the image it created.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "common/status.h"
#include "glance/glance_client.h"
#include "registry/glance_write_journal.h"

namespace boxcar::registry {

class GlanceRegistryStore {
 public:
  // Glance's certificate is trusted as `cloud_tls` says (cloud_tls.h). Images it creates are
  // recorded in `journal` (glance_write_journal.h) while being written, when given.
  GlanceRegistryStore(openstack::KeystoneSession session, TlsOptions cloud_tls,
                      GlanceWriteJournal* journal = nullptr)
      : project_id_(session.project_id),
        glance_(std::move(session), cloud_tls),
        cloud_tls_(std::move(cloud_tls)),
        journal_(journal) {}

  // A blob visible to the project (its own, or shared with it by Glance).
  StatusOr<std::optional<glance::GlanceImage>> FindBlob(const std::string& digest);
  // Stores `size` bytes of `source` as the blob `digest` (already verified by the caller),
  // unless the project holds it already.
  Status PutBlob(const std::string& digest, uint64_t size, const glance::DataSource& source);
  // Streams a blob's bytes, verified against Glance's recorded hash.
  Status ReadImage(const glance::GlanceImage& image, const glance::DataSink& sink);
  // Bytes [first, first + length) of an image through one HTTP Range request, which
  // glance-api answers 206 from that offset: nothing before `first` is read. Not hashed (only
  // a whole read can be); the digest is the client's check once it holds the whole blob.
  // kFailedPrecondition when Glance ignored the Range (answered 200): read it whole instead.
  Status ReadImageRange(const glance::GlanceImage& image, uint64_t first, uint64_t length,
                        const glance::DataSink& sink);
  StatusOr<std::string> ReadSmallImage(const glance::GlanceImage& image, uint64_t limit);

  StatusOr<std::optional<glance::GlanceImage>> FindManifest(const std::string& repository,
                                                            const std::string& digest);
  StatusOr<std::optional<glance::GlanceImage>> FindTagged(const std::string& repository,
                                                          const std::string& tag);
  // Stores (or reuses) the manifest image of `repository`@`digest`, then moves `tag` (when
  // given) onto it: added here first, removed from the others after. `subject` (a digest, or
  // empty) is kept as kSubjectProperty for the referrers API.
  Status PutManifest(const std::string& repository, const std::string& digest,
                     const std::string& media_type, const std::string& bytes,
                     const std::string& tag, const std::string& subject = "");
  // Manifest images of `repository` whose subject is `digest`, visible to the project.
  StatusOr<std::vector<glance::GlanceImage>> Referrers(const std::string& repository,
                                                       const std::string& digest);
  // Deletes the project's manifest images of repository@digest (kNotFound when none), then
  // its bootable images (DeleteBootableImages).
  Status DeleteManifest(const std::string& repository, const std::string& digest);
  Status DeleteManifestImages(const std::string& repository, const std::string& digest);
  // Deletes the project's active bootable images (bootable_image.h) of repository@digest; one
  // that is gone meanwhile is no error.
  Status DeleteBootableImages(const std::string& repository, const std::string& digest);
  // Removes `tag` from the project's manifest image of `repository` that carries it
  // (kNotFound when none does); the manifest itself stays, reachable by digest.
  Status RemoveTag(const std::string& repository, const std::string& tag);
  // Deletes the project's active bootable images of repository:tag; one that is gone meanwhile
  // is no error.
  Status DeleteTagBootableImages(const std::string& repository, const std::string& tag);
  // Whether a manifest image of the project tagged `tag` in `repository` is the one of `digest`.
  StatusOr<bool> TagPointsAt(const std::string& repository, const std::string& tag,
                             const std::string& digest);
  // The project's own active images of blob `digest` (not those Glance shares with it).
  StatusOr<std::vector<glance::GlanceImage>> OwnBlobImages(const std::string& digest);
  // Deletes the project's own active images of blob `digest` (kNotFound when none); the
  // caller checked that no manifest uses it (ManifestsUsingBlob).
  Status DeleteBlob(const std::string& digest);
  // "REPOSITORY@DIGEST" of every manifest of the project whose config or layers include
  // `blob_digest` (each manifest image is read: at most `max_manifest_bytes`).
  StatusOr<std::vector<std::string>> ManifestsUsingBlob(const std::string& blob_digest,
                                                        uint64_t max_manifest_bytes);
  // Digests of every blob (config or layer) some manifest of the project uses.
  StatusOr<std::set<std::string>> BlobsInUse(uint64_t max_manifest_bytes);
  // Repository names of every manifest the project sees; sorted, unique.
  StatusOr<std::vector<std::string>> Repositories();
  // Manifest images of `repository` (any digest, any tag) visible to the project.
  StatusOr<std::vector<glance::GlanceImage>> Manifests(const std::string& repository);

  const std::string& project_id() const { return project_id_; }

 private:
  // Deletes `images`; one that is gone meanwhile (a concurrent DELETE got there first) is no
  // error.
  Status DeleteEach(const std::vector<glance::GlanceImage>& images);
  StatusOr<std::optional<glance::GlanceImage>> First(glance::ListImagesFilter filter);
  // Reads and parses every active manifest image the project owns; `visit` gets each one
  // that parses with its blob digests.
  Status ForEachOwnManifest(uint64_t max_manifest_bytes,
                            const std::function<void(const glance::GlanceImage&,
                                                     const std::vector<std::string>&)>& visit);

  std::string project_id_;
  glance::GlanceClient glance_;
  TlsOptions cloud_tls_;  // also for the exchanges made here without glance_
  GlanceWriteJournal* journal_;
};

// The Glance property names of the layout.
inline constexpr const char* kKindProperty = "boxcar_registry_kind";
inline constexpr const char* kSha256Property = "boxcar_registry_sha256";
inline constexpr const char* kRepositoryProperty = "boxcar_registry_repository";
inline constexpr const char* kMediaTypeProperty = "boxcar_registry_media_type";
// The hex digest of a manifest's "subject" (the referrers API).
inline constexpr const char* kSubjectProperty = "boxcar_registry_subject";
// The tag a bootable image (bootable_image.h) was built for.
inline constexpr const char* kTagProperty = "boxcar_registry_tag";

}  // namespace boxcar::registry
