// The bootable form of a tagged image: after `repository:tag` is pushed, one Glance image
// with container_format=docker holding the whole image as one archive, which Nova's compute
// driver and `boxcar image pull glance://ID` use directly. The archive is an OCI layout
// (oci-layout, index.json, blobs/sha256/...) that also carries docker-archive's manifest.json
// pointing at the same blobs, so both kinds of reader take it (as `ctr images export` does);
// blobs go in as pushed, so the manifest digest is kept. It is built from the blobs in Glance
// into a temporary file, uploaded, and only then replaces the previous image of that tag:
// the registry's own pulls never wait for it.
#pragma once

#include <condition_variable>
#include <deque>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "common/status.h"
#include "openstack/keystone_credentials.h"
#include "registry/glance_registry_store.h"
#include "registry/glance_write_journal.h"

namespace boxcar::registry {

struct BootableImageJob {
  openstack::KeystoneSession session;
  std::string repository;
  std::string tag;
  std::string manifest_digest;
  std::string media_type;
  std::string manifest_bytes;
  std::vector<std::string> blob_digests;  // config first, then the layers in order
};

// Builds and uploads the image (recorded in `journal` while written, when given); returns its
// Glance id. Once uploaded, holding `settle` (when given): when the tag no longer points at
// the manifest (the manifest or the tag deleted, or the tag moved, during the upload), the new
// image is deleted again (kNotFound); otherwise the older images of the tag are deleted.
// `cloud_tls`: how Glance's certificate is trusted (cloud_tls.h).
StatusOr<std::string> PublishBootableImage(const BootableImageJob& job, const std::string& work_dir,
                                           const TlsOptions& cloud_tls,
                                           GlanceWriteJournal* journal = nullptr,
                                           std::mutex* settle = nullptr);

// One worker thread publishing jobs in order; a queued job is dropped when a newer one for the
// same repository:tag arrives. The destructor finishes the job in hand and drops the rest.
class BootableImagePublisher {
 public:
  BootableImagePublisher(std::string work_dir, GlanceWriteJournal* journal,
                         TlsOptions cloud_tls = {});
  ~BootableImagePublisher();
  void Enqueue(BootableImageJob job);
  // GlanceRegistryStore::DeleteManifest in step with the worker, so that no bootable image
  // outlives its manifest: the manifest images go first, then the queued jobs of that digest,
  // then (while the worker settles none) the bootable images; an upload in hand finds the
  // manifest gone when it settles and deletes its image itself.
  Status DeleteManifest(GlanceRegistryStore& store, const std::string& repository,
                        const std::string& digest);
  // GlanceRegistryStore::RemoveTag in the same step: the tag goes from its manifest image,
  // then the queued jobs of repository:tag, then (while the worker settles none) the tag's
  // bootable images; an upload in hand finds the tag gone when it settles.
  Status DeleteTag(GlanceRegistryStore& store, const std::string& repository,
                   const std::string& tag);

 private:
  void Run();
  std::string work_dir_;
  GlanceWriteJournal* journal_;
  TlsOptions cloud_tls_;
  // Held while a bootable image is settled (manifest checked, older images deleted) and while
  // DeleteManifest deletes bootable images: never two deletes of one Glance image at once.
  std::mutex settle_mutex_;
  std::mutex mutex_;
  std::condition_variable changed_;
  std::deque<BootableImageJob> queue_;
  bool stopping_ = false;
  std::thread worker_;
};

}  // namespace boxcar::registry
