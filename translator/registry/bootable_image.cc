#include "registry/bootable_image.h"

#include <fcntl.h>
#include <spdlog/spdlog.h>
#include <sys/stat.h>
#include <unistd.h>

#include <set>

#include "common/delay_points.h"
#include "common/unique_fd.h"
#include "glance/glance_client.h"
#include "registry/glance_registry_store.h"
#include "registry/tar_writer.h"

namespace boxcar::registry {
namespace {

std::string Hex(const std::string& digest) { return digest.substr(digest.find(':') + 1); }
std::string BlobPath(const std::string& digest) { return "blobs/sha256/" + Hex(digest); }

std::string Quoted(const std::string& text) {
  std::string out = "\"";
  for (char c : text) {
    if (c == '"' || c == '\\') out.push_back('\\');
    out.push_back(c);
  }
  return out + "\"";
}

// The archive's index files: index.json (OCI) and manifest.json (docker-archive).
std::string IndexJson(const BootableImageJob& job) {
  return "{\"schemaVersion\":2,\"manifests\":[{\"mediaType\":" + Quoted(job.media_type) +
         ",\"digest\":" + Quoted(job.manifest_digest) +
         ",\"size\":" + std::to_string(job.manifest_bytes.size()) +
         ",\"annotations\":{\"org.opencontainers.image.ref.name\":" + Quoted(job.tag) + "}}]}";
}

std::string DockerManifestJson(const BootableImageJob& job) {
  std::string layers;
  for (size_t i = 1; i < job.blob_digests.size(); ++i) {
    layers += (i > 1 ? "," : "") + Quoted(BlobPath(job.blob_digests[i]));
  }
  return "[{\"Config\":" + Quoted(BlobPath(job.blob_digests.front())) + ",\"RepoTags\":[" +
         Quoted(job.repository + ":" + job.tag) + "],\"Layers\":[" + layers + "]}]";
}

Status WriteArchive(const BootableImageJob& job, GlanceRegistryStore& store, int fd) {
  TarWriter tar(fd);
  RETURN_IF_ERROR(tar.AddFile("oci-layout", "{\"imageLayoutVersion\":\"1.0.0\"}"));
  RETURN_IF_ERROR(tar.AddFile("index.json", IndexJson(job)));
  RETURN_IF_ERROR(tar.AddFile("manifest.json", DockerManifestJson(job)));
  RETURN_IF_ERROR(tar.AddDirectory("blobs/"));
  RETURN_IF_ERROR(tar.AddDirectory("blobs/sha256/"));
  RETURN_IF_ERROR(tar.AddFile(BlobPath(job.manifest_digest), job.manifest_bytes));
  std::set<std::string> written;
  for (const auto& digest : job.blob_digests) {
    if (!written.insert(digest).second) continue;
    ASSIGN_OR_RETURN(auto image, store.FindBlob(digest));
    if (!image) return NotFound("blob " + digest + " is no longer in Glance");
    RETURN_IF_ERROR(tar.BeginFile(BlobPath(digest), image->size.value_or(0)));
    RETURN_IF_ERROR(store.ReadImage(
        *image, [&](const char* bytes, size_t size) { return tar.Write(bytes, size); }));
    RETURN_IF_ERROR(tar.EndFile());
  }
  return tar.Finish();
}

// Drops the queued jobs of one project's repository that `matches` (the caller holds the
// queue's lock); the others keep their order.
template <typename Match>
void DropQueued(std::deque<BootableImageJob>& queue, const std::string& project_id,
                const std::string& repository, const Match& matches) {
  std::erase_if(queue, [&](const BootableImageJob& job) {
    return job.session.project_id == project_id && job.repository == repository && matches(job);
  });
}

}  // namespace

StatusOr<std::string> PublishBootableImage(const BootableImageJob& job, const std::string& work_dir,
                                           const TlsOptions& cloud_tls, GlanceWriteJournal* journal,
                                           std::mutex* settle) {
  if (job.blob_digests.empty()) return InvalidArgument("bootable image: a manifest without config");
  GlanceRegistryStore store(job.session, cloud_tls);
  // An unnamed temporary file: nothing to clean up after a crash.
  UniqueFd fd(::open(work_dir.c_str(), O_TMPFILE | O_RDWR | O_CLOEXEC, 0600));
  if (!fd) return ErrnoStatus("creating a temporary archive in '" + work_dir + "'");
  spdlog::debug("bootable image of {}:{}: writing the archive of {} blobs", job.repository, job.tag,
                job.blob_digests.size());
  RETURN_IF_ERROR(WriteArchive(job, store, fd.get()));
  spdlog::debug("bootable image of {}:{}: archive written, uploading", job.repository, job.tag);
  DelayPoint("bootable.before_upload");
  if (::lseek(fd.get(), 0, SEEK_SET) != 0) return ErrnoStatus("rewinding the temporary archive");

  glance::GlanceClient glance(job.session, cloud_tls);
  glance::CreateImageRequest create;
  create.name = job.repository + ":" + job.tag;
  create.container_format = "docker";
  create.disk_format = "raw";
  create.visibility = "private";
  create.properties = {{kKindProperty, "bootable"},
                       {kRepositoryProperty, job.repository},
                       {kTagProperty, job.tag},
                       {kSha256Property, Hex(job.manifest_digest)},
                       {kMediaTypeProperty, job.media_type},
                       {"boxcar_config_digest", job.blob_digests.front()},
                       {"boxcar_manifest_digest", job.manifest_digest},
                       {"boxcar_references", job.repository + ":" + job.tag}};
  auto image_id =
      CreateAndUpload(glance, journal, create, [&](char* buffer, size_t size) -> StatusOr<size_t> {
        while (true) {
          ssize_t n = ::read(fd.get(), buffer, size);
          if (n < 0 && errno == EINTR) continue;
          if (n < 0) return ErrnoStatus("reading the temporary archive");
          return static_cast<size_t>(n);
        }
      });
  if (!image_id.ok()) {
    return image_id.status().Annotate("uploading the bootable image of " + create.name);
  }
  spdlog::debug("bootable image {} of {}:{}: uploaded, settling", *image_id, job.repository,
                job.tag);
  std::unique_lock<std::mutex> settling;
  if (settle != nullptr) settling = std::unique_lock<std::mutex>(*settle);
  // The manifest or the tag may have been deleted (or the tag moved) while the archive was
  // built or uploaded; that DELETE saw no active image of ours then, so this one goes here
  // (also when the check fails: a push publishes again, a leftover would stay forever).
  auto held = store.TagPointsAt(job.repository, job.tag, job.manifest_digest);
  if (!held.ok() || !*held) {
    Status removed = glance.Delete(*image_id);
    if (!removed.ok() && removed.code() != StatusCode::kNotFound) {
      spdlog::warn("bootable image {} of {}:{}: deleting it again: {}", *image_id, job.repository,
                   job.tag, removed.message());
    }
    if (!held.ok()) return held.status().Annotate("checking the manifest of " + create.name);
    return NotFound("tag " + create.name + " no longer points at manifest " + job.manifest_digest +
                    " (deleted or moved meanwhile): its bootable image " + *image_id +
                    " was removed");
  }
  // Only now the older images of this tag go.
  glance::ListImagesFilter older;
  older.properties = {
      {kKindProperty, "bootable"}, {kRepositoryProperty, job.repository}, {kTagProperty, job.tag}};
  older.owner = job.session.project_id;
  ASSIGN_OR_RETURN(auto previous, glance.ListAll(older));
  for (const auto& old : previous) {
    if (old.id != *image_id) (void)glance.Delete(old.id);
  }
  return *image_id;
}

BootableImagePublisher::BootableImagePublisher(std::string work_dir, GlanceWriteJournal* journal,
                                               TlsOptions cloud_tls)
    : work_dir_(std::move(work_dir)),
      journal_(journal),
      cloud_tls_(std::move(cloud_tls)),
      worker_([this] { Run(); }) {}

BootableImagePublisher::~BootableImagePublisher() {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    stopping_ = true;
    queue_.clear();
  }
  changed_.notify_all();
  worker_.join();
}

