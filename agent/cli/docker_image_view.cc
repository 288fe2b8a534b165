#include "cli/docker_image_view.h"

#include <sys/utsname.h>

#include <map>
#include <string>
#include <vector>

#include "cli/json_builder.h"

namespace boxcar::cli {

namespace {

using rapidjson::Value;

// {"KEY": {}} for each of `keys`: Docker's sets (ExposedPorts, Volumes); null when none.
template <typename Strings>
Value KeySet(const Strings& keys, JsonBuilder& json) {
  if (keys.empty()) return JsonBuilder::Null();
  Value set = JsonBuilder::Object();
  for (const auto& key : keys) json.Put(set, key, JsonBuilder::Object());
  return set;
}

Value ConfigOf(const v1::ImageConfig& config, JsonBuilder& json) {
  Value out = JsonBuilder::Object();
  json.Add(out, "User", json.Text(config.user()));
  std::vector<std::string> exposed;
  for (const auto& port : config.exposed_ports()) {
    exposed.push_back(port.find('/') == std::string::npos ? port + "/tcp" : port);
  }
  json.Add(out, "ExposedPorts", KeySet(exposed, json));
  json.Add(out, "Env", json.TextList(config.env(), true));
  json.Add(out, "Cmd", json.TextList(config.cmd(), true));
  if (config.has_healthcheck() && !config.healthcheck().test().empty()) {
    Value health = JsonBuilder::Object();
    json.Add(health, "Test", json.TextList(config.healthcheck().test(), false));
    json.Add(out, "Healthcheck", std::move(health));
  }
  json.Add(out, "Volumes", KeySet(config.volumes(), json));
  json.Add(out, "WorkingDir", json.Text(config.working_dir()));
  json.Add(out, "Entrypoint", json.TextList(config.entrypoint(), true));
  json.Add(out, "Labels", json.TextMap({config.labels().begin(), config.labels().end()}));
  if (!config.stop_signal().empty()) json.Add(out, "StopSignal", json.Text(config.stop_signal()));
  return out;
}

}  // namespace

std::string DockerArchitecture() {
  struct utsname host {};
  ::uname(&host);
  static const std::map<std::string, std::string> kGoArch = {
      {"x86_64", "amd64"},    {"aarch64", "arm64"}, {"i686", "386"},       {"armv7l", "arm"},
      {"ppc64le", "ppc64le"}, {"s390x", "s390x"},   {"riscv64", "riscv64"}};
  auto known = kGoArch.find(host.machine);
  return known == kGoArch.end() ? host.machine : known->second;
}

DockerView DockerImageView(const v1::Image& image) {
  DockerView view;
  JsonBuilder json(view.json);
  Value& out = view.json;
  json.Add(out, "Id", json.Text(image.id()));
  json.Add(out, "RepoTags", json.TextList(image.references(), false));
  json.Add(out, "RepoDigests", json.TextList(image.repo_digests(), false));
  json.Add(out, "Created", json.Text(DockerTime(image.created_unix_seconds() * 1000000000)));
  json.Add(out, "Config", ConfigOf(image.config(), json));
  json.Add(out, "Architecture", json.Text(DockerArchitecture()));
  json.Add(out, "Os", json.Text("linux"));
  json.Add(out, "Size", JsonBuilder::Int(static_cast<int64_t>(image.size_bytes())));
  Value root_fs = JsonBuilder::Object();
  json.Add(root_fs, "Type", json.Text("layers"));
  Value layers = JsonBuilder::Array();
  for (const auto& layer : image.layers()) json.Push(layers, json.Text(layer.diff_id()));
  json.Add(root_fs, "Layers", std::move(layers));
  json.Add(out, "RootFS", std::move(root_fs));
  view.map_paths = {".Config.Labels", ".Config.ExposedPorts", ".Config.Volumes"};
  view.list_paths = {".Config.Env", ".Config.Cmd", ".Config.Entrypoint"};
  return view;
}

}  // namespace boxcar::cli
