#include "launch/launch_mounts_json.h"

namespace boxcar {

namespace {

constexpr char kSpecName[] = "launch spec";

Status BadMount(size_t index, const std::string& problem) {
  return InvalidArgument(std::string(kSpecName) + ": mounts[" + std::to_string(index) + "]." +
                         problem);
}

}  // namespace

void WriteLaunchMounts(SpecJsonWriter& writer, const std::vector<LaunchMount>& mounts) {
  writer.Key("mounts");
  writer.StartArray();
  for (const LaunchMount& mount : mounts) {
    writer.StartObject();
    WriteStringField(writer, "kind", mount.kind == LaunchMount::Kind::kTmpfs ? "tmpfs" : "bind");
    WriteStringField(writer, "source", mount.source);
    WriteStringField(writer, "target", mount.target);
    WriteBoolField(writer, "read_only", mount.read_only);
    WriteUint64Field(writer, "tmpfs_size_bytes", mount.tmpfs_size_bytes);
    WriteUint64Field(writer, "tmpfs_mode", mount.tmpfs_mode);
    writer.EndObject();
  }
  writer.EndArray();
}

Status ReadLaunchMounts(const rapidjson::Value& object, std::vector<LaunchMount>* mounts) {
  auto it = object.FindMember("mounts");
  if (it == object.MemberEnd()) return OkStatus();
  if (!it->value.IsArray()) return InvalidArgument(std::string(kSpecName) + ": mounts is not an array");
  size_t index = 0;
  for (const auto& value : it->value.GetArray()) {
    if (!value.IsObject()) return BadMount(index, "is not an object");
    LaunchMount mount;
    std::string kind;
    RETURN_IF_ERROR(ReadStringField(value, kSpecName, "kind", &kind));
    if (kind != "bind" && kind != "tmpfs") return BadMount(index, "kind is not bind or tmpfs");
    mount.kind = kind == "tmpfs" ? LaunchMount::Kind::kTmpfs : LaunchMount::Kind::kBind;
    RETURN_IF_ERROR(ReadStringField(value, kSpecName, "source", &mount.source));
    RETURN_IF_ERROR(ReadStringField(value, kSpecName, "target", &mount.target));
    if (auto ro = value.FindMember("read_only"); ro != value.MemberEnd()) {
      if (!ro->value.IsBool()) return BadMount(index, "read_only is not a bool");
      mount.read_only = ro->value.GetBool();
    }
    if (auto size = value.FindMember("tmpfs_size_bytes"); size != value.MemberEnd()) {
      if (!size->value.IsUint64()) return BadMount(index, "tmpfs_size_bytes is not a uint64");
      mount.tmpfs_size_bytes = size->value.GetUint64();
    }
    if (auto mode = value.FindMember("tmpfs_mode"); mode != value.MemberEnd()) {
      if (!mode->value.IsUint()) return BadMount(index, "tmpfs_mode is not a uint32");
      mount.tmpfs_mode = mode->value.GetUint();
    }
    if (mount.target.empty() || mount.target[0] != '/') {
      return BadMount(index, "target is not an absolute path");
    }
    if (mount.kind == LaunchMount::Kind::kBind && mount.source.empty()) {
      return BadMount(index, "source is required for a bind");
    }
    mounts->push_back(std::move(mount));
    ++index;
  }
  return OkStatus();
}

}  // namespace boxcar
