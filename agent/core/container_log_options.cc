#include "core/container_log_options.h"

#include <cctype>
#include <cerrno>
#include <cstdlib>
#include <optional>

namespace boxcar {

namespace {

constexpr uint64_t kMaxLogFiles = 1000;
// Below a few records per file, rotation is all the shim would do.
constexpr uint64_t kMinLogMaxSize = 4096;

// "-1": 0 (no bound); else bytes, with an optional k/m/g suffix (powers of 1024, as Docker's
// units.RAMInBytes; a trailing "b" or "ib" accepted). Nullopt when not a size.
std::optional<uint64_t> ParseMaxSize(const std::string& text) {
  if (text == "-1") return uint64_t{0};
  if (text.empty() || !std::isdigit(static_cast<unsigned char>(text[0]))) return std::nullopt;
  errno = 0;
  char* end = nullptr;
  const unsigned long long number = std::strtoull(text.c_str(), &end, 10);
  if (errno != 0) return std::nullopt;
  std::string unit(end);
  for (char& c : unit) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  if (unit.size() > 1 && (unit.substr(1) == "b" || unit.substr(1) == "ib")) unit.resize(1);
  int shift = 0;
  if (unit.empty() || unit == "b") {
    shift = 0;
  } else if (unit == "k") {
    shift = 10;
  } else if (unit == "m") {
    shift = 20;
  } else if (unit == "g") {
    shift = 30;
  } else {
    return std::nullopt;
  }
  if (number > (UINT64_MAX >> shift)) return std::nullopt;
  return static_cast<uint64_t>(number) << shift;
}

std::optional<uint64_t> ParseMaxFile(const std::string& text) {
  if (text.empty() || text.find_first_not_of("0123456789") != std::string::npos ||
      text.size() > 4) {
    return std::nullopt;
  }
  return std::strtoull(text.c_str(), nullptr, 10);
}

std::string ValueOr(const google::protobuf::Map<std::string, std::string>& options,
                    const std::map<std::string, std::string>& defaults, const std::string& key) {
  if (auto it = options.find(key); it != options.end()) return it->second;
  if (auto it = defaults.find(key); it != defaults.end()) return it->second;
  return "";
}

}  // namespace

Status ValidateLogDriver(const std::string& driver, const std::string& field) {
  if (driver.empty() || driver == kLogDriverLocal || driver == kLogDriverNone) return OkStatus();
  return InvalidArgument(field + ": unknown log driver '" + driver +
                         "' (this agent has 'local' and 'none')");
}

Status ValidateLogOption(const std::string& key, const std::string& value,
                         const std::string& field) {
  if (key == kLogOptionMaxSize) {
    auto size = ParseMaxSize(value);
    if (!size || (*size != 0 && *size < kMinLogMaxSize)) {
      return InvalidArgument(field + ": '" + value +
                             "' is not a size of at least 4k (bytes, or with k, m or g: 10m; -1 "
                             "for no bound)");
    }
    return OkStatus();
  }
  if (key == kLogOptionMaxFile) {
    auto files = ParseMaxFile(value);
    if (!files || *files < 1 || *files > kMaxLogFiles) {
      return InvalidArgument(field + ": '" + value + "' is not a number of files from 1 to 1000");
    }
    return OkStatus();
  }
  return InvalidArgument(field + ": unknown log option '" + key +
                         "' (the local driver has max-size and max-file)");
}

Status ValidateLogSettings(const v1::ContainerSpec& spec) {
  RETURN_IF_ERROR(ValidateLogDriver(spec.log_driver(), "spec.log_driver"));
  // In key order: the same spec always names the same field.
  std::map<std::string, std::string> options(spec.log_options().begin(), spec.log_options().end());
  for (const auto& [key, value] : options) {
    const std::string field = "spec.log_options[" + key + "]";
    if (spec.log_driver() == kLogDriverNone) {
      return InvalidArgument(field + ": the none log driver keeps no log, so it takes no options");
    }
    RETURN_IF_ERROR(ValidateLogOption(key, value, field));
  }
  return OkStatus();
}

void FillLogDefaults(const ContainerLogDefaults& defaults, v1::ContainerSpec* spec) {
  if (spec->log_driver().empty()) spec->set_log_driver(defaults.driver);
  if (spec->log_driver() == kLogDriverNone) return;
  for (const auto& [key, value] : defaults.options) {
    spec->mutable_log_options()->insert({key, value});
  }
}

ContainerLogBound LogBoundOf(const v1::ContainerSpec& spec, const ContainerLogDefaults& defaults) {
  ContainerLogBound bound;
  const std::string& driver = spec.log_driver().empty() ? defaults.driver : spec.log_driver();
  if (driver == kLogDriverNone) {
    bound.keeps_output = false;
    return bound;
  }
  const auto& options = spec.log_options();
  bound.max_size_bytes =
      ParseMaxSize(ValueOr(options, defaults.options, kLogOptionMaxSize)).value_or(0);
  if (bound.max_size_bytes > 0) {
    bound.max_files =
        ParseMaxFile(ValueOr(options, defaults.options, kLogOptionMaxFile)).value_or(1);
    if (bound.max_files < 1) bound.max_files = 1;
  }
  return bound;
}

}  // namespace boxcar
