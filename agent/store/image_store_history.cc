// `boxcar image history`: the "history" array of an image's config, each entry that added a
// layer paired with that layer (in order, as the OCI spec pairs them).
#include <rapidjson/document.h>

#include "common/unix_time.h"
#include "store/image_store.h"

namespace boxcar {

namespace {

std::string StringMember(const rapidjson::Value& object, const char* key) {
  auto it = object.FindMember(key);
  return it != object.MemberEnd() && it->value.IsString() ? it->value.GetString() : "";
}

}  // namespace

StatusOr<v1::ImageHistoryResponse> ImageStore::History(const std::string& image) {
  ASSIGN_OR_RETURN(v1::Image found, Resolve(image, "image"));
  ASSIGN_OR_RETURN(std::string config_json, ReadImageConfig(found.id()));
  rapidjson::Document config;
  config.Parse(config_json.c_str(), config_json.size());
  if (config.HasParseError() || !config.IsObject()) {
    return Internal("image " + found.id() + ": its config is not a JSON object");
  }
  v1::ImageHistoryResponse response;
  response.set_id(found.id());
  int next_layer = 0;
  auto take_layer = [&](v1::ImageHistoryEntry* entry) {
    if (next_layer >= found.layers_size()) return;
    const v1::Layer& layer = found.layers(next_layer++);
    entry->set_layer_diff_id(layer.diff_id());
    entry->set_size_bytes(layer.size_bytes());
  };
  auto history = config.FindMember("history");
  if (history != config.MemberEnd() && history->value.IsArray()) {
    for (const auto& step : history->value.GetArray()) {
      if (!step.IsObject()) continue;
      v1::ImageHistoryEntry* entry = response.add_entries();
      entry->set_created_unix_seconds(Rfc3339ToUnixSeconds(StringMember(step, "created")));
      entry->set_created_by(StringMember(step, "created_by"));
      entry->set_comment(StringMember(step, "comment"));
      auto empty = step.FindMember("empty_layer");
      entry->set_empty_layer(empty != step.MemberEnd() && empty->value.IsBool() &&
                             empty->value.GetBool());
      if (!entry->empty_layer()) take_layer(entry);
    }
  }
  // No history (an imported rootfs tarball), or less of it than layers: one entry per layer
  // left, dated by the config.
  const int64_t created = Rfc3339ToUnixSeconds(StringMember(config, "created"));
  while (next_layer < found.layers_size()) {
    v1::ImageHistoryEntry* entry = response.add_entries();
    entry->set_created_unix_seconds(created);
    take_layer(entry);
  }
  return response;
}

}  // namespace boxcar
