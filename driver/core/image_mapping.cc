#include "core/image_mapping.h"

namespace boxcar::nova {

namespace {

bool IsEnvironmentName(const std::string& key) {
  if (key.empty() || (key[0] >= '0' && key[0] <= '9')) return false;
  for (char c : key) {
    bool ok =
        (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_';
    if (!ok) return false;
  }
  return true;
}

bool IsReservedForTheStart(const std::string& key) {
  return key == "PATH" || key == "HOME" || key == "HOSTNAME" || key.rfind("LD_", 0) == 0;
}

}  // namespace

Status CheckBootableImage(const ImageRequest& image) {
  std::string what = "image " + image.id;
  if (!image.name.empty()) what += " ('" + image.name + "')";
  if (image.container_format != "docker") {
    return InvalidArgument(what + ": container_format is '" + image.container_format +
                           "'; Boxcar boots only container_format=docker images (a "
                           "docker-archive or OCI archive, disk_format=raw)");
  }
  if (!image.disk_format.empty() && image.disk_format != "raw") {
    return InvalidArgument(what + ": disk_format is '" + image.disk_format +
                           "'; a docker image's disk_format must be raw");
  }
  return OkStatus();
}

StatusOr<std::string> CacheReferenceFor(const ImageRequest& image) {
  if (image.id.empty()) return InvalidArgument("image.id: empty");
  for (char c : image.id) {
    bool ok = (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-';
    if (!ok) return InvalidArgument("image.id: '" + image.id + "' is not a Glance image id");
  }
  return "glance/" + image.id;
}

StatusOr<std::vector<std::string>> SplitCommandLine(const std::string& line,
                                                    const std::string& field) {
  std::vector<std::string> words;
  std::string word;
  bool in_word = false;
  for (size_t i = 0; i < line.size(); ++i) {
    char c = line[i];
    if (c == ' ' || c == '\t' || c == '\n') {
      if (in_word) words.push_back(std::move(word));
      word.clear();
      in_word = false;
      continue;
    }
    in_word = true;
    if (c == '\\') {
      if (i + 1 < line.size()) word += line[++i];
      continue;
    }
    if (c == '\'') {
      size_t end = line.find('\'', i + 1);
      if (end == std::string::npos)
        return InvalidArgument(field + ": unterminated ' in '" + line + "'");
      word += line.substr(i + 1, end - i - 1);
      i = end;
      continue;
    }
    if (c == '"') {
      size_t j = i + 1;
      for (; j < line.size() && line[j] != '"'; ++j) {
        if (line[j] == '\\' && j + 1 < line.size() &&
            std::string("\"\\$`").find(line[j + 1]) != std::string::npos) {
          ++j;
        }
        word += line[j];
      }
      if (j >= line.size()) return InvalidArgument(field + ": unterminated \" in '" + line + "'");
      i = j;
      continue;
    }
    word += c;
  }
  if (in_word) words.push_back(std::move(word));
  return words;
}

StatusOr<std::vector<std::string>> CommandFor(const ImageRequest& image) {
  auto it = image.properties.find(kCommandLineProperty);
  if (it == image.properties.end()) return std::vector<std::string>();
  return SplitCommandLine(it->second, std::string("image property ") + kCommandLineProperty);
}

std::vector<std::string> EnvironmentFor(const std::map<std::string, std::string>& metadata) {
  std::vector<std::string> env;
  for (const auto& [key, value] : metadata) {
    if (IsEnvironmentName(key) && !IsReservedForTheStart(key)) env.push_back(key + "=" + value);
  }
  return env;
}

}  // namespace boxcar::nova
