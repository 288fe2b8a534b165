#include "cli/json_output.h"

#include <google/protobuf/util/json_util.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include <string_view>

namespace boxcar::cli {

std::string MessageToJson(const google::protobuf::Message& message, bool pretty) {
  google::protobuf::util::JsonPrintOptions options;
  options.add_whitespace = pretty;
  options.always_print_primitive_fields = true;
  options.preserve_proto_field_names = true;
  std::string json;
  (void)google::protobuf::util::MessageToJsonString(message, &json, options);
  return json;
}

std::string JsonQuoted(const std::string& text) {
  rapidjson::StringBuffer buffer;
  rapidjson::Writer<rapidjson::StringBuffer> writer(buffer);
  writer.String(text.data(), static_cast<rapidjson::SizeType>(text.size()));
  return buffer.GetString();
}

std::string IndentedJsonArray(const std::vector<std::string>& indented_objects) {
  if (indented_objects.empty()) return "[]\n";
  std::string out = "[\n";
  for (size_t i = 0; i < indented_objects.size(); ++i) {
    std::string_view object = indented_objects[i];
    while (!object.empty() && object.back() == '\n') object.remove_suffix(1);
    out += "  ";
    for (char c : object) {
      out += c;
      if (c == '\n') out += "  ";
    }
    out += i + 1 < indented_objects.size() ? ",\n" : "\n";
  }
  out += "]\n";
  return out;
}

}  // namespace boxcar::cli
