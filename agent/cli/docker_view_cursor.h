// A place in a DockerView (cli/docker_view.h) as a --format path reaches it: Docker's side of
// inspect's object, walked and printed as Go's templates walk and print Docker's Go types.
#pragma once

#include <rapidjson/document.h>

#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "cli/docker_view.h"
#include "common/status.h"

namespace boxcar::cli {

struct ViewCursor {
  const rapidjson::Value* value = nullptr;
  // Its path with "*" for map keys and list indexes (".NetworkSettings.Networks.*"): what
  // view.map_paths and view.list_paths know it by.
  std::string shape;
};

struct ViewStep {
  ViewCursor at;
  size_t taken = 0;
};

// One step of `path` (without its leading dot) from `at`: a struct's field by its exact name
// (else an error listing them), a map's key (the longest the path starts with: keys may hold
// dots), a list's index. nullopt: a key or index that is not there.
StatusOr<std::optional<ViewStep>> StepInView(const DockerView& view, const ViewCursor& at,
                                             const std::string& walked, std::string_view path);

// As Go's fmt prints the value: text, numbers, true/false, [a b], map[k:v], {a b}, <nil> (a nil
// slice "[]", a nil map "map[]").
std::string ViewGoText(const DockerView& view, const ViewCursor& at);

// As Docker's `json` template function prints it: compact, with Go's escapes of <, > and &.
std::string ViewJson(const rapidjson::Value& value);

// A list's elements, a map's values by key; nullopt for anything else (a struct, a scalar).
std::optional<std::vector<std::pair<std::string, ViewCursor>>> ViewElements(const DockerView& view,
                                                                            const ViewCursor& at);

bool IsViewMap(const DockerView& view, const ViewCursor& at);

}  // namespace boxcar::cli
