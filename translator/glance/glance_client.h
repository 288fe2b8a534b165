// Glance v2 images API with a scoped token: create, streamed upload and verified streamed
// download, show, list (filters, paging), property patch, tags, members, delete. Each call is
// one or two HTTP exchanges; errors come from GlanceHttpError and name the image.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <string>
#include <vector>

#include "common/status.h"
#include "glance/glance_image.h"
#include "glance/json_patch.h"
#include "http/tls_options.h"
#include "openstack/keystone_credentials.h"

namespace boxcar::glance {

struct CreateImageRequest {
  std::string name;
  std::string container_format = "docker";
  std::string disk_format = "raw";
  std::string visibility;  // Glance's default ("shared") when empty
  std::map<std::string, std::string> properties;
  std::vector<std::string> tags;
};

struct ListImagesFilter {
  std::string name;
  std::string visibility;     // public, private, shared, community, all
  std::string member_status;  // pending, accepted, rejected, all
  std::string owner;
  std::string status;
  std::string container_format;
  std::vector<std::string> tags;
  std::map<std::string, std::string> properties;  // exact match on custom properties
  uint32_t limit = 0;                             // page size; Glance's default when 0
  std::string marker;
};

// Bytes of the body, in order; false or an error stops the transfer.
using DataSink = std::function<Status(const char* bytes, size_t size)>;
// Fills up to `size` bytes; returns how many (0 at the end) or an error.
using DataSource = std::function<StatusOr<size_t>(char* buffer, size_t size)>;
using CancelCheck = std::function<bool()>;

class GlanceClient {
 public:
  // `tls`: how Glance's certificate is trusted (the cloud's CA, as for Keystone).
  explicit GlanceClient(openstack::KeystoneSession session, TlsOptions tls = {})
      : session_(std::move(session)), tls_(std::move(tls)) {}
  const openstack::KeystoneSession& session() const { return session_; }
  void set_download_resumes(int resumes) { download_resumes_ = resumes; }

  StatusOr<GlanceImage> Create(const CreateImageRequest& request);
  // PUT /v2/images/{id}/file, chunked, from `source`; the image must be queued.
  Status Upload(const std::string& image_id, const DataSource& source,
                const CancelCheck& cancelled = nullptr);
  // GET /v2/images/{id}/file into `sink`, hashed as it streams: refuses an image that is not
  // active (kFailedPrecondition), and fails with kDataLoss when the bytes do not match
  // os_hash_value (else checksum) or their count does not match `size` — after the last
  // byte reached the sink, so the sink's owner must commit only once this returns OK.
  // A connection cut midway (or a 5xx) is resumed with Range from the byte it stopped at,
  // up to download_resumes times with growing pauses (0.5 s, 1 s, 2 s, 4 s, 4 s...).
  Status Download(const GlanceImage& image, const DataSink& sink,
                  const CancelCheck& cancelled = nullptr);
  StatusOr<GlanceImage> Show(const std::string& image_id);
  StatusOr<GlanceImagePage> List(const ListImagesFilter& filter);
  // Every page of List (follows "next").
  StatusOr<std::vector<GlanceImage>> ListAll(ListImagesFilter filter);
  StatusOr<GlanceImage> Update(const std::string& image_id,
                               const std::vector<PatchOperation>& operations);
  Status AddTag(const std::string& image_id, const std::string& tag);
  Status RemoveTag(const std::string& image_id, const std::string& tag);
  StatusOr<GlanceMember> AddMember(const std::string& image_id, const std::string& project_id);
  // By the member: "accepted", "rejected" or "pending".
  StatusOr<GlanceMember> SetMemberStatus(const std::string& image_id,
                                         const std::string& project_id, const std::string& status);
  StatusOr<std::vector<GlanceMember>> ListMembers(const std::string& image_id);
  Status RemoveMember(const std::string& image_id, const std::string& project_id);
  Status Delete(const std::string& image_id);

 private:
  std::string Url(const std::string& path) const { return session_.glance_endpoint + path; }
  std::vector<std::string> Headers(const char* content_type = nullptr) const;
  // A JSON exchange expecting one of `ok`; anything else becomes GlanceHttpError(what).
  StatusOr<std::string> Call(const std::string& method, const std::string& path,
                             const std::string& body, const char* content_type,
                             std::initializer_list<long> ok, const std::string& what);

  openstack::KeystoneSession session_;
  TlsOptions tls_;
  int download_resumes_ = 5;
};

// The query string of `filter` ("?limit=..&name=..").
std::string ListQuery(const ListImagesFilter& filter);

}  // namespace boxcar::glance
