// Images on disk: blobs in the BlobStore, one unpacked directory per layer
// (<root>/layers/<number>, short so that many layers fit in one overlay mount), and records
// in SQLite. Everything an import creates becomes visible in one transaction at the end.
#pragma once

#include <atomic>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "boxcar/v1/images.pb.h"
#include "boxcar/v1/system.pb.h"
#include "common/identifiers.h"
#include "common/user_namespace.h"
#include "store/blob_store.h"
#include "store/early_layer_unpacks.h"
#include "store/image_archive.h"
#include "store/image_archive_stream.h"
#include "store/image_config.h"
#include "store/image_export.h"
#include "store/layer_unpacker.h"
#include "store/sqlite_database.h"

namespace boxcar {

// "name@sha256:<hex>" as the store keeps a repo digest (the name validated and normalised as
// ParseImageReference does, a tag before the '@' dropped); errors name `field`.
StatusOr<std::string> CanonicalRepoDigest(const std::string& text, const std::string& field);

class ImageStore {
 public:
  // `root_dir` holds layers/ and tmp/; `db` and `blobs` outlive the store.
  static StatusOr<std::unique_ptr<ImageStore>> Open(const std::string& root_dir, SqliteDatabase* db,
                                                    BlobStore* blobs, UnpackLimits limits);
  // The agent's root (--root): where layers/, tmp/ and the blobs are.
  const std::string& root_dir() const { return root_dir_; }

  // How far an import has got with its layers: `report` gets (layers checked or unpacked,
  // layers in all) after each one, on the importing thread.
  struct LayerProgress {
    std::function<void(uint32_t done, uint32_t total)> report;
    uint32_t done = 0;
    uint32_t total = 0;
    void Step() {
      ++done;
      if (report) report(done, total);
    }
  };

  // An import stream arriving in chunks. Its first bytes decide how it is kept: an image
  // archive (see StartsLikeImageArchive) is read as it comes, its members stored as blobs;
  // anything else (a rootfs tarball, or an archive that does not start like one) is stored
  // whole as one blob first. Nothing is visible until Finish() succeeds, and an import
  // dropped before that leaves nothing behind.
  class ImageImport {
   public:
    ~ImageImport();
    Status Write(const void* bytes, size_t size);
    // The same, taking the chunk over where it can (an archive read as it comes).
    Status Write(std::string&& chunk);
    uint64_t bytes_received() const { return bytes_received_; }
    // `progress` (may be null) hears of every layer as it is checked or unpacked.
    StatusOr<v1::Image> Finish(LayerProgress* progress = nullptr);

   private:
    friend class ImageStore;
    ImageImport(ImageStore* store, std::string reference, std::string expected_digest,
                v1::ImageConfig config, std::string comment,
                std::unique_ptr<BlobStore::Writer> writer)
        : store_(store),
          reference_(std::move(reference)),
          expected_digest_(std::move(expected_digest)),
          config_(std::move(config)),
          comment_(std::move(comment)),
          writer_(std::move(writer)) {}
    // Chooses, from head_, between reading an archive as it comes and keeping the whole
    // stream, and hands head_ over.
    Status Decide();
    StatusOr<v1::Image> FinishWholeStream(LayerProgress* progress);
    StatusOr<v1::Image> FinishArchiveStream(LayerProgress* progress);

    ImageStore* store_;
    std::string reference_;  // as given; validated once the format is known
    std::string expected_digest_;
    v1::ImageConfig config_;
    std::string comment_;                        // of a rootfs tarball's history entry
    std::unique_ptr<BlobStore::Writer> writer_;  // the whole stream, until archive_ is chosen
    // Declared before archive_, whose reader thread feeds it: destroyed after.
    std::unique_ptr<EarlyLayerUnpacks> early_unpacks_;  // archive_'s layers, as they come
    std::unique_ptr<ImageArchiveStream> archive_;       // an archive read as it comes
    std::optional<Sha256> archive_hasher_;              // archive_'s bytes, for expected_digest_
    std::string head_;                                  // the first bytes, until Decide()
    bool decided_ = false;
    bool finished_ = false;
    uint64_t bytes_received_ = 0;
  };

