// A Glance v2 image record as the translator uses it, and its parsing from Glance's JSON
// (GET /v2/images/{id}, the "images" array of a list). Pure functions, unit-tested.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "common/status.h"

namespace boxcar::glance {

struct GlanceImage {
  std::string id;
  std::string name;
  std::string status;  // queued, saving, active, killed, deleted, ...
  std::string visibility;
  std::string owner;
  std::string container_format;
  std::string disk_format;
  std::optional<uint64_t> size;
  std::string checksum;       // md5 hex
  std::string os_hash_algo;   // "sha512"
  std::string os_hash_value;  // hex
  std::vector<std::string> tags;
  // Every other string-valued top-level member (custom properties such as boxcar_*).
  std::map<std::string, std::string> properties;
  std::string Property(const std::string& key) const;
};

struct GlanceImagePage {
  std::vector<GlanceImage> images;
  std::string next_marker;  // empty on the last page
};

StatusOr<GlanceImage> ParseGlanceImage(const std::string& json);
StatusOr<GlanceImagePage> ParseGlanceImageList(const std::string& json);

struct GlanceMember {
  std::string member_id;
  std::string status;  // pending, accepted, rejected
};
StatusOr<GlanceMember> ParseGlanceMember(const std::string& json);
StatusOr<std::vector<GlanceMember>> ParseGlanceMemberList(const std::string& json);

}  // namespace boxcar::glance
