// --json output: protobuf messages as JSON with the proto field names. Commands that list
// (ps, image ls, network ls, volume ls, stats, top, diff, port, interface ls) print one array
// on one line; `inspect` prints an indented array of what it was asked for, as Docker's does;
// commands about one thing (image history, info, system check, prune) print one object.
#pragma once

#include <google/protobuf/message.h>

#include <string>
#include <vector>

namespace boxcar::cli {

std::string MessageToJson(const google::protobuf::Message& message, bool pretty);

// `text` as a JSON string, quotes and escapes included.
std::string JsonQuoted(const std::string& text);

// `inspect`'s output: the indented objects (MessageToJson(..., true)) in one indented array,
// "[]" when there are none.
std::string IndentedJsonArray(const std::vector<std::string>& indented_objects);

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
