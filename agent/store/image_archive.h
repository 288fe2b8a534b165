// Reads a multi-image archive — an OCI image layout (as a tar; also with a docker-compatible
// manifest.json beside it, as `ctr images export` and Docker 25's `docker save` write it) or a
// docker-archive (skopeo's or `docker save`'s shape) — into the blob store, and says which
// images it holds.
//
// Refused, with a message naming the member, blob or descriptor: a member name given twice;
// malformed JSON in manifest.json, index.json or a manifest; a manifest or config missing from
// the archive; an OCI descriptor whose media type is not what its place needs (index.json: an
// image manifest or index; config: an OCI or Docker image config; layers: an OCI or Docker
// tar layer, uncompressed, gzip or zstd, not encrypted) or whose size differs from its blob.
// An image index (multi-platform image) resolves to its linux manifest for this host's
// architecture.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "common/status.h"
#include "store/blob_store.h"

struct archive;  // libarchive

namespace boxcar {

// One image of an archive: its config blob, its layer blobs lowest first, and the
// references the archive gives it (manifest.json's "RepoTags"; index.json annotations
// "io.containerd.image.name" and "org.opencontainers.image.ref.name", which may be a bare
// tag). An image listed twice is one image with the references of both.
struct ArchivedImage {
  std::string config_digest;
  std::vector<std::string> layer_digests;
  std::vector<std::string> references;
  // "name@sha256:<manifest digest>" this image is known by in a registry (a pull's).
  std::vector<std::string> repo_digests;
};

struct ImageArchive {
  std::vector<ArchivedImage> images;
};

// Sees each blob member of an archive while it is stored, so that layers can be unpacked as
// they arrive (early_layer_unpacks.h). Called on the thread that reads the archive.
class MemberTap {
 public:
  // A copy of one member's bytes. It never fails the import: a copy that cannot be taken any
  // more is dropped.
  class Copy {
   public:
    virtual ~Copy() = default;  // without Finish: the member was not stored
    virtual void Write(const char* bytes, size_t size) = 0;
    // Where the blob writer may lend the member's blocks instead (TakeBlobBlocks), and how many
    // bytes of them at most may be out at once; null: Write it is.
    virtual LentBlockSink LentBlocks() { return nullptr; }
    virtual size_t max_lent_bytes() const { return 0; }
    // The member is stored as the blob `digest` of `size` bytes.
    virtual void Finish(const std::string& digest, uint64_t size) = 0;
  };
  virtual ~MemberTap() = default;
  // Member `name` of `size` bytes begins with `head` (at least one byte); null: no copy.
  virtual std::unique_ptr<Copy> Open(const std::string& name, uint64_t size,
                                     std::string_view head) = 0;
};

// Has `writer` lend its blocks to `copy` when the copy takes them (no copy of the bytes is
// made then); false when it must be given them with Write.
bool TakeBlobBlocks(MemberTap::Copy* copy, BlobStore::Writer* writer);

// True when the tar at `path` is an image archive (has manifest.json or index.json) rather
// than a plain rootfs tarball.
bool LooksLikeImageArchive(const std::string& path);

// Stores every file of the archive that an image can refer to as a blob (OCI blobs are
// checked against their names) and resolves the manifests. Errors name the archive member.
// `stored_blobs` receives every blob written, also on failure: the caller deletes those no
// record refers to. `tap` (may be null) is shown every blob member as it is stored.
StatusOr<ImageArchive> ReadImageArchive(const std::string& path, BlobStore* blobs,
                                        std::vector<std::string>* stored_blobs);
// The same from an opened libarchive tar reader (see image_archive_stream.h).
StatusOr<ImageArchive> ReadImageArchive(::archive* reader, BlobStore* blobs,
                                        std::vector<std::string>* stored_blobs,
                                        MemberTap* tap = nullptr);

}  // namespace boxcar
