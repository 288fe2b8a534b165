#include "registry/upload_sessions.h"

#include <dirent.h>
#include <fcntl.h>
#include <openssl/rand.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <fstream>

#include "common/sha256.h"
#include "registry/repository_name.h"

namespace boxcar::registry {

Status UploadSessions::Init() {
  if (::mkdir(dir_.c_str(), 0700) != 0 && errno != EEXIST) {
    return ErrnoStatus("creating upload directory '" + dir_ + "'");
  }
  RemoveStale();
  return OkStatus();
}

StatusOr<UploadSession> UploadSessions::Create(const std::string& project_id,
                                               const std::string& repository) {
  RemoveStale();
  unsigned char random[16];
  if (RAND_bytes(random, sizeof random) != 1) return Internal("upload id: RAND_bytes failed");
  static const char kHex[] = "0123456789abcdef";
  UploadSession session;
  for (unsigned char c : random) {
    session.id.push_back(kHex[c >> 4]);
    session.id.push_back(kHex[c & 15]);
  }
  session.project_id = project_id;
  session.repository = repository;
  session.data_path = PathOf(session.id, ".data");
  // The owner file goes first: a crash before the data file leaves an owner without data,
  // which Find refuses and RemoveStale clears.
  const std::string owner_path = PathOf(session.id, ".owner");
  {
    std::ofstream owner(owner_path, std::ios::trunc);
    owner << project_id << "\n" << repository << "\n";
    if (!owner.flush()) return ErrnoStatus("writing upload owner file '" + owner_path + "'");
  }
  int fd = ::open(session.data_path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
  if (fd < 0) return ErrnoStatus("creating upload file '" + session.data_path + "'");
  ::close(fd);
  return session;
}

StatusOr<UploadSession> UploadSessions::Find(const std::string& id, const std::string& project_id,
                                             const std::string& repository) const {
  if (!IsValidUploadId(id)) return NotFound("upload '" + id.substr(0, 64) + "': not a valid id");
  std::ifstream owner(PathOf(id, ".owner"));
  UploadSession session;
  session.id = id;
  session.data_path = PathOf(id, ".data");
  struct stat st;
  if (!owner || !std::getline(owner, session.project_id) ||
      !std::getline(owner, session.repository) || ::stat(session.data_path.c_str(), &st) != 0) {
    return NotFound("upload " + id + ": unknown (finished, cancelled or expired)");
  }
  if (session.project_id != project_id || session.repository != repository) {
    return NotFound("upload " + id + ": unknown in repository " + repository);
  }
  return session;
}

StatusOr<uint64_t> UploadSessions::Size(const UploadSession& session) const {
  struct stat st;
  if (::stat(session.data_path.c_str(), &st) != 0) {
    return ErrnoStatus("stat of upload file '" + session.data_path + "'");
  }
  return static_cast<uint64_t>(st.st_size);
}

StatusOr<UniqueFd> UploadSessions::OpenForAppend(const UploadSession& session) const {
  UniqueFd fd(::open(session.data_path.c_str(), O_WRONLY | O_APPEND | O_CLOEXEC));
  if (!fd) return ErrnoStatus("opening upload file '" + session.data_path + "'");
  return fd;
}

StatusOr<UniqueFd> UploadSessions::OpenForRead(const UploadSession& session) const {
  UniqueFd fd(::open(session.data_path.c_str(), O_RDONLY | O_CLOEXEC));
  if (!fd) return ErrnoStatus("opening upload file '" + session.data_path + "'");
  return fd;
}

std::shared_ptr<UploadSessions::RunningHash> UploadSessions::HashOf(const std::string& id,
                                                                    bool create) const {
  std::lock_guard<std::mutex> lock(hashes_mutex_);
  auto it = hashes_.find(id);
  if (it != hashes_.end()) return it->second;
  if (!create) return nullptr;
  return hashes_[id] = std::make_shared<RunningHash>();
}

void UploadSessions::ForgetHash(const std::string& id) const {
  std::lock_guard<std::mutex> lock(hashes_mutex_);
  hashes_.erase(id);
}

void UploadSessions::NoteAppended(const UploadSession& session, uint64_t offset, const char* bytes,
                                  size_t size) const {
  auto hash = HashOf(session.id, offset == 0);
  if (!hash) return;
  std::lock_guard<std::mutex> lock(hash->mutex);
  if (hash->bytes != offset) {  // a gap: the file is the truth
    ForgetHash(session.id);
    return;
  }
  hash->hasher.Update(bytes, size);
  hash->bytes += size;
}

StatusOr<std::string> UploadSessions::Digest(const UploadSession& session) const {
  ASSIGN_OR_RETURN(uint64_t size, Size(session));
  if (auto hash = HashOf(session.id, false)) {
    std::lock_guard<std::mutex> lock(hash->mutex);
    if (hash->bytes == size) {
      ForgetHash(session.id);  // a finished hasher takes no more bytes
      return hash->hasher.FinishDigest();
    }
  }
  ForgetHash(session.id);
  ASSIGN_OR_RETURN(auto fd, OpenForRead(session));
  Sha256 hasher;
  std::string buffer(1 << 20, '\0');
  while (true) {
    ssize_t n = ::read(fd.get(), buffer.data(), buffer.size());
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return ErrnoStatus("reading upload file '" + session.data_path + "'");
    if (n == 0) break;
    hasher.Update(buffer.data(), static_cast<size_t>(n));
  }
  return hasher.FinishDigest();
}

void UploadSessions::Remove(const UploadSession& session) const {
  ForgetHash(session.id);
  ::unlink(session.data_path.c_str());
  ::unlink(PathOf(session.id, ".owner").c_str());
}

int UploadSessions::RemoveStale() const {
  DIR* dir = ::opendir(dir_.c_str());
  if (!dir) return 0;
  const time_t now = ::time(nullptr);
  int removed = 0;
  while (dirent* entry = ::readdir(dir)) {
    std::string name = entry->d_name;
    const size_t dot = name.find('.');
    if (dot == std::string::npos || !IsValidUploadId(name.substr(0, dot))) continue;
    struct stat st;
    const std::string path = dir_ + "/" + name;
    if (::stat(path.c_str(), &st) == 0 && now - st.st_mtime > max_age_seconds_) {
      ::unlink(path.c_str());
      ++removed;
    }
  }
  ::closedir(dir);
  return removed;
}

}  // namespace boxcar::registry