void BootableImagePublisher::Enqueue(BootableImageJob job) {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    DropQueued(queue_, job.session.project_id, job.repository,
               [&](const BootableImageJob& queued) { return queued.tag == job.tag; });
    queue_.push_back(std::move(job));
  }
  changed_.notify_all();
}

Status BootableImagePublisher::DeleteManifest(GlanceRegistryStore& store,
                                              const std::string& repository,
                                              const std::string& digest) {
  RETURN_IF_ERROR(store.DeleteManifestImages(repository, digest));
  {
    std::lock_guard<std::mutex> lock(mutex_);
    DropQueued(queue_, store.project_id(), repository,
               [&](const BootableImageJob& queued) { return queued.manifest_digest == digest; });
  }
  std::lock_guard<std::mutex> settling(settle_mutex_);
  return store.DeleteBootableImages(repository, digest);
}

Status BootableImagePublisher::DeleteTag(GlanceRegistryStore& store, const std::string& repository,
                                         const std::string& tag) {
  RETURN_IF_ERROR(store.RemoveTag(repository, tag));
  {
    std::lock_guard<std::mutex> lock(mutex_);
    DropQueued(queue_, store.project_id(), repository,
               [&](const BootableImageJob& queued) { return queued.tag == tag; });
  }
  std::lock_guard<std::mutex> settling(settle_mutex_);
  return store.DeleteTagBootableImages(repository, tag);
}

void BootableImagePublisher::Run() {
  while (true) {
    BootableImageJob job;
    {
      std::unique_lock<std::mutex> lock(mutex_);
      changed_.wait(lock, [this] { return stopping_ || !queue_.empty(); });
      if (stopping_) return;
      job = std::move(queue_.front());
      queue_.pop_front();
    }
    auto published = PublishBootableImage(job, work_dir_, cloud_tls_, journal_, &settle_mutex_);
    if (published.ok()) {
      spdlog::info("bootable image {} of {}:{} ({}) published for project {}", *published,
                   job.repository, job.tag, job.manifest_digest, job.session.project_id);
    } else {
      spdlog::warn("bootable image of {}:{} for project {}: {}", job.repository, job.tag,
                   job.session.project_id, published.status().message());
    }
  }
}

}  // namespace boxcar::registry