  // An image assembled from blobs fetched one at a time (a registry pull, image_store_pull.cc).
  // Layers are stored and unpacked while they download, several at once; each stored blob is
  // pinned until the pull ends. Nothing is visible until Finish() succeeds, and a pull dropped
  // before that (or cut by a crash: start-up clears tmp/ and unrecorded blobs) leaves nothing.
  class BlobPull {
   public:
    // One layer blob arriving: its bytes go to the blob store (hashed as they come) and to an
    // unpacker on a thread of its own. Dropped without Commit(), it leaves nothing.
    class LayerDownload {
     public:
      ~LayerDownload();
      Status Write(const char* bytes, size_t size);
      uint64_t bytes_written() const { return writer_->bytes_written(); }
      // Verifies the digest (kInvalidArgument "digest mismatch: ...") and stores the blob.
      Status Commit();

     private:
      friend class BlobPull;
      LayerDownload(BlobPull* pull, std::string digest, uint64_t size,
                    std::unique_ptr<BlobStore::Writer> writer)
          : pull_(pull), digest_(std::move(digest)), size_(size), writer_(std::move(writer)) {}
      BlobPull* pull_;
      std::string digest_;
      uint64_t size_;
      std::unique_ptr<BlobStore::Writer> writer_;
      std::unique_ptr<MemberTap::Copy> unpack_;  // opened at the first bytes
      bool opened_ = false;
      bool unpack_lent_ = false;  // writer_ lends its blocks to unpack_
    };

    ~BlobPull();
    // True when the store has the layer of this blob and the blob itself: no download needed.
    // The blob is then pinned until the pull ends.
    bool KeepExistingLayer(const std::string& digest);
    // True when the blob is in the store (pinned until the pull ends).
    bool KeepExistingBlob(const std::string& digest);
    StatusOr<std::unique_ptr<LayerDownload>> BeginLayer(const std::string& digest, uint64_t size);
    // A small blob (the config) already in memory, verified against `digest`.
    Status StoreBlob(const std::string& content, const std::string& digest);
    // Checks the config against the layers, takes the layers unpacked while they downloaded
    // (unpacks any other from its blob) and records the image with `references` and
    // `repo_digests` ("name@sha256:<manifest digest>"; both may be empty), in one
    // transaction.
    StatusOr<v1::Image> Finish(const std::vector<std::string>& references,
                               const std::vector<std::string>& repo_digests,
                               const std::string& config_digest,
                               const std::vector<std::string>& layer_digests,
                               LayerProgress* progress = nullptr);

   private:
    friend class ImageStore;
    explicit BlobPull(ImageStore* store);
    void Keep(const std::string& digest);  // pins, remembers for the release at the end
    void KeepPinned(const std::string& digest);  // one a writer's CommitPinned pinned

    ImageStore* store_;
    std::mutex mutex_;  // guards stored_blobs_ and early_unpacks_->Open
    std::vector<std::string> stored_blobs_;
    std::unique_ptr<EarlyLayerUnpacks> early_unpacks_;
    bool finished_ = false;
  };
  StatusOr<std::unique_ptr<BlobPull>> BeginBlobPull();

  // Validates the header (errors name header.reference / header.expected_digest). The stream
  // is a plain rootfs tarball (which needs header.reference) or an image archive (OCI layout
  // or docker-archive as a tar, whose own tags are used unless header.reference is given).
  StatusOr<std::unique_ptr<ImageImport>> BeginImport(const v1::ImportHeader& header);

