#include "cli/mount_flags.h"

#include <vector>

#include "cli/human_format.h"
#include "common/absolute_path.h"

namespace boxcar::cli {

namespace {

std::vector<std::string> Split(const std::string& text, char separator) {
  std::vector<std::string> parts;
  size_t start = 0;
  while (true) {
    size_t end = text.find(separator, start);
    parts.push_back(text.substr(start, end == std::string::npos ? std::string::npos : end - start));
    if (end == std::string::npos) return parts;
    start = end + 1;
  }
}

// "./data" and "../x" are host paths relative to the caller's directory (the agent would
// take them for volume names).
std::string AbsoluteHostPath(const std::string& source) {
  if (source != "." && source != ".." && source.rfind("./", 0) != 0 &&
      source.rfind("../", 0) != 0) {
    return source;
  }
  return AbsolutePath(source);
}

void SetSource(v1::Mount* mount, const std::string& source) {
  std::string path = AbsoluteHostPath(source);
  mount->set_type(!path.empty() && path[0] == '/' ? v1::Mount::TYPE_BIND
                                                  : v1::Mount::TYPE_VOLUME);
  mount->set_source(path);
}

Status ParseTmpfsOption(const std::string& flag, const std::string& text,
                        const std::string& key, const std::string& value, v1::Mount* mount) {
  if (key == "size") {
    auto bytes = ParseByteSize(value);
    if (!bytes || *bytes == 0) {
      return InvalidArgument(flag + " '" + text + "': size '" + value + "' is not a size (64m)");
    }
    mount->set_tmpfs_size_bytes(*bytes);
    return OkStatus();
  }
  if (key == "mode") {
    char* end = nullptr;
    unsigned long mode = std::strtoul(value.c_str(), &end, 8);
    if (value.empty() || *end != '\0' || mode > 07777) {
      return InvalidArgument(flag + " '" + text + "': mode '" + value +
                             "' is not an octal mode (1777)");
    }
    mount->set_tmpfs_mode(static_cast<uint32_t>(mode));
    return OkStatus();
  }
  return InvalidArgument(flag + " '" + text + "': unknown option '" + key + "'");
}

bool IsTrue(const std::string& value) { return value.empty() || value == "true" || value == "1"; }

}  // namespace

StatusOr<v1::Mount> ParseVolumeFlag(const std::string& text) {
  const std::string flag = "--volume";
  std::vector<std::string> parts = Split(text, ':');
  v1::Mount mount;
  if (parts.size() == 1) {
    // -v /data: an anonymous volume.
    mount.set_type(v1::Mount::TYPE_VOLUME);
    mount.set_target(parts[0]);
  } else if (parts.size() <= 3) {
    if (parts[0].empty()) return InvalidArgument(flag + " '" + text + "': the source is empty");
    SetSource(&mount, parts[0]);
    mount.set_target(parts[1]);
    if (parts.size() == 3) {
      for (const auto& option : Split(parts[2], ',')) {
        if (option == "ro" || option == "readonly") {
          mount.set_read_only(true);
        } else if (option != "rw" && option != "rprivate" && option != "private") {
          return InvalidArgument(flag + " '" + text + "': unknown option '" + option +
                                 "' (ro or rw)");
        }
      }
    }
  } else {
    return InvalidArgument(flag + " '" + text + "' is not SOURCE:TARGET[:ro]");
  }
  if (mount.target().empty() || mount.target()[0] != '/') {
    return InvalidArgument(flag + " '" + text + "': the container path must be absolute");
  }
  return mount;
}

StatusOr<v1::Mount> ParseTmpfsFlag(const std::string& text) {
  const std::string flag = "--tmpfs";
  v1::Mount mount;
  mount.set_type(v1::Mount::TYPE_TMPFS);
  size_t colon = text.find(':');
  mount.set_target(text.substr(0, colon));
  if (mount.target().empty() || mount.target()[0] != '/') {
    return InvalidArgument(flag + " '" + text + "': the container path must be absolute");
  }
  if (colon != std::string::npos) {
    for (const auto& option : Split(text.substr(colon + 1), ',')) {
      size_t equals = option.find('=');
      const std::string key = option.substr(0, equals);
      if (key == "ro") {
        mount.set_read_only(true);
        continue;
      }
      if (key == "rw" || key == "noexec" || key == "nosuid" || key == "nodev") continue;
      RETURN_IF_ERROR(ParseTmpfsOption(
          flag, text, key, equals == std::string::npos ? "" : option.substr(equals + 1), &mount));
    }
  }
  return mount;
}

StatusOr<v1::Mount> ParseMountFlag(const std::string& text) {
  const std::string flag = "--mount";
  v1::Mount mount;
  std::string type, source;
  for (const auto& field : Split(text, ',')) {
    size_t equals = field.find('=');
    const std::string key = field.substr(0, equals);
    const std::string value = equals == std::string::npos ? "" : field.substr(equals + 1);
    if (key == "type") {
      type = value;
    } else if (key == "source" || key == "src") {
      source = value;
    } else if (key == "target" || key == "destination" || key == "dst") {
      mount.set_target(value);
    } else if (key == "readonly" || key == "ro") {
      mount.set_read_only(IsTrue(value));
    } else if (key == "tmpfs-size" || key == "tmpfs-mode") {
      RETURN_IF_ERROR(ParseTmpfsOption(flag, text, key.substr(6), value, &mount));
    } else if (!(key == "bind-propagation" && (value == "rprivate" || value == "private"))) {
      return InvalidArgument(flag + " '" + text + "': unknown field '" + key + "'");
    }
  }
  if (type == "bind") {
    mount.set_type(v1::Mount::TYPE_BIND);
    std::string path = AbsoluteHostPath(source);
    if (path.empty() || path[0] != '/') {
      return InvalidArgument(flag + " '" + text + "': a bind needs an absolute source path");
    }
    mount.set_source(path);
  } else if (type == "volume") {
    mount.set_type(v1::Mount::TYPE_VOLUME);
    mount.set_source(source);
  } else if (type == "tmpfs") {
    mount.set_type(v1::Mount::TYPE_TMPFS);
    if (!source.empty()) return InvalidArgument(flag + " '" + text + "': a tmpfs has no source");
  } else {
    return InvalidArgument(flag + " '" + text + "': type must be bind, volume or tmpfs");
  }
  if (type != "tmpfs" && (mount.tmpfs_size_bytes() != 0 || mount.tmpfs_mode() != 0)) {
    return InvalidArgument(flag + " '" + text + "': tmpfs-size and tmpfs-mode need type=tmpfs");
  }
  if (mount.target().empty() || mount.target()[0] != '/') {
    return InvalidArgument(flag + " '" + text + "': target must be an absolute container path");
  }
  return mount;
}

}  // namespace boxcar::cli
