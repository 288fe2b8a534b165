#include "glance/json_patch.h"

#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

namespace boxcar::glance {

std::string JsonPatchBody(const std::vector<PatchOperation>& operations) {
  rapidjson::StringBuffer buffer;
  rapidjson::Writer<rapidjson::StringBuffer> w(buffer);
  w.StartArray();
  for (const auto& operation : operations) {
    w.StartObject();
    w.Key("op");
    switch (operation.op) {
      case PatchOperation::Op::kAdd: w.String("add"); break;
      case PatchOperation::Op::kReplace: w.String("replace"); break;
      case PatchOperation::Op::kRemove: w.String("remove"); break;
    }
    // JSON pointer: "~" and "/" are escaped as "~0" and "~1".
    std::string path = "/";
    for (char c : operation.property) {
      if (c == '~') path += "~0";
      else if (c == '/') path += "~1";
      else path += c;
    }
    w.Key("path");
    w.String(path.c_str(), static_cast<rapidjson::SizeType>(path.size()));
    if (operation.op != PatchOperation::Op::kRemove) {
      w.Key("value");
      w.String(operation.value.c_str(), static_cast<rapidjson::SizeType>(operation.value.size()));
    }
    w.EndObject();
  }
  w.EndArray();
  return std::string(buffer.GetString(), buffer.GetSize());
}

}  // namespace boxcar::glance
