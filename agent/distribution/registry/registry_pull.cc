#include "distribution/registry/registry_pull.h"

#include <chrono>
#include <thread>

#include "common/identifiers.h"
#include "common/sha256.h"
#include "distribution/registry/parallel_transfers.h"

namespace boxcar {

namespace {

constexpr uint64_t kMaxManifestBytes = 4 << 20;
constexpr uint64_t kMaxConfigBytes = 16 << 20;

}  // namespace

void RegistryPull::Report(const std::string& digest, v1::TransferState state, uint64_t done,
                          uint64_t total) {
  ReportTransfer(progress_, digest, state, done, total);
}

std::string RegistryPull::BlobPath(const std::string& digest) const {
  return "/v2/" + reference_.repository + "/blobs/" + digest;
}

std::vector<std::string> RegistryPull::Scopes() const {
  return {"repository:" + reference_.repository + ":pull"};
}

StatusOr<HttpResponse> RegistryPull::FetchManifest(const std::string& key,
                                                   const std::string& expected_digest) {
  HttpRequest request;
  request.url = "/v2/" + reference_.repository + "/manifests/" + key;
  request.headers.push_back(kManifestAcceptHeader);
  request.cancelled = cancelled_;
  ASSIGN_OR_RETURN(HttpResponse response, client_->Send(request, Scopes()));
  const std::string what = "source: " + reference_.ToString() + ": manifest " + key;
  if (response.status == 404) {
    return RegistryError(response, what + ": no such tag or digest in " + reference_.registry +
                                       "/" + reference_.repository);
  }
  if (response.status != 200) return RegistryError(response, what);
  if (response.body.size() > kMaxManifestBytes)
    return InvalidArgument(what + ": larger than 4 MiB");
  std::string digest = Sha256Digest(response.body);
  std::string stated = response.Header("docker-content-digest");
  if (!expected_digest.empty() && digest != expected_digest) {
    return InvalidArgument(what + ": digest mismatch: expected " + expected_digest + ", got " +
                           digest);
  }
  if (expected_digest.empty() && IsSha256Digest(stated) && stated != digest) {
    return InvalidArgument(what + ": the registry says " + stated + " but the manifest hashes to " +
                           digest);
  }
  return response;
}

StatusOr<std::string> RegistryPull::FetchImageManifest(const Platform& platform,
                                                       std::string* top_digest) {
  ASSIGN_OR_RETURN(HttpResponse response,
                   FetchManifest(reference_.ManifestKey(), reference_.digest));
  *top_digest = Sha256Digest(response.body);
  if (!IsManifestIndex(response.Header("content-type"), response.body)) return response.body;
  auto chosen = SelectPlatformManifest(response.body, platform);
  if (!chosen.ok()) return chosen.status().Annotate("source: " + reference_.ToString());
  ASSIGN_OR_RETURN(HttpResponse manifest, FetchManifest(chosen->digest, chosen->digest));
  if (IsManifestIndex(manifest.Header("content-type"), manifest.body)) {
    return InvalidArgument("source: " + reference_.ToString() + ": the " + platform.ToString() +
                           " entry of the manifest list is itself a list");
  }
  return manifest.body;
}

StatusOr<std::string> RegistryPull::FetchSmallBlob(const Descriptor& descriptor) {
  if (descriptor.size > kMaxConfigBytes) {
    return InvalidArgument("image config " + descriptor.digest + ": larger than 16 MiB");
  }
  HttpRequest request;
  request.url = BlobPath(descriptor.digest);
  request.cancelled = cancelled_;
  ASSIGN_OR_RETURN(HttpResponse response, client_->Send(request, Scopes()));
  if (response.status != 200) return RegistryError(response, "image config " + descriptor.digest);
  std::string digest = Sha256Digest(response.body);
  if (digest != descriptor.digest) {
    return InvalidArgument("image config: digest mismatch: expected " + descriptor.digest +
                           ", got " + digest);
  }
  return response.body;
}

Status RegistryPull::PullLayer(ImageStore::BlobPull* pull, const Descriptor& layer,
                               const std::function<bool()>& stop) {
  const std::string& digest = layer.digest;
  if (pull->KeepExistingLayer(digest)) {
    Report(digest, v1::TRANSFER_STATE_EXISTS, layer.size, layer.size);
    return OkStatus();
  }
  ASSIGN_OR_RETURN(auto download, pull->BeginLayer(digest, layer.size));
  const std::string what = "layer " + digest;
  int stalled_attempts = 0;
  auto last_report = std::chrono::steady_clock::now();
  Report(digest, v1::TRANSFER_STATE_DOWNLOADING, 0, layer.size);
  for (;;) {
    const uint64_t offset = download->bytes_written();
    HttpRequest request;
    request.url = BlobPath(digest);
    if (offset > 0) request.headers.push_back("Range: bytes=" + std::to_string(offset) + "-");
    request.cancelled = stop;
    uint64_t to_skip = 0;  // a server that ignored the Range sends the first bytes again
    bool first_bytes = true;
    Status sink_failure;
    request.body_sink = [&](long status, const char* bytes, size_t size) -> Status {
      if (first_bytes) {
        first_bytes = false;
        to_skip = (offset > 0 && status == 200) ? offset : 0;
      }
      if (to_skip > 0) {
        size_t skipped = static_cast<size_t>(std::min<uint64_t>(to_skip, size));
        to_skip -= skipped;
        bytes += skipped;
        size -= skipped;
      }
      if (download->bytes_written() + size > layer.size) {
        sink_failure = InvalidArgument(what + ": the registry sends more than the " +
                                       std::to_string(layer.size) + " bytes the manifest states");
        return sink_failure;
      }
      if (Status written = download->Write(bytes, size); !written.ok()) {
        sink_failure = written;
        return sink_failure;
      }
      auto now = std::chrono::steady_clock::now();
      if (now - last_report > std::chrono::milliseconds(200)) {
        last_report = now;
        Report(digest, v1::TRANSFER_STATE_DOWNLOADING, download->bytes_written(), layer.size);
      }
      return OkStatus();
    };
    auto response = client_->Send(request, Scopes());
    if (!sink_failure.ok()) return sink_failure;
    Status failure;
    if (!response.ok()) {
      if (response.status().code() != StatusCode::kUnavailable)
        return response.status().Annotate(what);
      failure = response.status();
    } else if (response->status == 200 || response->status == 206) {
      if (download->bytes_written() == layer.size) break;
      failure = Unavailable(what + ": the transfer ended after " +
                            std::to_string(download->bytes_written()) + " of " +
                            std::to_string(layer.size) + " bytes");
    } else {
      failure = RegistryError(*response, what);
      if (failure.code() != StatusCode::kUnavailable) return failure;
    }
    // A cut connection, a registry restarting: resume from where the blob stopped.
    stalled_attempts = download->bytes_written() > offset ? 0 : stalled_attempts + 1;
    if (stalled_attempts >= options_.max_stalled_attempts || stop()) {
      return failure.Annotate("after " + std::to_string(stalled_attempts) + " attempts");
    }
    Report(digest, v1::TRANSFER_STATE_RETRYING, download->bytes_written(), layer.size);
    std::this_thread::sleep_for(std::chrono::milliseconds(250 << stalled_attempts));
  }
  RETURN_IF_ERROR(download->Commit().Annotate(what));
  // Downloaded and verified; its unpack (started with the first bytes) is finished by Run.
  Report(digest, v1::TRANSFER_STATE_UNPACKING, layer.size, layer.size);
  return OkStatus();
}

Status RegistryPull::StoreConfig(ImageStore::BlobPull* pull, const Descriptor& config) {
  if (pull->KeepExistingBlob(config.digest)) return OkStatus();
  ASSIGN_OR_RETURN(std::string content, FetchSmallBlob(config));
  return pull->StoreBlob(content, config.digest);
}

Status RegistryPull::PullBlobs(ImageStore::BlobPull* pull, const ImageManifestBlobs& blobs) {
  for (const auto& layer : blobs.layers) {
    Report(layer.digest, v1::TRANSFER_STATE_WAITING, 0, layer.size);
  }
  // The config is the first transfer, beside the first layers: fetched before them, it was a
  // round trip and two fsyncs with both cores idle before the first layer started. Its
  // failure, like any transfer's, stops the others and is the pull's.
  return RunParallelTransfers(
      blobs.layers.size() + 1, options_.parallel_layers,
      [&](size_t index, const std::function<bool()>& stop) {
        if (index == 0) return StoreConfig(pull, blobs.config);
        return PullLayer(pull, blobs.layers[index - 1], stop);
      },
      cancelled_);
}

StatusOr<v1::Image> RegistryPull::Run(const Platform& platform,
                                      const std::string& extra_reference) {
  std::vector<std::string> references;
  if (!reference_.StoreReference().empty()) {
    ASSIGN_OR_RETURN(ImageReference own,
                     ParseImageReference(reference_.StoreReference(), "source"));
    references.push_back(own.ToString());
  }
  if (!extra_reference.empty()) {
    ASSIGN_OR_RETURN(ImageReference extra, ParseImageReference(extra_reference, "reference"));
    references.push_back(extra.ToString());
  }
  std::string manifest_digest;
  ASSIGN_OR_RETURN(std::string manifest_json, FetchImageManifest(platform, &manifest_digest));
  auto blobs = ParseImageManifestBlobs(manifest_json);
  if (!blobs.ok()) return blobs.status().Annotate("source: " + reference_.ToString());
  ASSIGN_OR_RETURN(auto pull, store_->BeginBlobPull());
  RETURN_IF_ERROR(PullBlobs(pull.get(), *blobs));
  std::vector<std::string> layer_digests;
  for (const auto& layer : blobs->layers) layer_digests.push_back(layer.digest);
  auto image = pull->Finish(references, {reference_.RepoDigest(manifest_digest)},
                            blobs->config.digest, layer_digests);
  if (!image.ok()) return image.status().Annotate("source: " + reference_.ToString());
  for (const auto& layer : blobs->layers)
    Report(layer.digest, v1::TRANSFER_STATE_DONE, layer.size, layer.size);
  return image;
}

}  // namespace boxcar
