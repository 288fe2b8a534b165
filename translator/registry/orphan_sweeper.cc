#include "registry/orphan_sweeper.h"

#include <spdlog/spdlog.h>

#include <chrono>

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
  glance::GlanceClient glance(session);
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

void OrphanSweeper::OfferSession(const openstack::KeystoneSession& session) {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    if (waiting_projects_.erase(session.project_id) == 0) return;
  }
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
