#include "cli/container_filters.h"

#include <algorithm>
#include <functional>

#include "cli/format_template.h"
#include "cli/human_format.h"
#include "common/unix_time.h"

namespace boxcar::cli {

namespace {

constexpr const char* kFilterKeys[] = {"status", "name", "label", "ancestor", "health"};

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

bool MatchesOne(const v1::Container& container, const std::string& key,
                const std::string& value) {
  if (key == "status") return StateName(container.state()) == value;
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
                             "': unknown key; use status, name, label, ancestor or health");
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
    filter.values_[key].push_back(value);
  }
  return filter;
}

bool ContainerFilter::Matches(const v1::Container& container) const {
  for (const auto& [key, values] : values_) {
    bool any = false;
    for (const auto& value : values) any = any || MatchesOne(container, key, value);
    if (!any) return false;
  }
  return true;
}

bool ContainerFilter::NeedsAll() const {
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
            ".CreatedAt .ExitCode");
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
