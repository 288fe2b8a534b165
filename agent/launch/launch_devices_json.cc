#include "launch/launch_devices_json.h"

#include <limits>

namespace boxcar {

namespace {

constexpr char kSpecName[] = "launch spec";

Status BadDevice(size_t index, const std::string& problem) {
  return InvalidArgument(std::string(kSpecName) + ": devices[" + std::to_string(index) + "]." +
                         problem);
}

Status ReadUint32(const rapidjson::Value& value, size_t index, const char* key, uint32_t* out) {
  uint64_t number = 0;
  RETURN_IF_ERROR(ReadUint64Field(value, kSpecName, key, &number));
  if (number > std::numeric_limits<uint32_t>::max()) {
    return BadDevice(index, std::string(key) + " is not a uint32");
  }
  *out = static_cast<uint32_t>(number);
  return OkStatus();
}

}  // namespace

void WriteLaunchDevices(SpecJsonWriter& writer, const std::vector<LaunchDevice>& devices) {
  writer.Key("devices");
  writer.StartArray();
  for (const LaunchDevice& device : devices) {
    writer.StartObject();
    WriteStringField(writer, "host_path", device.host_path);
    WriteStringField(writer, "target", device.target);
    WriteStringField(writer, "type", std::string(1, device.type));
    WriteUint64Field(writer, "major", device.major);
    WriteUint64Field(writer, "minor", device.minor);
    WriteUint64Field(writer, "mode", device.mode);
    WriteUint64Field(writer, "uid", device.uid);
    WriteUint64Field(writer, "gid", device.gid);
    writer.EndObject();
  }
  writer.EndArray();
}

Status ReadLaunchDevices(const rapidjson::Value& object, std::vector<LaunchDevice>* devices) {
  auto it = object.FindMember("devices");
  if (it == object.MemberEnd()) return OkStatus();
  if (!it->value.IsArray()) {
    return InvalidArgument(std::string(kSpecName) + ": devices is not an array");
  }
  size_t index = 0;
  for (const auto& value : it->value.GetArray()) {
    if (!value.IsObject()) return BadDevice(index, "is not an object");
    LaunchDevice device;
    std::string type;
    RETURN_IF_ERROR(ReadStringField(value, kSpecName, "host_path", &device.host_path));
    RETURN_IF_ERROR(ReadStringField(value, kSpecName, "target", &device.target));
    RETURN_IF_ERROR(ReadStringField(value, kSpecName, "type", &type));
    if (type != "c" && type != "b") return BadDevice(index, "type is not c or b");
    device.type = type[0];
    RETURN_IF_ERROR(ReadUint32(value, index, "major", &device.major));
    RETURN_IF_ERROR(ReadUint32(value, index, "minor", &device.minor));
    RETURN_IF_ERROR(ReadUint32(value, index, "mode", &device.mode));
    RETURN_IF_ERROR(ReadUint32(value, index, "uid", &device.uid));
    RETURN_IF_ERROR(ReadUint32(value, index, "gid", &device.gid));
    if (device.target.empty() || device.target[0] != '/') {
      return BadDevice(index, "target is not an absolute path");
    }
    devices->push_back(std::move(device));
    ++index;
  }
  return OkStatus();
}

}  // namespace boxcar
