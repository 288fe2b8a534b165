#include "distribution/glance/glance_transport.h"

#include <spdlog/spdlog.h>

#include <thread>

#include "common/identifiers.h"
#include "distribution/ca_file_check.h"
#include "distribution/glance/byte_pipe.h"
#include "distribution/glance/glance_image_mapping.h"
#include "distribution/glance/openstack_credentials.h"
#include "glance/glance_client.h"
#include "openstack/keystone_auth.h"

namespace boxcar {
namespace {

constexpr size_t kImportChunkBytes = 1 << 20;
constexpr uint64_t kProgressEveryBytes = 8 << 20;

void Report(const TransferProgressSink& progress, v1::TransferState state, uint64_t done,
            uint64_t total) {
  if (!progress) return;
  v1::TransferProgress p;
  p.set_state(state);
  p.set_bytes_done(done);
  p.set_bytes_total(total);
  progress(p);
}

// Keystone's and Glance's certificates are checked against the system's CAs plus the
// request's ca_file (the CLI's --ca-file, OS_CACERT or the cloud's cacert in clouds.yaml).
TlsOptions CloudTls(const std::string& ca_file) {
  TlsOptions tls;
  tls.ca_file = ca_file;
  tls.untrusted_hint =
      ca_file.empty()
          ? "the cloud's certificate is not signed by a CA this host trusts: give the cloud's "
            "CA with --ca-file, OS_CACERT or cacert in clouds.yaml"
          : "the cloud's certificate is not signed by the CA in " + ca_file +
                " (nor by the system's): give the CA that signed it";
  return tls;
}

StatusOr<glance::GlanceClient> Connect(const v1::OpenStackAuth& auth, const std::string& ca_file) {
  auto credentials = ToKeystoneCredentials(auth);
  credentials.tls = CloudTls(ca_file);
  auto session = openstack::Authenticate(credentials);
  if (!session.ok()) return session.status().Annotate("openstack");
  return glance::GlanceClient(std::move(*session), credentials.tls);
}

// Adds the Glance image's recorded references (and the request's) to the stored image.
StatusOr<v1::Image> TagWith(ImageStore* store, v1::Image image,
                            const std::vector<std::string>& references) {
  for (const auto& reference : references) {
    bool present = false;
    for (const auto& have : image.references()) present = present || have == reference;
    if (present) continue;
    auto tagged = store->Tag(image.id(), reference);
    if (!tagged.ok()) return tagged.status().Annotate("tagging " + reference);
    image = std::move(*tagged);
  }
  return image;
}

}  // namespace

void GlanceTransport::RecordArchiveDigest(const std::string& archive_digest,
                                          const std::string& image_id) {
  // Only a shortcut is lost when this fails: the next pull downloads.
  if (Status recorded = store_->RecordArchiveDigest(archive_digest, image_id); !recorded.ok()) {
    spdlog::warn("glance: cannot record {} of image {}: {}", archive_digest, ShortId(image_id),
                 recorded.message());
  }
}

StatusOr<v1::Image> GlanceTransport::Pull(const v1::PullRequest& request,
                                          const TransferProgressSink& progress,
                                          const TransferCancelCheck& cancelled) {
  ASSIGN_OR_RETURN(const std::string id, GlanceLocationId(request.source(), "source", true));
  RETURN_IF_ERROR(CheckCaFile(request.ca_file(), "ca_file"));
  ASSIGN_OR_RETURN(auto client, Connect(request.openstack(), request.ca_file()));
  ASSIGN_OR_RETURN(auto image, client.Show(id));
  RETURN_IF_ERROR(CheckPullable(image));
  // The caller's reference, else the ones the image's owner recorded (boxcar_references: a
  // property any owner sets, so never names in the compute driver's cache).
  std::vector<std::string> references = request.reference().empty()
                                            ? GlanceReferences(image)
                                            : std::vector<std::string>{request.reference()};
  const uint64_t total = image.size.value_or(0);

  // Already stored (pulled before, or pushed from here): nothing to download — known by the
  // hash Glance computed of the data, never by the boxcar_config_digest property (anyone can
  // write that one, naming another project's image).
  const std::optional<std::string> archive_digest = GlanceArchiveDigest(image);
  if (archive_digest) {
    ASSIGN_OR_RETURN(auto stored, store_->FindByArchiveDigest(*archive_digest));
    if (stored) {
      Report(progress, v1::TRANSFER_STATE_EXISTS, total, total);
      return TagWith(store_, std::move(*stored), references);
    }
  }

  v1::ImportHeader header;
  header.set_reference(request.reference());
  header.set_total_bytes(total);
  ASSIGN_OR_RETURN(auto import, store_->BeginImport(header));
  std::string pending;
  pending.reserve(kImportChunkBytes);
  uint64_t done = 0;
  uint64_t reported = 0;
  Report(progress, v1::TRANSFER_STATE_DOWNLOADING, 0, total);
  Status downloaded = client.Download(
      image,
      [&](const char* bytes, size_t size) -> Status {
        pending.append(bytes, size);
        done += size;
        if (done - reported >= kProgressEveryBytes) {
          reported = done;
          Report(progress, v1::TRANSFER_STATE_DOWNLOADING, done, total);
        }
        if (pending.size() < kImportChunkBytes) return OkStatus();
        std::string chunk;
        chunk.swap(pending);
        pending.reserve(kImportChunkBytes);
        return import->Write(std::move(chunk));
      },
      cancelled);
  // A failed or unverified download drops `import`: nothing of it stays in the store.
  if (!downloaded.ok()) return downloaded.Annotate("pulling " + request.source());
  if (!pending.empty()) {
    RETURN_IF_ERROR(import->Write(std::move(pending)).Annotate("pulling " + request.source()));
  }
  Report(progress, v1::TRANSFER_STATE_UNPACKING, done, total);
  ImageStore::LayerProgress layers;
  auto stored = import->Finish(&layers);
  if (!stored.ok()) {
    return stored.status().Annotate("pulling " + request.source() + " (Glance image " + id +
                                    " is not a docker-archive or OCI archive the store takes)");
  }
  // The download matched Glance's hash (Download verified it): that hash now names the image.
  if (archive_digest) RecordArchiveDigest(*archive_digest, stored->id());
  Report(progress, v1::TRANSFER_STATE_DONE, done, total);
  return TagWith(store_, std::move(*stored), references);
}

StatusOr<v1::PushResult> GlanceTransport::Push(const v1::PushRequest& request,
                                               const TransferProgressSink& progress,
                                               const TransferCancelCheck& cancelled) {
  ASSIGN_OR_RETURN(std::string name,
                   GlanceLocationId(request.destination(), "destination", false));
  RETURN_IF_ERROR(CheckCaFile(request.ca_file(), "ca_file"));
  const std::string visibility =
      request.glance_visibility().empty() ? "private" : request.glance_visibility();
  if (visibility != "private" && visibility != "shared" && visibility != "community" &&
      visibility != "public") {
    return InvalidArgument("glance_visibility: '" + visibility +
                           "' is not one of private, shared, community, public");
  }
  ASSIGN_OR_RETURN(auto image, store_->Resolve(request.image(), "image"));
  if (name.empty()) name = image.references_size() > 0 ? image.references(0) : image.id();
  ASSIGN_OR_RETURN(const std::string manifest_digest, store_->ManifestDigest(image));
  const auto properties = GlancePropertiesOf(image, manifest_digest);
  ASSIGN_OR_RETURN(auto client, Connect(request.openstack(), request.ca_file()));

  std::string target_id = request.glance_image_id();
  const bool created = target_id.empty();
  if (created) {
    glance::CreateImageRequest create;
    create.name = name;
    create.visibility = visibility;
    create.properties = properties;
    ASSIGN_OR_RETURN(auto made, client.Create(create));
    target_id = made.id;
  } else {
    auto given = client.Show(target_id);
    if (!given.ok()) return given.status().Annotate("glance_image_id");
    if (given->status != "queued") {
      return FailedPrecondition("glance_image_id: Glance image " + target_id + " is '" +
                                given->status + "'; only a queued image can take the data");
    }
    std::vector<glance::PatchOperation> patch;
    if (given->container_format != "docker") {
      patch.push_back({glance::PatchOperation::Op::kReplace, "container_format", "docker"});
    }
    if (given->disk_format != "raw") {
      patch.push_back({glance::PatchOperation::Op::kReplace, "disk_format", "raw"});
    }
    for (const auto& [key, value] : properties) {
      patch.push_back({glance::PatchOperation::Op::kAdd, key, value});
    }
    auto patched = client.Update(target_id, patch);
    if (!patched.ok()) return patched.status().Annotate("glance_image_id");
  }

  // The store writes the docker-archive on a thread of its own into the pipe; the upload
  // reads it from there, so the archive is never written out.
  BytePipe pipe;
  uint64_t sent = 0;
  uint64_t reported = 0;
  std::thread writer([&] {
    Status saved = store_->Save({image.id()}, ImageArchiveFormat::kDockerArchive,
                                [&](std::string_view bytes) { return pipe.Push(bytes); });
    pipe.Close(saved);
  });
  Report(progress, v1::TRANSFER_STATE_UPLOADING, 0, 0);
  Status uploaded = client.Upload(
      target_id,
      [&](char* buffer, size_t size) -> StatusOr<size_t> {
        auto n = pipe.Pop(buffer, size);
        if (n.ok()) {
          sent += *n;
          if (sent - reported >= kProgressEveryBytes) {
            reported = sent;
            Report(progress, v1::TRANSFER_STATE_UPLOADING, sent, 0);
          }
        }
        return n;
      },
      cancelled);
  pipe.Cancel();
  writer.join();
  if (!uploaded.ok()) {
    // Leave nothing partial: an image this push made goes again.
    if (created) (void)client.Delete(target_id);
    return uploaded.Annotate("pushing " + request.image() + " to glance://" + target_id);
  }
  // Glance hashed the bytes it took from this upload (an active image's data never changes):
  // a pull of this Glance image here needs no download.
  if (auto uploaded_image = client.Show(target_id); uploaded_image.ok()) {
    if (auto archive_digest = GlanceArchiveDigest(*uploaded_image)) {
      RecordArchiveDigest(*archive_digest, image.id());
    }
  }
  Report(progress, v1::TRANSFER_STATE_DONE, sent, sent);
  v1::PushResult result;
  result.set_destination("glance://" + target_id);
  result.set_manifest_digest(manifest_digest);
  result.set_glance_image_id(target_id);
  return result;
}

}  // namespace boxcar
