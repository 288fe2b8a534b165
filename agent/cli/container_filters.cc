#include "cli/container_filters.h"

#include <algorithm>
#include <functional>

#include "cli/format_template.h"
#include "cli/human_format.h"
#include "common/unix_time.h"

namespace boxcar::cli {

namespace {

constexpr const char* kFilterKeys[] = {"status", "name",   "label", "ancestor", "health", "id",
                                       "exited", "before", "since", "volume",   "network"};

bool MatchesAncestor(const v1::Container& container, const std::string& ancestor) {
  const std::string& image = container.spec().image();
  if (image == ancestor || image == ancestor + ":latest" || ancestor == image + ":latest") {
    return true;
  }
  std::string id = ancestor.rfind("sha256:", 0) == 0 ? ancestor.substr(7) : ancestor;
  const std::string& image_id = container.image_id();
  const std::string hex = image_id.rfind("sha256:", 0) == 0 ? image_id.substr(7) : image_id;
  return id.size() >= 4 && hex.compare(0, id.size(), id) == 0;
}

bool MatchesLabel(const v1::Container& container, const std::string& label) {
  const auto& labels = container.spec().labels();
  size_t equals = label.find('=');
  if (equals == std::string::npos) return labels.count(label) > 0;
  auto it = labels.find(label.substr(0, equals));
  return it != labels.end() && it->second == label.substr(equals + 1);
}

// Docker's volume filter: a volume's name, a bind's host path or any mount's destination.
bool MatchesVolume(const v1::Container& container, const std::string& volume) {
  for (const auto& mount : container.spec().mounts()) {
    if (mount.source() == volume || mount.target() == volume) return true;
  }
  return false;
}

// The network of its spec (a bridge or CNI network's name, host, none) or one it joined since.
bool MatchesNetwork(const v1::Container& container, const std::string& network) {
  if (container.spec().network().mode() == network) return true;
  for (const auto& vif : container.interfaces()) {
    if (vif.network() == network) return true;
  }
  return false;
}

bool MatchesOne(const v1::Container& container, const std::string& key,
                const std::string& value) {
  if (key == "status") return StateName(container.state()) == value;
  if (key == "id") return container.id().rfind(value, 0) == 0;
  if (key == "exited") {
    return container.state() == v1::CONTAINER_STATE_EXITED &&
           std::to_string(container.exit_code()) == value;
  }
  if (key == "volume") return MatchesVolume(container, value);
  if (key == "network") return MatchesNetwork(container, value);
  if (key == "name") return container.name().find(value) != std::string::npos;
  if (key == "label") return MatchesLabel(container, value);
  if (key == "health") return HealthName(container.health().status()) == value;
  return MatchesAncestor(container, value);
}

std::string Command(const v1::Container& container) {
  std::string command;
  for (const auto& arg : container.argv()) command += (command.empty() ? "" : " ") + arg;
  return command;
}

std::string Labels(const v1::Container& container) {
  std::vector<std::string> pairs;
  for (const auto& [key, value] : container.spec().labels()) pairs.push_back(key + "=" + value);
  std::sort(pairs.begin(), pairs.end());
  std::string joined;
  for (const auto& pair : pairs) joined += (joined.empty() ? "" : ",") + pair;
  return joined;
}

// Docker's MOUNTS column: each mount's volume name or host path (a tmpfs: its destination).
std::string Mounts(const v1::Container& container) {
  std::string joined;
  for (const auto& mount : container.spec().mounts()) {
    joined +=
        (joined.empty() ? "" : ",") + (mount.source().empty() ? mount.target() : mount.source());
  }
  return joined;
}

// Docker's NETWORKS column: the spec's network and those joined since.
std::string Networks(const v1::Container& container) {
  std::string joined = container.spec().network().mode();
  for (const auto& vif : container.interfaces()) {
    if (!vif.network().empty()) joined += (joined.empty() ? "" : ",") + vif.network();
  }
  return joined;
}

}  // namespace

std::string HealthName(v1::HealthStatus status) {
  switch (status) {
    case v1::HEALTH_STATUS_STARTING:
      return "starting";
    case v1::HEALTH_STATUS_HEALTHY:
      return "healthy";
    case v1::HEALTH_STATUS_UNHEALTHY:
      return "unhealthy";
    default:
      return "none";
  }
}

std::string StateName(v1::ContainerState state) {
  switch (state) {
    case v1::CONTAINER_STATE_RUNNING:
      return "running";
    case v1::CONTAINER_STATE_PAUSED:
      return "paused";
    case v1::CONTAINER_STATE_EXITED:
      return "exited";
    default:
      return "created";
  }
}

StatusOr<ContainerFilter> ContainerFilter::Parse(const std::vector<std::string>& filters) {
  ContainerFilter filter;
  for (const auto& entry : filters) {
    size_t equals = entry.find('=');
    if (equals == std::string::npos || equals == 0 || equals + 1 == entry.size()) {
      return InvalidArgument("--filter '" + entry + "': give KEY=VALUE, e.g. status=running");
    }
    std::string key = entry.substr(0, equals);
    std::string value = entry.substr(equals + 1);
    if (std::find(std::begin(kFilterKeys), std::end(kFilterKeys), key) == std::end(kFilterKeys)) {
      return InvalidArgument("--filter '" + entry +
                             "': unknown key; use status, name, id, label, ancestor, health, "
                             "exited, before, since, volume or network");
    }
    if (key == "health" && value != "starting" && value != "healthy" && value != "unhealthy" &&
        value != "none") {
      return InvalidArgument("--filter '" + entry +
                             "': health is starting, healthy, unhealthy or none");
    }
    if (key == "status" && value != "created" && value != "running" && value != "paused" &&
        value != "exited") {
      return InvalidArgument("--filter '" + entry +
                             "': status is created, running, paused or exited");
    }
    if (key == "exited" && value.find_first_not_of("0123456789") != std::string::npos) {
      return InvalidArgument("--filter '" + entry + "': exited is an exit code (0-255)");
    }
    filter.values_[key].push_back(value);
  }
  return filter;
}

Status ContainerFilter::Resolve(const google::protobuf::RepeatedPtrField<v1::Container>& all) {
  for (const char* key : {"before", "since"}) {
    auto it = values_.find(key);
    if (it == values_.end()) continue;
    for (const std::string& reference : it->second) {
      const v1::Container* found = nullptr;
      for (const auto& container : all) {
        if (container.name() == reference || container.id().rfind(reference, 0) == 0) {
          found = &container;
        }
      }
      if (found == nullptr) {
        return NotFound("--filter '" + std::string(key) + "=" + reference +
                        "': no such container (give a name or an id)");
      }
      created_of_[reference] = found->created_unix_ns();
    }
  }
  return OkStatus();
}

bool ContainerFilter::Matches(const v1::Container& container) const {
  for (const auto& [key, values] : values_) {
    bool any = false;
    for (const auto& value : values) {
      if (key == "before" || key == "since") {
        auto created = created_of_.find(value);
        any = any || (created != created_of_.end() &&
                      (key == "before" ? container.created_unix_ns() < created->second
                                       : container.created_unix_ns() > created->second));
        continue;
      }
      any = any || MatchesOne(container, key, value);
    }
    if (!any) return false;
  }
  return true;
}

bool ContainerFilter::NamesContainers() const {
  return values_.count("before") > 0 || values_.count("since") > 0;
}

bool ContainerFilter::NeedsAll() const {
  if (values_.count("exited")) return true;
  auto it = values_.find("status");
  if (it == values_.end()) return false;
  return std::any_of(it->second.begin(), it->second.end(),
                     [](const std::string& status) { return status != "running"; });
}

std::string StatusText(const v1::Container& container) {
  int64_t now = NowUnixSeconds();
  switch (container.state()) {
    case v1::CONTAINER_STATE_RUNNING: {
      std::string text = "Up " + HumanDuration(now - container.started_unix_ns() / 1000000000);
      switch (container.health().status()) {
        case v1::HEALTH_STATUS_STARTING:
          return text + " (health: starting)";
        case v1::HEALTH_STATUS_HEALTHY:
          return text + " (healthy)";
        case v1::HEALTH_STATUS_UNHEALTHY:
          return text + " (unhealthy)";
        default:
          return text;
      }
    }
    case v1::CONTAINER_STATE_PAUSED:
      return "Up " + HumanDuration(now - container.started_unix_ns() / 1000000000) + " (Paused)";
    case v1::CONTAINER_STATE_EXITED:
      return "Exited (" + std::to_string(container.exit_code()) + ") " +
             HumanDuration(now - container.finished_unix_ns() / 1000000000) + " ago";
    default:
      return "Created";
  }
}

std::string PortsText(const v1::Container& container) {
  std::string text;
  for (const auto& port : container.published_ports()) {
    if (!text.empty()) text += ", ";
    text += (port.host_ip().empty() ? "0.0.0.0" : port.host_ip()) + ":" +
            std::to_string(port.host_port()) + "->" + std::to_string(port.container_port()) + "/" +
            (port.protocol().empty() ? "tcp" : port.protocol());
  }
  return text;
}

namespace {

// Each placeholder's column for `container`, or with `container` null its header (Docker's).
StatusOr<std::string> ExpandContainerTemplate(const std::string& format_template,
                                              const v1::Container* container) {
  struct Column {
    const char* field;
    const char* header;
    std::function<std::string(const v1::Container&)> value;
  };
  static const auto* columns = new std::vector<Column>{
      {".ID", "CONTAINER ID", [](const auto& c) { return c.id().substr(0, 12); }},
      {".Names", "NAMES", [](const auto& c) { return c.name(); }},
      {".Name", "NAME", [](const auto& c) { return c.name(); }},
      {".Image", "IMAGE", [](const auto& c) { return c.spec().image(); }},
      {".Command", "COMMAND", [](const auto& c) { return "\"" + Command(c) + "\""; }},
      {".Status", "STATUS", [](const auto& c) { return StatusText(c); }},
      {".State", "STATE", [](const auto& c) { return StateName(c.state()); }},
      {".Backend", "BACKEND", [](const auto& c) { return c.backend(); }},
      {".Ports", "PORTS", [](const auto& c) { return PortsText(c); }},
      {".Labels", "LABELS", [](const auto& c) { return Labels(c); }},
      {".CreatedAt", "CREATED AT",
       [](const auto& c) { return std::to_string(c.created_unix_ns() / 1000000000); }},
      {".ExitCode", "EXIT CODE", [](const auto& c) { return std::to_string(c.exit_code()); }},
      {".RunningFor", "CREATED",
       [](const auto& c) {
         return HumanDuration(NowUnixSeconds() - c.created_unix_ns() / 1000000000) + " ago";
       }},
      {".Mounts", "MOUNTS", [](const auto& c) { return Mounts(c); }},
      {".Networks", "NETWORKS", [](const auto& c) { return Networks(c); }},
  };
  return ExpandFormatTemplate(
      format_template, [&](const std::string& field) -> StatusOr<std::string> {
        for (const Column& column : *columns) {
          if (field != column.field) continue;
          return container ? column.value(*container) : std::string(column.header);
        }
        return InvalidArgument(
            "--format: unknown field '" + field +
            "'; use .ID .Names .Image .Command .Status .State .Backend .Ports .Labels "
            ".CreatedAt .RunningFor .ExitCode .Mounts .Networks");
      });
}

}  // namespace

StatusOr<std::string> FormatContainer(const std::string& format_template,
                                      const v1::Container& container) {
  return ExpandContainerTemplate(format_template, &container);
}

StatusOr<std::string> FormatContainerHeader(const std::string& format_template) {
  return ExpandContainerTemplate(format_template, nullptr);
}

}  // namespace boxcar::cli
