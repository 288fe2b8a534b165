#include "net/cni/cni_result.h"

#include <rapidjson/document.h>

#include <cstdlib>

namespace boxcar {

namespace {

std::string StringMember(const rapidjson::Value& object, const char* name) {
  auto member = object.FindMember(name);
  return member != object.MemberEnd() && member->value.IsString() ? member->value.GetString() : "";
}

}  // namespace

CniResultAddress ParseCniResultAddress(const std::string& result_json) {
  CniResultAddress found;
  rapidjson::Document result;
  result.Parse(result_json.c_str(), result_json.size());
  if (result.HasParseError() || !result.IsObject()) return found;
  auto ips = result.FindMember("ips");
  if (ips == result.MemberEnd() || !ips->value.IsArray()) return found;
  const rapidjson::Value* interfaces = nullptr;
  if (auto member = result.FindMember("interfaces");
      member != result.MemberEnd() && member->value.IsArray()) {
    interfaces = &member->value;
  }
  for (const auto& ip : ips->value.GetArray()) {
    if (!ip.IsObject()) continue;
    const std::string address = StringMember(ip, "address");
    const auto slash = address.find('/');
    // IPv6 addresses have no dot before the prefix; IPv4 ones have three.
    if (slash == std::string::npos || address.substr(0, slash).find('.') == std::string::npos) {
      continue;
    }
    found.ip = address.substr(0, slash);
    found.prefix_length = static_cast<uint32_t>(std::atoi(address.c_str() + slash + 1));
    found.gateway = StringMember(ip, "gateway");
    if (interfaces == nullptr) return found;
    auto index = ip.FindMember("interface");
    if (index != ip.MemberEnd() && index->value.IsUint() &&
        index->value.GetUint() < interfaces->Size() &&
        (*interfaces)[index->value.GetUint()].IsObject()) {
      found.mac = StringMember((*interfaces)[index->value.GetUint()], "mac");
      return found;
    }
    for (const auto& interface : interfaces->GetArray()) {
      if (interface.IsObject() && !StringMember(interface, "sandbox").empty()) {
        found.mac = StringMember(interface, "mac");
        break;
      }
    }
    return found;
  }
  return found;
}

}  // namespace boxcar
