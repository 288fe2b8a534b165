#include "registry/orphan_sweeper.h"

#include <spdlog/spdlog.h>
#include <time.h>

#include <chrono>
#include <cstdlib>

#include "glance/glance_client.h"

namespace boxcar::registry {

OrphanSweeper::~OrphanSweeper() {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    stopping_ = true;
  }
  wake_.notify_all();
  if (thread_.joinable()) thread_.join();
}

void OrphanSweeper::Start() {
  thread_ = std::thread([this] { Run(); });
}

void OrphanSweeper::Run() {
  std::unique_lock<std::mutex> lock(mutex_);
  while (!stopping_) {
    lock.unlock();
    SweepOnce();
    lock.lock();
    wake_.wait_for(lock, std::chrono::seconds(interval_seconds_), [this] { return stopping_; });
  }
}

Status OrphanSweeper::Sweep(const GlanceWriteRecord& record,
                            const openstack::KeystoneSession& session) {
  glance::GlanceClient glance(session, cloud_tls_);
  glance::ListImagesFilter filter;
  filter.properties[kWriteProperty] = record.id;
  filter.owner = record.session.project_id;
  ASSIGN_OR_RETURN(auto images, glance.ListAll(filter));
  for (const auto& image : images) {
    if (image.status == "active" || image.status == "deleted") continue;
    Status deleted = glance.Delete(image.id);
    if (!deleted.ok() && deleted.code() != StatusCode::kNotFound) return deleted;
    spdlog::info("deleted Glance image {} ('{}', left {} by an interrupted write) of project {}",
                 image.id, image.name, image.status, record.session.project_id);
  }
  journal_->Remove(record.id);
  return OkStatus();
}

void OrphanSweeper::SweepOnce() {
  for (const auto& record : journal_->Orphans()) {
    Status swept = Sweep(record, record.session);
    if (swept.code() == StatusCode::kUnauthenticated) {
      std::lock_guard<std::mutex> lock(mutex_);
      waiting_projects_.insert(record.session.project_id);
      spdlog::info(
          "interrupted write {} of project {}: its token has expired; swept at the "
          "project's next request",
          record.id, record.session.project_id);
    } else if (!swept.ok()) {
      spdlog::warn("interrupted write {} of project {}: {} (retried in {} s)", record.id,
                   record.session.project_id, swept.message(), interval_seconds_);
    }
  }
}

void OrphanSweeper::SweepProject(const openstack::KeystoneSession& session) {
  glance::GlanceClient glance(session, cloud_tls_);
  const int64_t now = ::time(nullptr);
  for (const char* status : {"queued", "saving"}) {
    glance::ListImagesFilter filter;
    filter.owner = session.project_id;
    filter.status = status;
    auto images = glance.ListAll(filter);
    if (!images.ok()) {
      spdlog::warn("sweeping project {}: {}", session.project_id, images.status().message());
      return;
    }
    for (const auto& image : *images) {
      const std::string write = image.Property(kWriteProperty);
      const int64_t started = std::atoll(image.Property(kWriteStartedProperty).c_str());
      if (write.empty() || started <= 0) continue;  // not made by a registry
      if (now - started < grace_seconds_ || journal_->IsLive(write)) continue;
      Status deleted = glance.Delete(image.id);
      if (!deleted.ok() && deleted.code() != StatusCode::kNotFound) {
        spdlog::warn("sweeping project {}: {}", session.project_id, deleted.message());
        continue;
      }
      spdlog::info(
          "deleted Glance image {} ('{}', {} since {} s by write {} no registry holds) "
          "of project {}",
          image.id, image.name, image.status, now - started, write, session.project_id);
      journal_->Remove(write);
    }
  }
}

void OrphanSweeper::OfferSession(const openstack::KeystoneSession& session) {
  bool waiting = false;
  bool project_due = false;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    waiting = waiting_projects_.erase(session.project_id) > 0;
    const int64_t now = ::time(nullptr);
    auto [it, first] = project_swept_.try_emplace(session.project_id, now);
    if (first || now - it->second >= interval_seconds_) {
      it->second = now;
      project_due = true;
    }
  }
  if (project_due) SweepProject(session);
  if (!waiting) return;
  for (const auto& record : journal_->Orphans()) {
    if (record.session.project_id != session.project_id) continue;
    openstack::KeystoneSession fresh = session;
    Status swept = Sweep(record, fresh);
    if (!swept.ok()) {
      spdlog::warn("interrupted write {} of project {}: {}", record.id, session.project_id,
                   swept.message());
    }
  }
}

}  // namespace boxcar::registry
