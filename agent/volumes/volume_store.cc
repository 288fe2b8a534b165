#include "volumes/volume_store.h"

#include <dirent.h>
#include <rapidjson/document.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <memory>

#include "common/atomic_file.h"
#include "common/directory_tree.h"
#include "common/identifiers.h"
#include "common/unix_time.h"

namespace boxcar {

namespace {

constexpr char kDataDir[] = "/_data";
constexpr char kMetadataFile[] = "/volume.json";
// Temporary names start with a dot, which no volume name does.
constexpr char kNewPrefix[] = ".new-";
constexpr char kGonePrefix[] = ".gone-";

std::string MetadataJson(int64_t created_unix_ns, bool anonymous) {
  return "{\"created_unix_ns\":" + std::to_string(created_unix_ns) +
         ",\"anonymous\":" + (anonymous ? "true" : "false") + "}\n";
}

}  // namespace

Status ValidateVolumeName(const std::string& name, const std::string& field) {
  auto allowed = [](char c, bool first) {
    return std::isalnum(static_cast<unsigned char>(c)) ||
           (!first && (c == '_' || c == '.' || c == '-'));
  };
  bool valid = !name.empty() && name.size() <= 128;
  for (size_t i = 0; valid && i < name.size(); ++i) valid = allowed(name[i], i == 0);
  if (!valid) {
    return InvalidArgument(field + ": '" + name +
                           "' is not a volume name ([a-zA-Z0-9][a-zA-Z0-9_.-]{0,127}); a host "
                           "path must be absolute");
  }
  return OkStatus();
}

StatusOr<std::unique_ptr<VolumeStore>> VolumeStore::Open(const std::string& volumes_dir) {
  RETURN_IF_ERROR(MakeDirectories(volumes_dir, 0700));
  std::unique_ptr<VolumeStore> store(new VolumeStore(volumes_dir));
  std::unique_ptr<DIR, int (*)(DIR*)> dir(::opendir(volumes_dir.c_str()), ::closedir);
  if (!dir) return ErrnoStatus("open volumes directory '" + volumes_dir + "'");
  std::vector<std::string> leftovers;
  while (struct dirent* entry = ::readdir(dir.get())) {
    std::string name = entry->d_name;
    if (name.rfind(kNewPrefix, 0) == 0 || name.rfind(kGonePrefix, 0) == 0) {
      leftovers.push_back(volumes_dir + "/" + name);
    }
  }
  for (const auto& path : leftovers) RETURN_IF_ERROR(RemoveTree(path));
  return store;
}

StatusOr<VolumeRecord> VolumeStore::CreateLocked(const std::string& name, bool anonymous,
                                                 const std::string& field) {
  const std::string final_name = name.empty() ? NewContainerId() : name;
  RETURN_IF_ERROR(ValidateVolumeName(final_name, field));
  const std::string final_dir = volumes_dir_ + "/" + final_name;
  if (::access(final_dir.c_str(), F_OK) == 0) {
    return AlreadyExists(field + ": volume '" + final_name + "' already exists");
  }
  const std::string new_dir = volumes_dir_ + "/" + kNewPrefix + NewContainerId().substr(0, 16);
  if (::mkdir(new_dir.c_str(), 0700) != 0) return ErrnoStatus("create '" + new_dir + "'");
  const std::string data_dir = new_dir + kDataDir;
  VolumeRecord record{final_name, final_dir + kDataDir, NowUnixNs(), anonymous};
  Status made = OkStatus();
  if (::mkdir(data_dir.c_str(), 0755) != 0) made = ErrnoStatus("create '" + data_dir + "'");
  if (made.ok()) {
    made = WriteFileAtomically(new_dir + kMetadataFile,
                               MetadataJson(record.created_unix_ns, anonymous));
  }
  if (made.ok() && ::rename(new_dir.c_str(), final_dir.c_str()) != 0) {
    made = ErrnoStatus("rename '" + new_dir + "' to '" + final_dir + "'");
  }
  if (!made.ok()) {
    (void)RemoveTree(new_dir);
    return made;
  }
  (void)SyncParentDirectory(final_dir);
  return record;
}

StatusOr<VolumeRecord> VolumeStore::ReadLocked(const std::string& name) {
  const std::string dir = volumes_dir_ + "/" + name;
  auto metadata = ReadFileToString(dir + kMetadataFile);
  if (!metadata.ok()) {
    if (metadata.status().code() == StatusCode::kNotFound) {
      return NotFound("no volume '" + name + "' (see `boxcar volume ls`)");
    }
    return metadata.status();
  }
  VolumeRecord record{name, dir + kDataDir, 0, false};
  rapidjson::Document document;
  document.Parse(metadata->c_str(), metadata->size());
  if (document.HasParseError() || !document.IsObject()) {
    return DataLoss("volume '" + name + "': malformed '" + dir + kMetadataFile + "'");
  }
  if (document.HasMember("created_unix_ns") && document["created_unix_ns"].IsInt64()) {
    record.created_unix_ns = document["created_unix_ns"].GetInt64();
  }
  if (document.HasMember("anonymous") && document["anonymous"].IsBool()) {
    record.anonymous = document["anonymous"].GetBool();
  }
  return record;
}

StatusOr<VolumeRecord> VolumeStore::Create(const std::string& name, bool anonymous,
                                           const std::string& field) {
  std::lock_guard<std::mutex> lock(mutex_);
  return CreateLocked(name, anonymous, field);
}

StatusOr<VolumeRecord> VolumeStore::Ensure(const std::string& name, const std::string& field) {
  RETURN_IF_ERROR(ValidateVolumeName(name, field));
  std::lock_guard<std::mutex> lock(mutex_);
  auto existing = ReadLocked(name);
  if (existing.ok() || existing.status().code() != StatusCode::kNotFound) return existing;
  return CreateLocked(name, false, field);
}

StatusOr<VolumeRecord> VolumeStore::Get(const std::string& name, const std::string& field) {
  RETURN_IF_ERROR(ValidateVolumeName(name, field));
  std::lock_guard<std::mutex> lock(mutex_);
  auto record = ReadLocked(name);
  if (!record.ok()) return record.status().Annotate(field);
  return record;
}

std::vector<VolumeRecord> VolumeStore::List() {
  std::lock_guard<std::mutex> lock(mutex_);
  std::vector<VolumeRecord> volumes;
  std::unique_ptr<DIR, int (*)(DIR*)> dir(::opendir(volumes_dir_.c_str()), ::closedir);
  if (!dir) return volumes;
  while (struct dirent* entry = ::readdir(dir.get())) {
    std::string name = entry->d_name;
    if (name.empty() || name[0] == '.') continue;
    auto record = ReadLocked(name);
    if (record.ok()) volumes.push_back(std::move(*record));
  }
  std::sort(volumes.begin(), volumes.end(),
            [](const VolumeRecord& a, const VolumeRecord& b) { return a.name < b.name; });
  return volumes;
}

Status VolumeStore::Remove(const std::string& name) {
  RETURN_IF_ERROR(ValidateVolumeName(name, "name"));
  std::lock_guard<std::mutex> lock(mutex_);
  RETURN_IF_ERROR(ReadLocked(name).status());
  // Out of the way first: a crash during the deletion leaves a ".gone-" directory that Open
  // removes, never a volume with half its data.
  const std::string dir = volumes_dir_ + "/" + name;
  const std::string gone = volumes_dir_ + "/" + kGonePrefix + NewContainerId().substr(0, 16);
  if (::rename(dir.c_str(), gone.c_str()) != 0) {
    return ErrnoStatus("rename '" + dir + "' to '" + gone + "'");
  }
  return RemoveTree(gone);
}

}  // namespace boxcar
