#include "net/cni/cni_conflist.h"

#include <rapidjson/document.h>
#include <rapidjson/error/en.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>
#include <unistd.h>

#include <regex>

namespace boxcar {

namespace {

std::string ToJson(const rapidjson::Value& value) {
  rapidjson::StringBuffer buffer;
  rapidjson::Writer<rapidjson::StringBuffer> writer(buffer);
  value.Accept(writer);
  return std::string(buffer.GetString(), buffer.GetSize());
}

Status CheckPluginType(const std::string& type, const std::string& field) {
  // A name, never a path: the binary is looked up in the agent's CNI path only.
  static const std::regex kType("[A-Za-z0-9][A-Za-z0-9_.+-]{0,63}");
  if (!std::regex_match(type, kType)) {
    return InvalidArgument(field + ": '" + type + "' is not a plugin name ([A-Za-z0-9_.+-])");
  }
  return OkStatus();
}

}  // namespace

bool CniConflist::HasCapability(const std::string& key) const {
  for (const auto& plugin : plugins) {
    if (plugin.capabilities.count(key)) return true;
  }
  return false;
}

bool CniConflist::HasPlugin(const std::string& type) const {
  for (const auto& plugin : plugins) {
    if (plugin.type == type) return true;
  }
  return false;
}

StatusOr<CniConflist> ParseCniConflist(const std::string& text, const std::string& field) {
  rapidjson::Document document;
  document.Parse(text.c_str(), text.size());
  if (document.HasParseError()) {
    return InvalidArgument(field + ": not JSON: " +
                           rapidjson::GetParseError_En(document.GetParseError()) + " at offset " +
                           std::to_string(document.GetErrorOffset()));
  }
  if (!document.IsObject()) return InvalidArgument(field + ": must be a JSON object");
  CniConflist conflist;
  auto version = document.FindMember("cniVersion");
  if (version == document.MemberEnd() || !version->value.IsString() ||
      version->value.GetStringLength() == 0) {
    return InvalidArgument(field + ".cniVersion: a string is required (e.g. \"1.0.0\")");
  }
  conflist.cni_version = version->value.GetString();
  auto name = document.FindMember("name");
  if (name == document.MemberEnd() || !name->value.IsString() || name->value.GetStringLength() == 0) {
    return InvalidArgument(field + ".name: a string is required");
  }
  conflist.name = name->value.GetString();
  auto disable_check = document.FindMember("disableCheck");
  if (disable_check != document.MemberEnd()) {
    if (!disable_check->value.IsBool()) return InvalidArgument(field + ".disableCheck: must be true or false");
    conflist.disable_check = disable_check->value.GetBool();
  }
  auto plugins = document.FindMember("plugins");
  if (plugins == document.MemberEnd() || !plugins->value.IsArray() || plugins->value.Empty()) {
    return InvalidArgument(field + ".plugins: a non-empty array is required (a single-plugin "
                                   ".conf is written as a list of one)");
  }
  for (rapidjson::SizeType i = 0; i < plugins->value.Size(); ++i) {
    const std::string plugin_field = field + ".plugins[" + std::to_string(i) + "]";
    const rapidjson::Value& object = plugins->value[i];
    if (!object.IsObject()) return InvalidArgument(plugin_field + ": must be an object");
    CniPlugin plugin;
    auto type = object.FindMember("type");
    if (type == object.MemberEnd() || !type->value.IsString()) {
      return InvalidArgument(plugin_field + ".type: a string is required");
    }
    plugin.type = type->value.GetString();
    RETURN_IF_ERROR(CheckPluginType(plugin.type, plugin_field + ".type"));
    auto capabilities = object.FindMember("capabilities");
    if (capabilities != object.MemberEnd()) {
      if (!capabilities->value.IsObject()) {
        return InvalidArgument(plugin_field + ".capabilities: must be an object");
      }
      for (const auto& member : capabilities->value.GetObject()) {
        if (member.value.IsBool() && member.value.GetBool()) {
          plugin.capabilities.insert(member.name.GetString());
        }
      }
    }
    auto ipam = object.FindMember("ipam");
    if (ipam != object.MemberEnd() && ipam->value.IsObject()) {
      auto ipam_type = ipam->value.FindMember("type");
      if (ipam_type != ipam->value.MemberEnd()) {
        if (!ipam_type->value.IsString()) {
          return InvalidArgument(plugin_field + ".ipam.type: must be a string");
        }
        plugin.ipam_type = ipam_type->value.GetString();
        RETURN_IF_ERROR(CheckPluginType(plugin.ipam_type, plugin_field + ".ipam.type"));
      }
    }
    plugin.config_json = ToJson(object);
    conflist.plugins.push_back(std::move(plugin));
  }
  return conflist;
}

StatusOr<std::string> FindCniPlugin(const std::string& type,
                                    const std::vector<std::string>& cni_path) {
  std::string dirs;
  for (const auto& dir : cni_path) {
    const std::string path = dir + "/" + type;
    if (::access(path.c_str(), X_OK) == 0) return path;
    dirs += (dirs.empty() ? "" : ", ") + dir;
  }
  return NotFound("failed to find plugin \"" + type + "\" in path [" + dirs + "]");
}

Status CheckCniPluginsPresent(const CniConflist& conflist,
                              const std::vector<std::string>& cni_path, const std::string& field) {
  for (size_t i = 0; i < conflist.plugins.size(); ++i) {
    const std::string plugin_field = field + ".plugins[" + std::to_string(i) + "]";
    const CniPlugin& plugin = conflist.plugins[i];
    RETURN_IF_ERROR(
        FindCniPlugin(plugin.type, cni_path).status().Annotate(plugin_field + ".type"));
    if (!plugin.ipam_type.empty()) {
      RETURN_IF_ERROR(FindCniPlugin(plugin.ipam_type, cni_path)
                          .status()
                          .Annotate(plugin_field + ".ipam.type"));
    }
  }
  return OkStatus();
}

std::string CniPluginInput(const CniConflist& conflist, size_t index,
                           const std::string& prev_result_json,
                           const std::string& runtime_config_json) {
  const CniPlugin& plugin = conflist.plugins.at(index);
  rapidjson::Document input;
  input.Parse(plugin.config_json.c_str(), plugin.config_json.size());
  auto& allocator = input.GetAllocator();
  auto set = [&](const char* key, rapidjson::Value value) {
    input.RemoveMember(key);
    input.AddMember(rapidjson::Value(key, allocator), value, allocator);
  };
  set("cniVersion", rapidjson::Value(conflist.cni_version.c_str(), allocator));
  set("name", rapidjson::Value(conflist.name.c_str(), allocator));
  if (!prev_result_json.empty()) {
    rapidjson::Document prev(&allocator);
    prev.Parse(prev_result_json.c_str(), prev_result_json.size());
    if (!prev.HasParseError()) set("prevResult", rapidjson::Value(prev, allocator));
  }
  input.RemoveMember("runtimeConfig");
  rapidjson::Document runtime(&allocator);
  runtime.Parse(runtime_config_json.empty() ? "{}" : runtime_config_json.c_str());
  rapidjson::Value filtered(rapidjson::kObjectType);
  if (runtime.IsObject()) {
    for (const auto& member : runtime.GetObject()) {
      if (!plugin.capabilities.count(member.name.GetString())) continue;
      filtered.AddMember(rapidjson::Value(member.name, allocator),
                         rapidjson::Value(member.value, allocator), allocator);
    }
  }
  if (filtered.MemberCount() > 0) set("runtimeConfig", std::move(filtered));
  return ToJson(input);
}

}  // namespace boxcar
