// A Glance image as Nova describes it -> what the container runs: which images Boxcar can
// boot, the command (the image property os_command_line), the environment (instance
// metadata) and the store references that cache the image on this host.
#pragma once

#include <map>
#include <string>
#include <vector>

#include "common/status.h"
#include "core/nova_types.h"

namespace boxcar::nova {

// The Glance property with the image's Boxcar id ("sha256:<config digest>"), set on the
// snapshots this driver uploads (and by the Glance translator): the image's content, so a
// host that has it needs no transfer whatever the Glance image id.
inline constexpr char kBoxcarImageIdProperty[] = "boxcar_config_digest";
inline constexpr char kCommandLineProperty[] = "os_command_line";

// container_format must be "docker" (disk_format "raw" or unset); anything else is refused
// naming both, since its data is not a container image.
Status CheckBootableImage(const ImageRequest& image);

// The store reference a Glance image is cached under on this host: "glance/<image id>".
// Glance never changes an active image's data, so the id names the content.
StatusOr<std::string> CacheReferenceFor(const ImageRequest& image);

// Splits a command line as a POSIX shell splits words, without expansions: blanks separate
// words, '...' keeps everything, "..." keeps everything but \" \\ \$ \`, a backslash outside
// quotes escapes the next character. An unterminated quote is an error naming `field`.
StatusOr<std::vector<std::string>> SplitCommandLine(const std::string& line,
                                                    const std::string& field);

// The container's command: os_command_line split into words; empty (the image's own Cmd)
// when the property is absent or blank.
StatusOr<std::vector<std::string>> CommandFor(const ImageRequest& image);

// Instance metadata as "KEY=value" environment entries, sorted by key. Keys that are not
// environment names ([A-Za-z_][A-Za-z0-9_]*) are left out: metadata is also used by other
// services (Heat, schedulers) with keys no program could read from its environment.
// Metadata may replace the image's ENV (as `docker run -e`), but never the variables the
// container's start depends on: PATH, HOME, HOSTNAME and the dynamic loader's LD_*. Anyone
// who may edit the server's metadata could otherwise make every later start fail ("exec
// 'sh': No such file or directory" after PATH=/nonexistent).
std::vector<std::string> EnvironmentFor(const std::map<std::string, std::string>& metadata);

}  // namespace boxcar::nova