  // Finds an image by reference, name@sha256:<manifest or image digest>, full id or unique
  // hex prefix of the id. `field` names the
  // request field in errors.
  StatusOr<v1::Image> Resolve(const std::string& image, const std::string& field);
  // Oldest first; without `all`, not the untagged images of the build cache (its steps').
  StatusOr<std::vector<v1::Image>> List(bool all);
  // Untags (a reference) or deletes (an id, or the last reference). Only what would delete
  // an image that containers use is refused, unless `force`, which then only untags.
  StatusOr<v1::RemoveImageResponse> Remove(const std::string& image, bool force);
  // Points `reference` at the image; errors name the field ("image", "reference").
  StatusOr<v1::Image> Tag(const std::string& image, const std::string& reference);
  // Deletes images no container uses: untagged ones but those of the build cache, or every
  // one with `all` (the build cache's too: the only way to drop it).
  StatusOr<v1::PruneImagesResponse> Prune(bool all);
  // Digest of the OCI manifest Save writes for `image` (see image_manifest.h).
  StatusOr<std::string> ManifestDigest(const v1::Image& image);
  // Writes `images` (references, ids or prefixes; errors name "images") as one archive.
  Status Save(const std::vector<std::string>& images, ImageArchiveFormat format,
              const ArchiveSink& sink);
  // Unpacked layer directories of an image, lowest first.
  StatusOr<std::vector<std::string>> LayerDirectories(const std::string& image_id);

  // `boxcar commit` (image_store_commit.cc): `upper_dir` (a container's changes) becomes a new
  // layer on top of `base_image_id`'s, with a config that applies `changes` and records a
  // history entry; `reference` (may be empty) names the new image.
  struct CommitChanges {
    std::optional<std::vector<std::string>> cmd;
    std::optional<std::vector<std::string>> entrypoint;
    std::vector<std::string> env;  // KEY=value, replacing the same keys
    std::optional<std::string> working_dir;
    std::optional<std::string> user;
    std::string comment;
    std::string created_by;
    // The container's user namespace: owners in `upper_dir` are its host ids, shifted back.
    IdMapping ids;
  };
  StatusOr<v1::Image> Commit(const std::string& base_image_id, const std::string& upper_dir,
                             const std::string& reference, const CommitChanges& changes);

  // A build step's image (image_store_build.cc): the layers `layer_digests` (blobs of the
  // store, lowest first), plus `new_layer_dir` written as one more layer when not empty, and
  // the config `config_json` returns for the new layer's digest ("" when there is none). The
  // image is recorded without references. With `adopt_layer_dir` (a directory under tmp/
  // holding no overlay whiteouts), that directory becomes the layer's unpacked directory
  // instead of a copy unpacked from the blob; it is consumed either way.
  StatusOr<v1::Image> StoreBuiltImage(
      const std::vector<std::string>& layer_digests, const std::string& new_layer_dir,
      const std::function<std::string(const std::string& new_layer_digest)>& config_json,
      bool adopt_layer_dir = false);
  // How `image` (reference, id or prefix; errors name "image") was made: its config's
  // history, each entry with its layer (image_store_history.cc).
  StatusOr<v1::ImageHistoryResponse> History(const std::string& image);
  // The config JSON of a stored image.
  StatusOr<std::string> ReadImageConfig(const std::string& image_id) {
    return blobs_->ReadBlob(image_id);
  }

  // Archives known to hold an image (image_store_archive_digests.cc): "ALGO:HEX" of an
  // archive's bytes, recorded once those bytes were imported (or written by Save and hashed by
  // their receiver), so that the same archive is recognised again without its transfer. A
  // digest found is a proof of content only if the caller's hash of the bytes was computed by
  // someone it trusts (Glance's os_hash_value, never a property a user can set).
  Status RecordArchiveDigest(const std::string& archive_digest, const std::string& image_id);
  // The image an archive digest was recorded for; std::nullopt when none (or it was removed).
  StatusOr<std::optional<v1::Image>> FindByArchiveDigest(const std::string& archive_digest);

  // `boxcar system check [--repair]` (image_store_check.cc).
  StatusOr<v1::CheckResponse> Check(bool repair);

  // Start-up repair after a crash: clears tmp/, removes layer directories and blobs that no
  // record refers to.
  Status RemoveOrphans();

