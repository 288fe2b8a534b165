// Building the JSON of a DockerView (cli/docker_view.h) in one rapidjson document: strings copied
// into its allocator, keys given as literals, Docker's nil slices as null.
#pragma once

#include <rapidjson/document.h>

#include <cstdint>
#include <map>
#include <string>

namespace boxcar::cli {

class JsonBuilder {
 public:
  explicit JsonBuilder(rapidjson::Document& document) : allocator_(document.GetAllocator()) {}

  rapidjson::Value Text(const std::string& text) {
    return rapidjson::Value(text.c_str(), static_cast<rapidjson::SizeType>(text.size()),
                            allocator_);
  }
  static rapidjson::Value Int(int64_t number) {
    return rapidjson::Value(static_cast<int64_t>(number));
  }
  static rapidjson::Value Bool(bool flag) { return rapidjson::Value(flag); }
  static rapidjson::Value Null() { return rapidjson::Value(rapidjson::kNullType); }
  static rapidjson::Value Object() { return rapidjson::Value(rapidjson::kObjectType); }
  static rapidjson::Value Array() { return rapidjson::Value(rapidjson::kArrayType); }

  // A list of strings; null when empty and `null_when_empty` (Docker's nil slices).
  template <typename Strings>
  rapidjson::Value TextList(const Strings& texts, bool null_when_empty) {
    if (texts.empty() && null_when_empty) return Null();
    rapidjson::Value list = Array();
    for (const auto& text : texts) list.PushBack(Text(text), allocator_);
    return list;
  }
  // A map of strings (sorted, as Go's encoding/json prints maps).
  rapidjson::Value TextMap(const std::map<std::string, std::string>& entries) {
    rapidjson::Value object = Object();
    for (const auto& [key, text] : entries) Put(object, key, Text(text));
    return object;
  }

  void Add(rapidjson::Value& object, const char* key, rapidjson::Value value) {
    object.AddMember(rapidjson::StringRef(key), value, allocator_);
  }
  void Put(rapidjson::Value& object, const std::string& key, rapidjson::Value value) {
    object.AddMember(Text(key), value, allocator_);
  }
  void Push(rapidjson::Value& list, rapidjson::Value value) { list.PushBack(value, allocator_); }

 private:
  rapidjson::Document::AllocatorType& allocator_;
};

}  // namespace boxcar::cli
