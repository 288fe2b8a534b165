// The image config JSON a build changes step by step: the runtime part (Env, Cmd, Entrypoint,
// WorkingDir, User, ExposedPorts, Labels, Volumes, StopSignal, Shell, Healthcheck, OnBuild),
// the layers' diff ids and the history, as Docker writes them. Unknown members are kept.
#pragma once

#include "common/unix_time.h"  // Rfc3339NowUtc

#include <rapidjson/document.h>

#include <cstdint>
#include <string>
#include <vector>

#include "common/status.h"

namespace boxcar {

class BuildImageConfig {
 public:
  // An empty image (FROM scratch): linux/amd64, no layers.
  BuildImageConfig();
  BuildImageConfig(BuildImageConfig&&) = default;
  BuildImageConfig& operator=(BuildImageConfig&&) = default;

  static StatusOr<BuildImageConfig> FromJson(const std::string& json);
  std::string ToJson() const;

  // config.<key> as a string ("" when absent) or string array (empty when absent).
  std::string GetString(const char* key) const;
  std::vector<std::string> GetStringArray(const char* key) const;
  void SetString(const char* key, const std::string& value);
  void SetStringArray(const char* key, const std::vector<std::string>& values);
  // Adds `name` to an object-as-set such as ExposedPorts ({"80/tcp": {}}) or Volumes.
  void AddToSet(const char* key, const std::string& name);
  void SetLabel(const std::string& name, const std::string& value);
  // KEY=value, replacing an earlier KEY.
  void SetEnv(const std::string& name, const std::string& value);
  void AddOnBuild(const std::string& instruction);
  // Healthcheck: test ["NONE"] disables; durations in nanoseconds (0 = inherit).
  void SetHealthcheck(const std::vector<std::string>& test, int64_t interval_ns, int64_t timeout_ns,
                      int64_t start_period_ns, int64_t start_interval_ns, int retries);

  // The image's "author" (MAINTAINER).
  void SetAuthor(const std::string& author);

  void AddLayer(const std::string& diff_id);
  void AddHistory(const std::string& created_by, bool empty_layer);
  std::vector<std::string> DiffIds() const;

 private:
  rapidjson::Value& Runtime();  // "config", made when missing
  rapidjson::Value& Member(rapidjson::Value& object, const char* key, rapidjson::Type type);

  rapidjson::Document document_;
};

}  // namespace boxcar
