#include "cli/clouds_yaml.h"

#include <unistd.h>
#include <yaml-cpp/yaml.h>

#include <cerrno>
#include <climits>
#include <cstring>
#include <fstream>
#include <sstream>

namespace boxcar::cli {
namespace {

std::vector<std::string> SearchDirectories(const EnvReader& getenv) {
  std::vector<std::string> dirs;
  char cwd[PATH_MAX];
  if (::getcwd(cwd, sizeof cwd) != nullptr) dirs.push_back(cwd);
  const char* config_home = getenv("XDG_CONFIG_HOME");
  const char* home = getenv("HOME");
  if (config_home != nullptr && *config_home != '\0') {
    dirs.push_back(std::string(config_home) + "/openstack");
  } else if (home != nullptr && *home != '\0') {
    dirs.push_back(std::string(home) + "/.config/openstack");
  }
  dirs.push_back("/etc/openstack");
  return dirs;
}

bool Exists(const std::string& path) { return ::access(path.c_str(), F_OK) == 0; }

// The `clouds:` mapping of `path` (a null node when the file has none).
StatusOr<YAML::Node> ReadClouds(const std::string& path) {
  std::ifstream in(path);
  if (!in) {
    return InvalidArgument(path + ": cannot read it: " + std::strerror(errno));
  }
  std::stringstream text;
  text << in.rdbuf();
  YAML::Node root;
  try {
    root = YAML::Load(text.str());
  } catch (const YAML::Exception& e) {
    return InvalidArgument(path + ":" + std::to_string(e.mark.line + 1) + ":" +
                           std::to_string(e.mark.column + 1) + ": not valid YAML (" + e.msg +
                           "); correct it, or point OS_CLIENT_CONFIG_FILE at another file");
  }
  if (!root || root.IsNull()) return YAML::Node();
  if (!root.IsMap()) {
    return InvalidArgument(path + ": expected a mapping with 'clouds:' at the top");
  }
  YAML::Node clouds = root["clouds"];
  if (clouds && !clouds.IsNull() && !clouds.IsMap()) {
    return InvalidArgument(path + ": 'clouds' is not a mapping of cloud names");
  }
  return clouds && clouds.IsMap() ? clouds : YAML::Node();
}

// The scalars under `node` by path ("auth.password"); '-' in keys read as '_', as
// openstacksdk reads them.
void Flatten(const YAML::Node& node, const std::string& prefix,
             std::map<std::string, std::string>* values) {
  for (const auto& entry : node) {
    if (!entry.first.IsScalar()) continue;
    std::string key = prefix + entry.first.Scalar();
    for (char& c : key) c = c == '-' ? '_' : c;
    if (entry.second.IsScalar()) {
      (*values)[key] = entry.second.Scalar();
    } else if (entry.second.IsMap()) {
      Flatten(entry.second, key + ".", values);
    }
  }
}

std::string Joined(const std::vector<std::string>& words) {
  std::string text;
  for (const auto& word : words) text += (text.empty() ? "" : ", ") + word;
  return text;
}

}  // namespace

std::string CloudSettings::Get(const std::string& key) const {
  auto it = values.find(key);
  return it == values.end() ? std::string() : it->second;
}

std::string CloudSettings::Describe() const {
  return "cloud '" + name + "' (" + (clouds_file.empty() ? secure_file : clouds_file) + ")";
}

std::vector<std::string> CloudsFileCandidates(const std::string& stem,
                                              const char* override_variable,
                                              const EnvReader& getenv) {
  std::vector<std::string> files;
  const char* given = getenv(override_variable);
  if (given != nullptr && *given != '\0') files.push_back(given);
  for (const auto& dir : SearchDirectories(getenv)) {
    for (const char* suffix : {".yaml", ".yml", ".json"})
      files.push_back(dir + "/" + stem + suffix);
  }
  return files;
}

StatusOr<CloudSettings> LoadCloud(const std::string& name, const EnvReader& getenv) {
  CloudSettings cloud;
  cloud.name = name;
  std::vector<std::string> names_seen;
  std::vector<std::string> looked_at;
  std::string clouds_path;  // the clouds file read, with or without the cloud
  for (const char* stem : {"clouds", "secure"}) {
    const bool secure = std::strcmp(stem, "secure") == 0;
    const char* variable = secure ? "OS_SECURE_FILE" : "OS_CLIENT_CONFIG_FILE";
    const char* given = getenv(variable);
    if (given != nullptr && *given != '\0' && !Exists(given)) {
      return InvalidArgument(std::string(variable) + ": '" + given + "' does not exist");
    }
    std::string path;
    for (const auto& candidate : CloudsFileCandidates(stem, variable, getenv)) {
      if (!secure && candidate.size() > 5 && candidate.rfind(".yaml") == candidate.size() - 5)
        looked_at.push_back(candidate);
      if (path.empty() && Exists(candidate)) path = candidate;
    }
    if (path.empty()) continue;
    if (!secure) clouds_path = path;
    ASSIGN_OR_RETURN(const YAML::Node clouds, ReadClouds(path));
    if (!clouds.IsMap()) continue;
    for (const auto& entry : clouds) {
      if (!secure && entry.first.IsScalar()) names_seen.push_back(entry.first.Scalar());
    }
    const YAML::Node found = clouds[name];
    if (!found || found.IsNull()) continue;
    if (!found.IsMap()) return InvalidArgument(path + ": clouds." + name + " is not a mapping");
    // secure.yaml comes second: its values win.
    Flatten(found, "", &cloud.values);
    (secure ? cloud.secure_file : cloud.clouds_file) = path;
  }
  if (!cloud.clouds_file.empty() || !cloud.secure_file.empty()) return cloud;
  const std::string what = "cloud '" + name + "' (--os-cloud / OS_CLOUD)";
  const std::string instead =
      ", or leave --os-cloud and OS_CLOUD out and give --os-auth-url and the other --os-* "
      "options";
  if (!clouds_path.empty()) {
    return NotFound(
        what + " is not in " + clouds_path +
        (names_seen.empty() ? " (it has no clouds)" : " (its clouds: " + Joined(names_seen) + ")") +
        "; name one of those or add it under 'clouds:'" + instead);
  }
  return NotFound(what + ": no clouds.yaml found (looked at " + Joined(looked_at) +
                  "); write one there or point OS_CLIENT_CONFIG_FILE at it" + instead);
}

}  // namespace boxcar::cli
