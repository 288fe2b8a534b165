// Docker's keys of an object `inspect` prints (a container, an image), beside Boxcar's own:
// what Docker's Engine API answers for it, CamelCase ("State", "HostConfig"), so that Docker's
// habits (`inspect -f '{{.State.Pid}}'`, `jq '.[0].State.Pid'`) work. JSON keys are
// case-sensitive: Boxcar's "state" and Docker's "State" sit in one object.
#pragma once

#include <google/protobuf/message.h>
#include <rapidjson/document.h>

#include <functional>
#include <set>
#include <string>

namespace boxcar::cli {

// What --format needs beside the JSON to walk it as Go's templates walk Docker's Go types:
// which objects are maps (a missing key prints "<no value>"; a struct's missing field is an
// error) and which nulls are lists (Go prints a nil slice as "[]", a nil pointer as "<nil>").
// Paths are the keys from the top, ".Config.Labels"; "*" stands for any key of a map or any
// element of a list (".NetworkSettings.Networks.*.Aliases").
struct DockerView {
  rapidjson::Document json{rapidjson::kObjectType};
  std::set<std::string, std::less<>> map_paths;
  std::set<std::string, std::less<>> list_paths;
};

// The object `inspect` prints: the message as JSON (proto field names, defaults too:
// cli/json_output.h) followed by `view`'s keys (none when null); indented by 2 when pretty.
std::string InspectObjectJson(const google::protobuf::Message& message, const DockerView* view,
                              bool pretty);

// Go's time.RFC3339Nano in UTC, as Docker prints times ("2026-12-05T23:09:38.1234567Z":
// trailing zeros of the fraction dropped); 0 is Go's zero time "0001-01-01T00:00:00Z".
std::string DockerTime(int64_t unix_ns);

}  // namespace boxcar::cli
