#include "glance/glance_image.h"

#include <rapidjson/document.h>

#include <set>

namespace boxcar::glance {
namespace {

std::string Str(const rapidjson::Value& object, const char* key) {
  auto it = object.FindMember(key);
  if (it == object.MemberEnd() || !it->value.IsString()) return {};
  return it->value.GetString();
}

StatusOr<GlanceImage> FromValue(const rapidjson::Value& v) {
  if (!v.IsObject()) return Unavailable("glance: an image is not a JSON object");
  // The fields Glance defines; everything else string-valued is a custom property.
  static const std::set<std::string> kBuiltIn = {
      "id", "name", "status", "visibility", "owner", "container_format", "disk_format", "size",
      "virtual_size", "checksum", "os_hash_algo", "os_hash_value", "tags", "self", "file",
      "schema", "created_at", "updated_at", "min_ram", "min_disk", "protected", "os_hidden",
      "stores", "locations", "direct_url"};
  GlanceImage image;
  image.id = Str(v, "id");
  if (image.id.empty()) return Unavailable("glance: an image without an id");
  image.name = Str(v, "name");
  image.status = Str(v, "status");
  image.visibility = Str(v, "visibility");
  image.owner = Str(v, "owner");
  image.container_format = Str(v, "container_format");
  image.disk_format = Str(v, "disk_format");
  image.checksum = Str(v, "checksum");
  image.os_hash_algo = Str(v, "os_hash_algo");
  image.os_hash_value = Str(v, "os_hash_value");
  auto size = v.FindMember("size");
  if (size != v.MemberEnd() && size->value.IsUint64()) image.size = size->value.GetUint64();
  auto tags = v.FindMember("tags");
  if (tags != v.MemberEnd() && tags->value.IsArray()) {
    for (const auto& tag : tags->value.GetArray()) {
      if (tag.IsString()) image.tags.emplace_back(tag.GetString());
    }
  }
  for (auto it = v.MemberBegin(); it != v.MemberEnd(); ++it) {
    std::string key = it->name.GetString();
    if (kBuiltIn.count(key) == 0 && it->value.IsString()) {
      image.properties[key] = it->value.GetString();
    }
  }
  return image;
}

StatusOr<rapidjson::Document> Parse(const std::string& json, const char* what) {
  rapidjson::Document doc;
  doc.Parse(json.c_str(), json.size());
  if (doc.HasParseError() || !doc.IsObject()) {
    return Unavailable(std::string("glance: ") + what + " is not a JSON object");
  }
  return doc;
}

// "/v2/images?limit=2&marker=ID&..." -> "ID".
std::string MarkerOf(const std::string& next) {
  auto at = next.find("marker=");
  if (at == std::string::npos) return {};
  at += 7;
  auto end = next.find('&', at);
  return next.substr(at, end == std::string::npos ? std::string::npos : end - at);
}

}  // namespace

std::string GlanceImage::Property(const std::string& key) const {
  auto it = properties.find(key);
  return it == properties.end() ? std::string() : it->second;
}

StatusOr<GlanceImage> ParseGlanceImage(const std::string& json) {
  ASSIGN_OR_RETURN(auto doc, Parse(json, "the image"));
  return FromValue(doc);
}

StatusOr<GlanceImagePage> ParseGlanceImageList(const std::string& json) {
  ASSIGN_OR_RETURN(auto doc, Parse(json, "the image list"));
  auto images = doc.FindMember("images");
  if (images == doc.MemberEnd() || !images->value.IsArray()) {
    return Unavailable("glance: the image list has no \"images\" array");
  }
  GlanceImagePage page;
  for (const auto& v : images->value.GetArray()) {
    ASSIGN_OR_RETURN(auto image, FromValue(v));
    page.images.push_back(std::move(image));
  }
  page.next_marker = MarkerOf(Str(doc, "next"));
  return page;
}

StatusOr<GlanceMember> ParseGlanceMember(const std::string& json) {
  ASSIGN_OR_RETURN(auto doc, Parse(json, "the member"));
  GlanceMember member{Str(doc, "member_id"), Str(doc, "status")};
  if (member.member_id.empty()) return Unavailable("glance: a member without member_id");
  return member;
}

StatusOr<std::vector<GlanceMember>> ParseGlanceMemberList(const std::string& json) {
  ASSIGN_OR_RETURN(auto doc, Parse(json, "the member list"));
  auto members = doc.FindMember("members");
  if (members == doc.MemberEnd() || !members->value.IsArray()) {
    return Unavailable("glance: the member list has no \"members\" array");
  }
  std::vector<GlanceMember> out;
  for (const auto& v : members->value.GetArray()) {
    if (!v.IsObject()) continue;
    out.push_back({Str(v, "member_id"), Str(v, "status")});
  }
  return out;
}

}  // namespace boxcar::glance
