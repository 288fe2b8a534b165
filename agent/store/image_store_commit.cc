// ImageStore::Commit: a container's upper directory as a new image.
#include <rapidjson/document.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>
#include <time.h>

#include "store/image_store.h"
#include "store/layer_writer.h"

#include "common/unix_time.h"

namespace boxcar {

namespace {

using Allocator = rapidjson::Document::AllocatorType;

rapidjson::Value StringArray(const std::vector<std::string>& values, Allocator& allocator) {
  rapidjson::Value array(rapidjson::kArrayType);
  for (const auto& value : values)
    array.PushBack(rapidjson::Value(value.c_str(), allocator), allocator);
  return array;
}

// Sets object[key] = value, replacing an existing member.
void Set(rapidjson::Value& object, const char* key, rapidjson::Value value, Allocator& allocator) {
  if (object.HasMember(key)) {
    object[key] = value;
  } else {
    object.AddMember(rapidjson::Value(key, allocator), value, allocator);
  }
}

// The base config with the new layer, the changes and a history entry.
StatusOr<std::string> CommittedConfig(const std::string& base_json, const std::string& diff_id,
                                      const ImageStore::CommitChanges& changes) {
  rapidjson::Document config;
  config.Parse(base_json.c_str(), base_json.size());
  if (config.HasParseError() || !config.IsObject() || !config.HasMember("rootfs") ||
      !config["rootfs"].IsObject() || !config["rootfs"].HasMember("diff_ids") ||
      !config["rootfs"]["diff_ids"].IsArray()) {
    return DataLoss("commit: the base image's config is malformed");
  }
  Allocator& allocator = config.GetAllocator();
  const std::string now = Rfc3339NowUtc();
  config["rootfs"]["diff_ids"].PushBack(rapidjson::Value(diff_id.c_str(), allocator), allocator);
  Set(config, "created", rapidjson::Value(now.c_str(), allocator), allocator);
  if (!config.HasMember("config") || !config["config"].IsObject()) {
    Set(config, "config", rapidjson::Value(rapidjson::kObjectType), allocator);
  }
  rapidjson::Value& runtime = config["config"];
  if (changes.cmd) Set(runtime, "Cmd", StringArray(*changes.cmd, allocator), allocator);
  if (changes.entrypoint) {
    Set(runtime, "Entrypoint", StringArray(*changes.entrypoint, allocator), allocator);
  }
  if (!changes.env.empty()) {
    std::vector<std::string> env;
    if (runtime.HasMember("Env") && runtime["Env"].IsArray()) {
      for (const auto& entry : runtime["Env"].GetArray()) {
        if (entry.IsString()) env.push_back(entry.GetString());
      }
    }
    for (const auto& change : changes.env) {
      std::string key = change.substr(0, change.find('='));
      std::erase_if(env, [&](const std::string& e) { return e.substr(0, e.find('=')) == key; });
      env.push_back(change);
    }
    Set(runtime, "Env", StringArray(env, allocator), allocator);
  }
  if (changes.working_dir) {
    Set(runtime, "WorkingDir", rapidjson::Value(changes.working_dir->c_str(), allocator),
        allocator);
  }
  if (changes.user)
    Set(runtime, "User", rapidjson::Value(changes.user->c_str(), allocator), allocator);
  if (!config.HasMember("history") || !config["history"].IsArray()) {
    Set(config, "history", rapidjson::Value(rapidjson::kArrayType), allocator);
  }
  rapidjson::Value entry(rapidjson::kObjectType);
  entry.AddMember("created", rapidjson::Value(now.c_str(), allocator), allocator);
  entry.AddMember("created_by", rapidjson::Value(changes.created_by.c_str(), allocator), allocator);
  if (!changes.comment.empty()) {
    entry.AddMember("comment", rapidjson::Value(changes.comment.c_str(), allocator), allocator);
  }
  config["history"].PushBack(entry, allocator);
  rapidjson::StringBuffer buffer;
  rapidjson::Writer<rapidjson::StringBuffer> writer(buffer);
  config.Accept(writer);
  return std::string(buffer.GetString(), buffer.GetSize());
}

}  // namespace

StatusOr<v1::Image> ImageStore::Commit(const std::string& base_image_id,
                                       const std::string& upper_dir, const std::string& reference,
                                       const CommitChanges& changes) {
  std::vector<std::string> references;
  if (!reference.empty()) {
    ASSIGN_OR_RETURN(ImageReference parsed, ParseImageReference(reference, "reference"));
    references.push_back(parsed.ToString());
  }
  // Blobs written before the records exist: system check must not take them for orphans.
  ++imports_in_flight_;
  struct CountOut {
    std::atomic<int>& count;
    ~CountOut() { --count; }
  } count_out{imports_in_flight_};
  v1::Image base;
  {
    std::lock_guard<std::mutex> lock(db_->mutex());
    ASSIGN_OR_RETURN(base, LoadImage(base_image_id));
  }
  ASSIGN_OR_RETURN(std::string base_config, blobs_->ReadBlob(base.id()));
  ASSIGN_OR_RETURN(WrittenLayer layer, WriteLayerFromDirectory(upper_dir, changes.ids, blobs_));
  auto config_json = CommittedConfig(base_config, layer.digest, changes);
  auto config_digest = config_json.ok() ? blobs_->WriteBlob(*config_json)
                                        : StatusOr<std::string>(config_json.status());
  if (!config_digest.ok()) {
    DeleteUnreferencedBlobs({layer.digest});
    return config_digest.status();
  }
  ArchivedImage archived;
  archived.config_digest = *config_digest;
  for (const auto& base_layer : base.layers())
    archived.layer_digests.push_back(base_layer.digest());
  archived.layer_digests.push_back(layer.digest);
  auto stored = StoreImage(archived, references);
  if (!stored.ok()) DeleteUnreferencedBlobs({layer.digest, *config_digest});
  return stored;
}

}  // namespace boxcar
