// --json output: protobuf messages as JSON with the proto field names.
#pragma once

#include <google/protobuf/message.h>

#include <string>
#include <vector>

namespace boxcar::cli {

std::string MessageToJson(const google::protobuf::Message& message, bool pretty);

template <typename Repeated>
void PrintJsonArray(const Repeated& messages) {
  std::string out = "[";
  bool first = true;
  for (const auto& message : messages) {
    if (!first) out += ",";
    out += MessageToJson(message, false);
    first = false;
  }
  out += "]\n";
  std::fputs(out.c_str(), stdout);
}

}  // namespace boxcar::cli
