#include "net/cni/cni_result_cache.h"

#include <dirent.h>
#include <rapidjson/document.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>
#include <spdlog/spdlog.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>

#include "common/atomic_file.h"
#include "common/directory_tree.h"

namespace boxcar {

namespace {

constexpr const char* kSuffix = ".json";

}  // namespace

std::string CniResultCache::PathOf(const std::string& container_id) const {
  return dir_ + "/" + container_id + kSuffix;
}

Status CniResultCache::Save(const CniAttachment& attachment) {
  RETURN_IF_ERROR(MakeDirectories(dir_, 0700));
  rapidjson::StringBuffer buffer;
  rapidjson::Writer<rapidjson::StringBuffer> writer(buffer);
  auto field = [&writer](const char* key, const std::string& value) {
    writer.Key(key);
    writer.String(value.c_str(), static_cast<rapidjson::SizeType>(value.size()));
  };
  writer.StartObject();
  field("containerId", attachment.container_id);
  field("network", attachment.network);
  field("netns", attachment.netns_path);
  field("ifName", attachment.ifname);
  field("config", attachment.conflist_json);
  field("runtimeConfig", attachment.runtime_config_json);
  field("result", attachment.result_json);
  writer.EndObject();
  return WriteFileAtomically(PathOf(attachment.container_id),
                             std::string(buffer.GetString(), buffer.GetSize()), 0600);
}

StatusOr<std::vector<CniAttachment>> CniResultCache::LoadAll() {
  std::vector<CniAttachment> attachments;
  DIR* dir = ::opendir(dir_.c_str());
  if (!dir) {
    if (errno == ENOENT) return attachments;
    return ErrnoStatus("opendir '" + dir_ + "'");
  }
  std::vector<std::string> names;
  while (dirent* entry = ::readdir(dir)) {
    std::string name = entry->d_name;
    if (name.size() > 5 && name.compare(name.size() - 5, 5, kSuffix) == 0) names.push_back(name);
  }
  ::closedir(dir);
  for (const auto& name : names) {
    const std::string path = dir_ + "/" + name;
    auto text = ReadFileToString(path);
    rapidjson::Document document;
    if (text.ok()) document.Parse(text->c_str(), text->size());
    if (!text.ok() || document.HasParseError() || !document.IsObject()) {
      spdlog::warn("CNI cache: skipping unreadable '{}'", path);
      continue;
    }
    auto get = [&document](const char* key) {
      auto it = document.FindMember(key);
      return it != document.MemberEnd() && it->value.IsString() ? std::string(it->value.GetString())
                                                                : std::string();
    };
    CniAttachment attachment;
    attachment.container_id = get("containerId");
    attachment.network = get("network");
    attachment.netns_path = get("netns");
    attachment.ifname = get("ifName");
    attachment.conflist_json = get("config");
    attachment.runtime_config_json = get("runtimeConfig");
    attachment.result_json = get("result");
    if (attachment.container_id.empty() || attachment.container_id + kSuffix != name) {
      spdlog::warn("CNI cache: skipping '{}' (no matching containerId)", path);
      continue;
    }
    attachments.push_back(std::move(attachment));
  }
  return attachments;
}

Status CniResultCache::Remove(const std::string& container_id) {
  if (::unlink(PathOf(container_id).c_str()) != 0 && errno != ENOENT) {
    return ErrnoStatus("unlink '" + PathOf(container_id) + "'");
  }
  return OkStatus();
}

}  // namespace boxcar
