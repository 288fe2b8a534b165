// A place in a protobuf message as a --format path reaches it (cli/message_template.h): the
// message's side of inspect's object, walked by reflection.
#pragma once

#include <google/protobuf/message.h>

#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "common/status.h"

namespace boxcar::cli {

// A whole message (`field` null), a repeated field as a whole (`index` -1: a list or a map),
// one element of a repeated field, or a singular scalar field.
struct MessageCursor {
  const google::protobuf::Message* message = nullptr;
  const google::protobuf::FieldDescriptor* field = nullptr;
  int index = -1;

  bool IsWhole() const { return field == nullptr; }
  bool IsRepeated() const { return field != nullptr && field->is_repeated() && index < 0; }
};

// Where one step of a path ends, and how much of the path it took: a map's key may hold dots
// (labels such as org.openstack.nova.instance-uuid), the longest key the path starts with is
// taken.
struct MessageStep {
  MessageCursor at;
  size_t taken = 0;
};

// One step of `path` (what is left of it, without its leading dot) from `at`, reached by
// `walked` (for messages): a field (by name, ignoring case and underscores), a map key or a
// list index. nullopt: a key or index that is not there.
StatusOr<std::optional<MessageStep>> StepInMessage(const MessageCursor& at,
                                                   const std::string& walked,
                                                   std::string_view path);

// Scalars as text (enums by name), JSON-quoted strings and enums when `as_json`; messages,
// lists and maps as JSON (an unset message as its defaults).
std::string MessageCursorText(const MessageCursor& at, bool as_json);

// The elements of a repeated field: a list's in order (named by index), a map's values in the
// order of their keys (named by key).
std::vector<std::pair<std::string, MessageCursor>> MessageElements(const MessageCursor& at);

// " .id .name ...": the fields of a message type, for messages.
std::string MessageFieldList(const google::protobuf::Descriptor* type);

}  // namespace boxcar::cli
