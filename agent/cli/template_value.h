// A value of a --format template (cli/message_template.h) and what Go's text/template does
// with one: print it, walk its fields, range over it, take its truth, compare it.
#pragma once

#include <google/protobuf/message.h>

#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "cli/docker_view.h"
#include "cli/docker_view_cursor.h"
#include "cli/message_cursor.h"
#include "common/status.h"

namespace boxcar::cli {

// What a template reaches: the whole object (both sides), a place in the message or in
// Docker's view, a key or index that is not there (Go's invalid value: "<no value>"), or what
// a literal or a function made.
struct Datum {
  enum class Kind { kWhole, kMessage, kView, kMissing, kNil, kText, kInt, kReal, kBool, kList };
  Kind kind = Kind::kMissing;
  MessageCursor message;
  ViewCursor view;
  std::string text;
  int64_t integer = 0;
  double real = 0;
  bool boolean = false;
  std::vector<Datum> items;  // kList
  // How the template reached it, for messages: ".spec.labels".
  std::string walked;
};

Datum TextDatum(std::string text);
Datum IntDatum(int64_t integer);
Datum BoolDatum(bool boolean);

// A comparable value as Go's eq/lt see it (basicKind): bool, integer, float, string; nil for a
// nil pointer or a missing value; kNone for a struct, list or map.
struct BasicValue {
  enum class Kind { kNone, kMissing, kNil, kBool, kInt, kReal, kString };
  Kind kind = Kind::kNone;
  bool boolean = false;
  int64_t integer = 0;
  double real = 0;
  std::string text;
};

// The values of one template over one object: the message and its Docker view.
class TemplateValues {
 public:
  TemplateValues(const google::protobuf::Message& message, const DockerView* view)
      : message_(message), view_(view) {}

  Datum Whole() const;

  // As {{.}} prints it (Go's fmt %v), or as {{json .}} does.
  std::string Text(const Datum& value) const { return Printed(value, false); }
  std::string Json(const Datum& value) const { return Printed(value, true); }

  // `path` is "" (the value itself), "." or ".NAME.NAME..."; a key or index that is not there
  // is kMissing; a field a struct or message does not have is an error listing those it has.
  StatusOr<Datum> Walk(Datum at, const std::string& path) const;

  // A list's elements (keyed by index) or a map's values (keyed by key, in key order); none for
  // a missing value or nil; nullopt for anything else (a struct, a scalar).
  std::optional<std::vector<std::pair<Datum, Datum>>> Elements(const Datum& value) const;

  // Go's truth: false for a missing value, nil, false, 0, "", an empty list or map.
  bool Truth(const Datum& value) const;

  BasicValue Basic(const Datum& value) const;
  // Go's name of its type in fmt's %!verb(TYPE=VALUE): "string", "int", "float64", "bool".
  std::string GoType(const Datum& value) const;

  // Whether it is a map (a missing key is a zero value for index, not an error).
  bool IsMap(const Datum& value) const;
  // Whether it is Docker's null where Go has a nil slice (HostConfig.Binds).
  bool IsNilList(const Datum& value) const {
    return value.kind == Datum::Kind::kView && value.view.value->IsNull() &&
           view_->list_paths.count(value.view.shape) != 0;
  }
  // What the template walked to reach it (".spec.labels"), "." for dot.
  static std::string Walked(const Datum& value) {
    return value.walked.empty() ? std::string(".") : value.walked;
  }

 private:
  std::string Printed(const Datum& value, bool json) const;

  const google::protobuf::Message& message_;
  const DockerView* view_;
};

}  // namespace boxcar::cli
