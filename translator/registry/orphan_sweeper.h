// Deletes the Glance images that writes of a dead registry left behind (glance_write_journal.h):
// for each orphaned record, the images of its project carrying its boxcar_registry_write id
// that never became active (queued, saving, killed) are deleted with the record's own Keystone
// token, then the record goes. A pass runs at start-up and every `interval` seconds. When
// Glance refuses the record's token (it expired while the daemon was down), the record waits
// for the next request of a user of that project and is swept with that user's token
// (OfferSession); until then it is only a file in the state dir and a never-active image
// nobody can pull.
// Glance-side, for what no record names (a lost state dir, another registry on the same
// Glance that never came back): at a project's first request and then at most once per
// interval, its queued / saving images carrying boxcar_registry_write whose write began more
// than `grace` seconds ago and is no live write of this daemon are deleted with the caller's
// token. The grace must outlast the longest upload of any registry on that Glance.
#pragma once

#include <condition_variable>
#include <map>
#include <mutex>
#include <set>
#include <string>
#include <thread>

#include "common/status.h"
#include "http/tls_options.h"
#include "registry/glance_write_journal.h"

namespace boxcar::registry {

class OrphanSweeper {
 public:
  // `cloud_tls`: how Glance's certificate is trusted (cloud_tls.h).
  OrphanSweeper(GlanceWriteJournal* journal, int64_t interval_seconds, int64_t grace_seconds,
                TlsOptions cloud_tls = {})
      : journal_(journal),
        interval_seconds_(interval_seconds),
        grace_seconds_(grace_seconds),
        cloud_tls_(std::move(cloud_tls)) {}
  ~OrphanSweeper();
  // The background thread: a pass now, then one per interval.
  void Start();
  // One pass over the orphaned records with their own tokens.
  void SweepOnce();
  // A request of `session`'s project: its records whose token was refused are swept with
  // this session, and its Glance-side sweep runs when due. Cheap when nothing is due.
  void OfferSession(const openstack::KeystoneSession& session);

 private:
  // kUnauthenticated when Glance refuses `session`'s token.
  Status Sweep(const GlanceWriteRecord& record, const openstack::KeystoneSession& session);
  void Run();
  // The Glance-side sweep of one project.
  void SweepProject(const openstack::KeystoneSession& session);

  GlanceWriteJournal* journal_;
  int64_t interval_seconds_;
  int64_t grace_seconds_;
  TlsOptions cloud_tls_;
  std::mutex mutex_;
  std::condition_variable wake_;
  bool stopping_ = false;
  std::set<std::string> waiting_projects_;        // records whose own token was refused
  std::map<std::string, int64_t> project_swept_;  // project id -> last Glance-side sweep
  std::thread thread_;
};

}  // namespace boxcar::registry
