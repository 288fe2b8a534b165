#include "cli/docker_view.h"

#include <rapidjson/prettywriter.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>
#include <time.h>

#include <cstdio>

#include "cli/json_output.h"

namespace boxcar::cli {

std::string InspectObjectJson(const google::protobuf::Message& message, const DockerView* view,
                              bool pretty) {
  if (view == nullptr) return MessageToJson(message, pretty);
  rapidjson::Document object;
  object.Parse(MessageToJson(message, false).c_str());
  for (const auto& member : view->json.GetObject()) {
    object.AddMember(rapidjson::Value(member.name, object.GetAllocator()),
                     rapidjson::Value(member.value, object.GetAllocator()), object.GetAllocator());
  }
  rapidjson::StringBuffer buffer;
  if (pretty) {
    rapidjson::PrettyWriter<rapidjson::StringBuffer> writer(buffer);
    writer.SetIndent(' ', 2);
    object.Accept(writer);
    return std::string(buffer.GetString()) + "\n";
  }
  rapidjson::Writer<rapidjson::StringBuffer> writer(buffer);
  object.Accept(writer);
  return buffer.GetString();
}

std::string DockerTime(int64_t unix_ns) {
  if (unix_ns <= 0) return "0001-01-01T00:00:00Z";
  const time_t seconds = static_cast<time_t>(unix_ns / 1000000000);
  struct tm utc {};
  gmtime_r(&seconds, &utc);
  char text[64];
  std::strftime(text, sizeof text, "%Y-%m-%dT%H:%M:%S", &utc);
  std::string out = text;
  if (const int64_t nanos = unix_ns % 1000000000; nanos != 0) {
    char fraction[16];
    std::snprintf(fraction, sizeof fraction, ".%09lld", static_cast<long long>(nanos));
    std::string digits = fraction;
    while (digits.back() == '0') digits.pop_back();
    out += digits;
  }
  return out + "Z";
}

}  // namespace boxcar::cli
