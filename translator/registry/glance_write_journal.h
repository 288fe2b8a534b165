// A local record of every Glance image the registry is creating and filling, so that one left
// `queued` / `saving` by a daemon that died (kill -9, a crash, a power cut) mid-upload can be
// found and deleted later (orphan_sweeper.h). A write is one file STATE_DIR/glance-writes/
// <id>.write (mode 0600: it holds the Keystone token the write was made with) that its writer
// keeps flock()ed while the write is in progress; the image carries the same id in its
// property boxcar_registry_write, set at create, so it is found even when the daemon died
// before Glance's answer to the create arrived. A record nobody holds locked belongs to a
// writer that is gone: no grace time is needed to tell a live upload from a dead one.
#pragma once

#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "common/status.h"
#include "common/unique_fd.h"
#include "glance/glance_client.h"
#include "openstack/keystone_credentials.h"

namespace boxcar::registry {

inline constexpr const char* kWriteProperty = "boxcar_registry_write";
// Unix seconds when the write began (the grace of the Glance-side sweep, orphan_sweeper.h).
inline constexpr const char* kWriteStartedProperty = "boxcar_registry_write_started";

struct GlanceWriteRecord {
  std::string id;  // 32 hex; the image's kWriteProperty
  openstack::KeystoneSession session;
  std::string image_id;  // empty until Glance answered the create
  int64_t started = 0;   // unix seconds
};

// One write in progress. Done() once the image is active or deleted: the record goes.
// Destroyed without Done() (the upload failed and its delete did not reach Glance), the
// record stays, unlocked: an orphan for the sweeper.
class GlanceWrite {
 public:
  GlanceWrite(std::string path, std::string id, UniqueFd fd)
      : path_(std::move(path)), id_(std::move(id)), fd_(std::move(fd)) {}
  const std::string& id() const { return id_; }
  // Notes the image Glance created for this write.
  Status SetImage(const std::string& image_id);
  void Done();

 private:
  std::string path_;
  std::string id_;
  UniqueFd fd_;  // holds the flock
};

class GlanceWriteJournal {
 public:
  explicit GlanceWriteJournal(std::string dir) : dir_(std::move(dir)) {}
  // Creates the directory; drops half-made records (a crash before their write began).
  Status Init();
  // A new record for a write with `session`, locked until the GlanceWrite goes.
  StatusOr<std::unique_ptr<GlanceWrite>> Begin(const openstack::KeystoneSession& session);
  // Records no writer holds: their writers are gone.
  std::vector<GlanceWriteRecord> Orphans() const;
  // True while a writer of this daemon holds record `id`.
  bool IsLive(const std::string& id) const;
  // Removes an orphan's record once its images are dealt with.
  void Remove(const std::string& id);
  const std::string& dir() const { return dir_; }

 private:
  std::string dir_;
};

// The registry's one way to make a Glance image: Begin a record (when `journal` is set), create
// the image with the record's id as kWriteProperty, upload `source`, run `verify` (optional)
// on the image id; on any failure delete the image. The record goes once the image is active
// and verified, or deleted; it stays as an orphan when the delete did not reach Glance.
// Returns the image id.
StatusOr<std::string> CreateAndUpload(glance::GlanceClient& glance, GlanceWriteJournal* journal,
                                      glance::CreateImageRequest create,
                                      const glance::DataSource& source,
                                      const std::function<Status(const std::string&)>& verify = {});

}  // namespace boxcar::registry
