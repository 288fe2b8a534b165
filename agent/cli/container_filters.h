// `boxcar ps --filter KEY=VALUE` and `--format`, as Docker reads them. Filters: status
// (created, running, paused, exited), health (starting, healthy, unhealthy, none), name (a
// substring), id (a prefix), label (KEY or KEY=VALUE), ancestor (the image as given at create,
// its name with or without a tag, or its id), exited (an exit code), before and since (created
// before or after a container, by name or id), volume (a volume's name, a bind's host path or a
// mount's destination) and network (its network's name, or one it joined). Filters of different
// keys must all match, several of one key any of them. --format: "json" (one object per line),
// "table" (the default), or a template of columns such as
// '{{.ID}} {{.Names}}' with .ID .Names .Image .Command .Status .State .Backend .Ports .Labels
// .CreatedAt .RunningFor .ExitCode .Mounts .Networks; "table TEMPLATE" adds a header row and aligns
// the tab-separated columns.
#pragma once

#include <map>
#include <string>
#include <vector>

#include "boxcar/v1/containers.pb.h"
#include "common/status.h"

namespace boxcar::cli {

class ContainerFilter {
 public:
  // INVALID_ARGUMENT naming --filter for an unknown key, a missing '=' or a bad status.
  static StatusOr<ContainerFilter> Parse(const std::vector<std::string>& filters);
  bool Matches(const v1::Container& container) const;
  // A before or since filter: Resolve() needs every container.
  bool NamesContainers() const;
  // before/since: finds each container named among `all` (every container), NOT_FOUND naming
  // --filter otherwise. Before Matches().
  Status Resolve(const google::protobuf::RepeatedPtrField<v1::Container>& all);
  // A status or exited filter asks for containers that are not running: ps must list them all.
  bool NeedsAll() const;

 private:
  std::map<std::string, std::vector<std::string>> values_;  // by key
  std::map<std::string, int64_t> created_of_;               // before/since: by reference
};

// The column of a template placeholder (".ID", ...) for `container`; INVALID_ARGUMENT naming
// --format for an unknown one.
StatusOr<std::string> FormatContainer(const std::string& format_template,
                                      const v1::Container& container);

// The header row of a "table TEMPLATE": each placeholder's column name (".Status" -> STATUS).
StatusOr<std::string> FormatContainerHeader(const std::string& format_template);

// Docker's STATUS column: "Up 3 minutes", "Up 1 second (healthy)", "Up 2 seconds (Paused)", "Exited
// (137) 4 seconds ago", "Created".
std::string StatusText(const v1::Container& container);

// Docker's PORTS column: the published ports of a running container, "0.0.0.0:8080->80/tcp,
// 127.0.0.1:5353->53/udp" ("" when it publishes none or does not run).
std::string PortsText(const v1::Container& container);

// The health status as Docker names it: starting, healthy, unhealthy, none.
std::string HealthName(v1::HealthStatus status);

// Docker's lower-case state name: created, running, paused, exited.
std::string StateName(v1::ContainerState state);

}  // namespace boxcar::cli