 private:
  ImageStore(std::string root_dir, SqliteDatabase* db, BlobStore* blobs, UnpackLimits limits)
      : root_dir_(std::move(root_dir)), db_(db), blobs_(blobs), limits_(limits) {}
  std::string LayerDirectory(int64_t number) const;
  StatusOr<v1::Image> LoadImage(const std::string& id);
  // `name@digest`: the image pulled as that repo digest, else an image referenced as
  // `name:<any tag>` whose id or manifest digest is `digest`. Called with the database lock
  // held.
  StatusOr<v1::Image> ResolveByDigest(const std::string& name, const std::string& digest,
                                      const std::string& field);
  // An OCI layout or docker-archive stored whole as a blob: read, then StoreArchive; the
  // archive blob is deleted.
  StatusOr<v1::Image> FinishArchiveImport(const std::string& reference,
                                          const std::string& archive_digest,
                                          LayerProgress* progress = nullptr);
  // A layer unpacked into a tmp/ directory, not yet recorded.
  using UnpackedLayerDirectory = boxcar::UnpackedLayerDirectory;
  // Unpacked layer directories that are removed with their owner unless recorded meanwhile.
  struct PendingLayers {
    PendingLayers() = default;
    PendingLayers(PendingLayers&& other) noexcept : layers(std::move(other.layers)) {
      other.layers.clear();
    }
    PendingLayers& operator=(PendingLayers&&) = delete;
    ~PendingLayers();
    std::vector<UnpackedLayerDirectory> layers;
  };
  // Every image of a read archive, layers verified against the configs' diff ids, recorded
  // together; `reference` (may be empty) overrides the archive's own tags for its first image.
  // The `stored_blobs` no record refers to afterwards are deleted, whatever the outcome.
  // `unpacked` are layers unpacked while the archive arrived; their directories are consumed.
  StatusOr<v1::Image> StoreArchive(const std::string& reference, StatusOr<ImageArchive> archive,
                                   const std::vector<std::string>& stored_blobs,
                                   LayerProgress* progress = nullptr, PendingLayers unpacked = {});
  // An image whose config and layers are checked and whose missing layers are unpacked:
  // ready to be recorded.
  struct PreparedImage {
    v1::Image image;
    std::vector<std::string> references;
    PendingLayers new_layers;
    std::vector<std::string> repo_digests;
  };
  // True when a layer of the store has `digest` as its blob digest or diff id.
  bool HasLayerOfBlob(const std::string& digest);
  // mkdtemp under tmp/ with the mode a layer root needs.
  StatusOr<std::string> MakeUnpackDirectory();
  // Reads the config, unpacks the layers neither the store nor `earlier` (images of the same
  // archive) has, and checks their diff ids. Layers in `unpacked_by_caller` (may be null) are
  // taken from there instead of being unpacked.
  StatusOr<PreparedImage> PrepareImage(const struct ArchivedImage& archived,
                                       const std::vector<std::string>& references,
                                       const std::vector<PreparedImage>& earlier,
                                       PendingLayers* unpacked_by_caller = nullptr,
                                       LayerProgress* progress = nullptr);
  // Moves the new layers into layers/ and records images, layer links and references, all in
  // one transaction; returns the stored images in order.
  StatusOr<std::vector<v1::Image>> RecordImages(std::vector<PreparedImage>& prepared);
  // PrepareImage + RecordImages for one image. `unpacked` are layers the caller already
  // unpacked; their directories are consumed (moved or removed) whatever the outcome.
  StatusOr<v1::Image> StoreImage(const struct ArchivedImage& archived,
                                 const std::vector<std::string>& references,
                                 PendingLayers unpacked = {});
  void DeleteUnreferencedBlobs(const std::vector<std::string>& digests);
  // The end of an archive import: unpins the blobs it stored, then deletes those no image
  // uses (and no other import in flight has pinned).
  void ReleaseArchiveBlobs(const std::vector<std::string>& digests);
  StatusOr<v1::Image> FinishImport(const ImageReference& reference, const std::string& blob_digest,
                                   const v1::ImageConfig& config, const std::string& comment,
                                   LayerProgress* progress = nullptr);
  // Deletes layers no image refers to; adds the bytes freed to `*reclaimed` when given.
  Status DeleteUnusedLayers(uint64_t* reclaimed = nullptr);

  std::string root_dir_;
  // Imports whose blobs may be committed but not yet recorded: Check leaves orphan blobs
  // alone while any runs.
  std::atomic<int> imports_in_flight_{0};
  SqliteDatabase* db_;
  BlobStore* blobs_;
  UnpackLimits limits_;
};

}  // namespace boxcar
