#include "registry/glance_write_journal.h"

#include <dirent.h>
#include <fcntl.h>
#include <openssl/rand.h>
#include <stdio.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <sstream>

#include "common/delay_points.h"
#include "registry/glance_registry_store.h"  // kKindProperty

namespace boxcar::registry {
namespace {

constexpr const char* kSuffix = ".write";
constexpr const char* kPartialPrefix = ".partial-";

bool IsHexId(const std::string& text) {
  if (text.size() != 32) return false;
  for (char c : text) {
    if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) return false;
  }
  return true;
}

Status WriteAll(int fd, const std::string& text, const std::string& path) {
  size_t done = 0;
  while (done < text.size()) {
    ssize_t n = ::write(fd, text.data() + done, text.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return ErrnoStatus("writing '" + path + "'");
    done += static_cast<size_t>(n);
  }
  // Not synced: a kill -9 keeps the page cache; what a power cut loses, the Glance-side
  // sweep past the grace finds (orphan_sweeper.h). No disk flush on every image write.
  return OkStatus();
}

// "key=value" lines; the last image= wins.
bool ParseRecord(const std::string& text, GlanceWriteRecord* record) {
  std::istringstream in(text);
  std::string line;
  while (std::getline(in, line)) {
    const size_t eq = line.find('=');
    if (eq == std::string::npos) continue;
    const std::string key = line.substr(0, eq), value = line.substr(eq + 1);
    if (key == "project") record->session.project_id = value;
    if (key == "glance") record->session.glance_endpoint = value;
    if (key == "token") record->session.token = value;
    if (key == "image") record->image_id = value;
    if (key == "started") record->started = std::atoll(value.c_str());
  }
  return !record->session.project_id.empty() && !record->session.glance_endpoint.empty();
}

}  // namespace

Status GlanceWrite::SetImage(const std::string& image_id) {
  return WriteAll(fd_.get(), "image=" + image_id + "\n", path_);
}

void GlanceWrite::Done() {
  ::unlink(path_.c_str());
  fd_.reset();
}

Status GlanceWriteJournal::Init() {
  if (::mkdir(dir_.c_str(), 0700) != 0 && errno != EEXIST) {
    return ErrnoStatus("creating the Glance write journal '" + dir_ + "'");
  }
  // Its records hold the writers' Keystone tokens: only the owner may list or read them, also
  // where the directory was made by someone else (or an older version) with a wider mode.
  if (::chmod(dir_.c_str(), 0700) != 0) {
    return ErrnoStatus("making the Glance write journal '" + dir_ + "' private (0700)");
  }
  if (DIR* d = ::opendir(dir_.c_str())) {
    while (dirent* entry = ::readdir(d)) {
      const std::string name = entry->d_name;
      if (name.rfind(kPartialPrefix, 0) == 0) ::unlink((dir_ + "/" + name).c_str());
    }
    ::closedir(d);
  }
  return OkStatus();
}

StatusOr<std::unique_ptr<GlanceWrite>> GlanceWriteJournal::Begin(
    const openstack::KeystoneSession& session) {
  unsigned char random[16];
  if (RAND_bytes(random, sizeof random) != 1) return Internal("write id: RAND_bytes failed");
  static const char kHex[] = "0123456789abcdef";
  std::string id;
  for (unsigned char c : random) {
    id.push_back(kHex[c >> 4]);
    id.push_back(kHex[c & 15]);
  }
  // Written and locked under a partial name, then renamed: the sweeper never sees a record
  // that is unlocked because it is not locked yet.
  const std::string partial = dir_ + "/" + kPartialPrefix + id;
  const std::string path = dir_ + "/" + id + kSuffix;
  UniqueFd fd(::open(partial.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600));
  if (!fd) return ErrnoStatus("creating '" + partial + "'");
  if (::flock(fd.get(), LOCK_EX) != 0) return ErrnoStatus("locking '" + partial + "'");
  Status written = WriteAll(fd.get(),
                            "project=" + session.project_id +
                                "\nglance=" + session.glance_endpoint + "\ntoken=" + session.token +
                                "\nstarted=" + std::to_string(::time(nullptr)) + "\n",
                            partial);
  if (written.ok() && ::rename(partial.c_str(), path.c_str()) != 0) {
    written = ErrnoStatus("renaming '" + partial + "'");
  }
  if (!written.ok()) {
    ::unlink(partial.c_str());
    return written;
  }
  return std::make_unique<GlanceWrite>(path, id, std::move(fd));
}

std::vector<GlanceWriteRecord> GlanceWriteJournal::Orphans() const {
  std::vector<GlanceWriteRecord> orphans;
  DIR* d = ::opendir(dir_.c_str());
  if (!d) return orphans;
  while (dirent* entry = ::readdir(d)) {
    std::string name = entry->d_name;
    const size_t suffix = name.size() > 6 ? name.size() - 6 : 0;
    if (suffix == 0 || name.compare(suffix, std::string::npos, kSuffix) != 0) continue;
    const std::string id = name.substr(0, suffix);
    if (!IsHexId(id)) continue;
    const std::string path = dir_ + "/" + name;
    UniqueFd fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC));
    if (!fd) continue;
    if (::flock(fd.get(), LOCK_EX | LOCK_NB) != 0) continue;  // a live writer holds it
    std::string text;
    char buffer[4096];
    ssize_t n;
    while ((n = ::read(fd.get(), buffer, sizeof buffer)) > 0) text.append(buffer, n);
    GlanceWriteRecord record;
    record.id = id;
    if (ParseRecord(text, &record)) {
      orphans.push_back(std::move(record));
    } else {
      ::unlink(path.c_str());  // unreadable: nothing to find its images with
    }
  }
  ::closedir(d);
  return orphans;
}

bool GlanceWriteJournal::IsLive(const std::string& id) const {
  if (!IsHexId(id)) return false;
  UniqueFd fd(::open((dir_ + "/" + id + kSuffix).c_str(), O_RDONLY | O_CLOEXEC));
  if (!fd) return false;
  return ::flock(fd.get(), LOCK_EX | LOCK_NB) != 0;
}

void GlanceWriteJournal::Remove(const std::string& id) {
  if (IsHexId(id)) ::unlink((dir_ + "/" + id + kSuffix).c_str());
}

StatusOr<std::string> CreateAndUpload(glance::GlanceClient& glance, GlanceWriteJournal* journal,
                                      glance::CreateImageRequest create,
                                      const glance::DataSource& source,
                                      const std::function<Status(const std::string&)>& verify) {
  std::unique_ptr<GlanceWrite> write;
  if (journal) {
    ASSIGN_OR_RETURN(write, journal->Begin(glance.session()));
    create.properties[kWriteProperty] = write->id();
    create.properties[kWriteStartedProperty] = std::to_string(::time(nullptr));
  }
  ASSIGN_OR_RETURN(auto image, glance.Create(create));
  Status stored = write ? write->SetImage(image.id) : OkStatus();
  // For crash tests: the image exists, queued, and nothing is uploaded yet.
  DelayPoint(("glance_write.created." + create.properties[kKindProperty]).c_str());
  if (stored.ok()) stored = glance.Upload(image.id, source);
  if (stored.ok() && verify) stored = verify(image.id);
  if (stored.ok()) {
    if (write) write->Done();
    return image.id;
  }
  // Nothing partial stays in Glance; when the delete cannot reach it, the record stays for
  // the sweeper.
  Status deleted = glance.Delete(image.id);
  if (write && (deleted.ok() || deleted.code() == StatusCode::kNotFound)) write->Done();
  return stored;
}

}  // namespace boxcar::registry
