#include "distribution/registry/registry_push.h"

#include <fcntl.h>

#include "common/unique_fd.h"
#include "distribution/registry/parallel_transfers.h"
#include "http/url_encoding.h"
#include "store/image_manifest.h"

namespace boxcar {

namespace {

// "…?a=b" + "&digest=…", or "…" + "?digest=…".
std::string WithQuery(const std::string& url, const std::string& query) {
  return url + (url.find('?') == std::string::npos ? "?" : "&") + query;
}

}  // namespace

void RegistryPush::Report(const std::string& digest, v1::TransferState state, uint64_t done,
                          uint64_t total) {
  ReportTransfer(progress_, digest, state, done, total);
}

std::vector<std::string> RegistryPush::Scopes(const std::string& mount_source) const {
  std::vector<std::string> scopes = {"repository:" + destination_.repository + ":pull,push"};
  if (!mount_source.empty()) scopes.push_back("repository:" + mount_source + ":pull");
  return scopes;
}

Status RegistryPush::Upload(const std::string& digest, uint64_t size, std::string location,
                            const std::function<bool()>& stop) {
  const std::string what = "upload of blob " + digest;
  UniqueFd fd(::open(blobs_->BlobPath(digest).c_str(), O_RDONLY | O_CLOEXEC));
  if (!fd) return ErrnoStatus("open blob " + digest);
  if (location.empty()) return FailedPrecondition(what + ": the registry gave no upload location");
  Report(digest, v1::TRANSFER_STATE_UPLOADING, 0, size);
  uint64_t offset = 0;
  if (size > options_.chunk_bytes) {
    // Chunked: PATCH each range, following the Location each answer gives.
    while (offset < size) {
      uint64_t length = std::min<uint64_t>(options_.chunk_bytes, size - offset);
      HttpRequest patch;
      patch.method = "PATCH";
      patch.url = client_->Url(location);
      patch.headers = {
          "Content-Type: application/octet-stream",
          "Content-Range: " + std::to_string(offset) + "-" + std::to_string(offset + length - 1)};
      patch.body_fd = fd.get();
      patch.body_offset = offset;
      patch.body_length = length;
      patch.cancelled = stop;
      ASSIGN_OR_RETURN(HttpResponse response, client_->Send(patch, Scopes()));
      if (response.status != 202)
        return RegistryError(response, what + " (PATCH at " + std::to_string(offset) + ")");
      if (!response.Header("location").empty()) location = response.Header("location");
      offset += length;
      Report(digest, v1::TRANSFER_STATE_UPLOADING, offset, size);
    }
  }
  HttpRequest put;
  put.method = "PUT";
  put.url = WithQuery(client_->Url(location), "digest=" + UrlEncode(digest));
  put.headers = {"Content-Type: application/octet-stream"};
  put.cancelled = stop;
  if (offset < size) {
    // Monolithic: the whole blob with the closing PUT.
    put.body_fd = fd.get();
    put.body_offset = 0;
    put.body_length = size;
  }
  ASSIGN_OR_RETURN(HttpResponse response, client_->Send(put, Scopes()));
  if (response.status != 201 && response.status != 204) return RegistryError(response, what);
  return OkStatus();
}

Status RegistryPush::PushBlob(const std::string& digest,
                              const std::vector<std::string>& mount_sources,
                              const std::function<bool()>& stop) {
  ASSIGN_OR_RETURN(uint64_t size, blobs_->BlobSize(digest));
  const std::string blob_path = "/v2/" + destination_.repository + "/blobs/";
  HttpRequest head;
  head.method = "HEAD";
  head.url = blob_path + digest;
  head.cancelled = stop;
  ASSIGN_OR_RETURN(HttpResponse exists, client_->Send(head, Scopes()));
  if (exists.status == 200) {
    Report(digest, v1::TRANSFER_STATE_EXISTS, size, size);
    return OkStatus();
  }
  if (exists.status != 404) return RegistryError(exists, "HEAD blob " + digest);
  std::string location;
  for (const auto& source : mount_sources) {
    HttpRequest mount;
    mount.method = "POST";
    mount.url = blob_path + "uploads/?mount=" + UrlEncode(digest) + "&from=" + UrlEncode(source);
    mount.cancelled = stop;
    ASSIGN_OR_RETURN(HttpResponse response, client_->Send(mount, Scopes(source)));
    if (response.status == 201) {
      Report(digest, v1::TRANSFER_STATE_MOUNTED, size, size);
      return OkStatus();
    }
    if (response.status == 202) {  // not mountable: an upload session instead
      location = response.Header("location");
      break;
    }
  }
  if (location.empty()) {
    HttpRequest start;
    start.method = "POST";
    start.url = blob_path + "uploads/";
    start.cancelled = stop;
    ASSIGN_OR_RETURN(HttpResponse response, client_->Send(start, Scopes()));
    if (response.status != 202)
      return RegistryError(response, "start of the upload of blob " + digest);
    location = response.Header("location");
  }
  RETURN_IF_ERROR(Upload(digest, size, location, stop));
  Report(digest, v1::TRANSFER_STATE_DONE, size, size);
  return OkStatus();
}

StatusOr<v1::PushResult> RegistryPush::Run(const v1::Image& image,
                                           const std::vector<std::string>& mount_sources) {
  ASSIGN_OR_RETURN(ImageManifest manifest, BuildImageManifest(*blobs_, image));
  std::vector<std::string> digests;
  for (const auto& layer : image.layers()) {
    if (std::find(digests.begin(), digests.end(), layer.digest()) == digests.end())
      digests.push_back(layer.digest());
  }
  digests.push_back(image.id());
  for (const auto& digest : digests) Report(digest, v1::TRANSFER_STATE_WAITING, 0, 0);
  RETURN_IF_ERROR(RunParallelTransfers(
                      digests.size(), options_.parallel_blobs,
                      [&](size_t index, const std::function<bool()>& stop) {
                        return PushBlob(digests[index], mount_sources, stop);
                      },
                      cancelled_)
                      .Annotate("destination: " + destination_.ToString()));
  HttpRequest put;
  put.method = "PUT";
  put.url = "/v2/" + destination_.repository + "/manifests/" + destination_.ManifestKey();
  put.headers = {std::string("Content-Type: ") + kOciManifestMediaType};
  put.body = manifest.json;
  put.cancelled = cancelled_;
  ASSIGN_OR_RETURN(HttpResponse response, client_->Send(put, Scopes()));
  if (response.status != 201 && response.status != 200) {
    return RegistryError(response, "destination: " + destination_.ToString() + ": PUT manifest");
  }
  v1::PushResult result;
  result.set_destination(destination_.ToString());
  result.set_manifest_digest(manifest.digest);
  return result;
}

}  // namespace boxcar
