#include "cli/template_functions.h"

#include <algorithm>
#include <cctype>

#include "cli/template_tree.h"

namespace boxcar::cli {

namespace {

constexpr const char* kFunctionNames[] = {"and",   "or",     "not",     "eq",    "ne",      "lt",
                                          "le",    "gt",     "ge",      "index", "len",     "slice",
                                          "print", "printf", "println", "json",  "split",   "join",
                                          "title", "lower",  "upper",   "pad",   "truncate"};

Status WrongCount(const std::string& function, const std::string& want, size_t got) {
  return InvalidArgument("wrong number of args for " + function + ": want " + want + " got " +
                         std::to_string(got));
}

// A function's argument that must be an int (pad, truncate, slice), as Go's "wrong type".
StatusOr<int64_t> IntArgument(const TemplateValues& values, const std::string& function,
                              const Datum& argument) {
  const BasicValue basic = values.Basic(argument);
  if (basic.kind != BasicValue::Kind::kInt) {
    return InvalidArgument("error calling " + function +
                           ": wrong type for value; expected int; got " + values.GoType(argument));
  }
  return basic.integer;
}

// eq's answer for a pair, Go's rules: a missing value equals nothing (no error); values of
// different basic kinds, or structs, lists and maps, are errors.
StatusOr<int> Compared(const TemplateValues& values, const std::string& function, const Datum& left,
                       const Datum& right, bool ordered) {
  const BasicValue a = values.Basic(left), b = values.Basic(right);
  using Kind = BasicValue::Kind;
  auto absent = [](const BasicValue& v) {
    return v.kind == Kind::kMissing || v.kind == Kind::kNil;
  };
  if (ordered && (absent(a) || absent(b) || a.kind == Kind::kBool || a.kind == Kind::kNone ||
                  b.kind == Kind::kNone)) {
    return InvalidArgument("error calling " + function + ": invalid type for comparison");
  }
  if (absent(a) || absent(b)) return absent(a) && absent(b) ? 0 : 1;
  if (a.kind == Kind::kNone || b.kind == Kind::kNone) {
    return InvalidArgument("error calling " + function + ": non-comparable type " +
                           values.GoType(a.kind == Kind::kNone ? left : right));
  }
  if (a.kind != b.kind) {
    return InvalidArgument("error calling " + function + ": incompatible types for comparison (" +
                           values.GoType(left) + " and " + values.GoType(right) + ")");
  }
  switch (a.kind) {
    case Kind::kBool:
      return a.boolean == b.boolean ? 0 : 1;
    case Kind::kInt:
      return a.integer < b.integer ? -1 : a.integer > b.integer ? 1 : 0;
    case Kind::kReal:
      return a.real < b.real ? -1 : a.real > b.real ? 1 : 0;
    default:
      return a.text < b.text ? -1 : a.text > b.text ? 1 : 0;
  }
}

StatusOr<Datum> Comparison(const TemplateValues& values, const std::string& function,
                           const std::vector<Datum>& arguments) {
  if (function == "eq") {
    if (arguments.size() < 2) return WrongCount(function, "at least 2", arguments.size());
    for (size_t i = 1; i < arguments.size(); ++i) {
      ASSIGN_OR_RETURN(int order, Compared(values, function, arguments[0], arguments[i], false));
      if (order == 0) return BoolDatum(true);
    }
    return BoolDatum(false);
  }
  if (arguments.size() != 2) return WrongCount(function, "2", arguments.size());
  ASSIGN_OR_RETURN(int order,
                   Compared(values, function, arguments[0], arguments[1], function != "ne"));
  if (function == "ne") return BoolDatum(order != 0);
  if (function == "lt") return BoolDatum(order < 0);
  if (function == "le") return BoolDatum(order <= 0);
  if (function == "gt") return BoolDatum(order > 0);
  return BoolDatum(order >= 0);
}

// Go's index: a map's value by key (its zero value, "", when it has none), a list's element by
// number (an error past its end).
StatusOr<Datum> Index(const TemplateValues& values, const Datum& of, const Datum& key) {
  // A nil map has every key's zero value; a nil list no element (Go's).
  if (of.kind == Datum::Kind::kMissing || of.kind == Datum::Kind::kNil ||
      (of.kind == Datum::Kind::kView && of.view.value->IsNull() && !values.IsNilList(of)))
    return TextDatum("");
  auto elements = values.Elements(of);
  if (!elements) {
    return InvalidArgument("error calling index: can't index item of type " + values.GoType(of) +
                           " (" + TemplateValues::Walked(of) + ")");
  }
  const BasicValue wanted = values.Basic(key);
  if (values.IsMap(of)) {
    for (const auto& [element_key, element] : *elements) {
      if (element_key.text == values.Text(key)) return element;
    }
    return TextDatum("");
  }
  if (wanted.kind != BasicValue::Kind::kInt) {
    return InvalidArgument("error calling index: cannot index slice/array with type " +
                           values.GoType(key) + " (" + TemplateValues::Walked(of) + ")");
  }
  if (wanted.integer < 0 || wanted.integer >= static_cast<int64_t>(elements->size())) {
    return InvalidArgument(
        "error calling index: index out of range: " + std::to_string(wanted.integer) + " (" +
        TemplateValues::Walked(of) + " has " + std::to_string(elements->size()) + ")");
  }
  return (*elements)[static_cast<size_t>(wanted.integer)].second;
}

StatusOr<Datum> Length(const TemplateValues& values, const Datum& value) {
  const BasicValue basic = values.Basic(value);
  if (basic.kind == BasicValue::Kind::kString)
    return IntDatum(static_cast<int64_t>(basic.text.size()));
  if (value.kind == Datum::Kind::kView && value.view.value->IsObject())
    return IntDatum(value.view.value->MemberCount());
  auto elements = values.Elements(value);
  if (!elements || basic.kind == BasicValue::Kind::kMissing) {
    return InvalidArgument("error calling len: len of type " + values.GoType(value));
  }
  return IntDatum(static_cast<int64_t>(elements->size()));
}

StatusOr<Datum> Slice(const TemplateValues& values, const std::vector<Datum>& arguments) {
  if (arguments.empty() || arguments.size() > 3)
    return WrongCount("slice", "1 to 3", arguments.size());
  std::vector<int64_t> bounds;
  for (size_t i = 1; i < arguments.size(); ++i) {
    ASSIGN_OR_RETURN(int64_t bound, IntArgument(values, "slice", arguments[i]));
    bounds.push_back(bound);
  }
  const BasicValue basic = values.Basic(arguments[0]);
  std::vector<Datum> items;
  if (basic.kind != BasicValue::Kind::kString) {
    auto elements = values.Elements(arguments[0]);
    if (!elements)
      return InvalidArgument("error calling slice: can't slice item of type " +
                             values.GoType(arguments[0]));
    for (auto& [key, element] : *elements) items.push_back(element);
  }
  const int64_t size = basic.kind == BasicValue::Kind::kString
                           ? static_cast<int64_t>(basic.text.size())
                           : static_cast<int64_t>(items.size());
  const int64_t from = bounds.empty() ? 0 : bounds[0];
  const int64_t to = bounds.size() < 2 ? size : bounds[1];
  if (from < 0 || to < from || to > size) {
    return InvalidArgument("error calling slice: index out of range: [" + std::to_string(from) +
                           ":" + std::to_string(to) + "] of " + std::to_string(size));
  }
  if (basic.kind == BasicValue::Kind::kString) return TextDatum(basic.text.substr(from, to - from));
  Datum list;
  list.kind = Datum::Kind::kList;
  list.items.assign(items.begin() + from, items.begin() + to);
  return list;
}

// fmt.Sprint: a space between two operands when neither is a string; Sprintln: always, and a
// newline after.
std::string Sprint(const TemplateValues& values, const std::vector<Datum>& arguments, bool line) {
  std::string out;
  for (size_t i = 0; i < arguments.size(); ++i) {
    const bool is_string = values.Basic(arguments[i]).kind == BasicValue::Kind::kString;
    const bool last_string =
        i > 0 && values.Basic(arguments[i - 1]).kind == BasicValue::Kind::kString;
    if (i > 0 && (line || (!is_string && !last_string))) out += ' ';
    out += values.Text(arguments[i]);
  }
  return line ? out + "\n" : out;
}

std::string Cased(const std::string& function, std::string text) {
  bool word_start = true;
  for (char& c : text) {
    const auto byte = static_cast<unsigned char>(c);
    if (function == "upper" || (function == "title" && word_start)) {
      c = static_cast<char>(std::toupper(byte));
    } else if (function == "lower") {
      c = static_cast<char>(std::tolower(byte));
    }
    word_start = std::isspace(byte) != 0;
  }
  return text;
}

}  // namespace

bool IsTemplateFunction(const std::string& name) {
  return std::find(std::begin(kFunctionNames), std::end(kFunctionNames), name) !=
         std::end(kFunctionNames);
}

const char* TemplateFunctionList() {
  return "and or not eq ne lt le gt ge index len slice print printf println json split join "
         "title lower upper pad truncate";
}

StatusOr<Datum> CallTemplateFunction(const TemplateValues& values, const std::string& function,
                                     const std::vector<Datum>& arguments) {
  auto want = [&](size_t count) -> Status {
    if (arguments.size() == count) return OkStatus();
    return WrongCount(function, std::to_string(count), arguments.size());
  };
  if (function == "eq" || function == "ne" || function == "lt" || function == "le" ||
      function == "gt" || function == "ge")
    return Comparison(values, function, arguments);
  if (function == "not") {
    RETURN_IF_ERROR(want(1));
    return BoolDatum(!values.Truth(arguments[0]));
  }
  if (function == "and" || function == "or") {  // piped values land here, evaluated already
    if (arguments.empty()) return WrongCount(function, "at least 1", 0);
    for (const Datum& argument : arguments) {
      if (values.Truth(argument) == (function == "or")) return argument;
    }
    return arguments.back();
  }
  if (function == "json") {
    RETURN_IF_ERROR(want(1));
    return TextDatum(values.Json(arguments[0]));
  }
  if (function == "upper" || function == "lower" || function == "title") {
    RETURN_IF_ERROR(want(1));
    return TextDatum(Cased(function, values.Text(arguments[0])));
  }
  if (function == "len") {
    RETURN_IF_ERROR(want(1));
    return Length(values, arguments[0]);
  }
  if (function == "index") {
    if (arguments.empty()) return WrongCount(function, "at least 1", 0);
    Datum at = arguments[0];
    for (size_t i = 1; i < arguments.size(); ++i) {
      ASSIGN_OR_RETURN(at, Index(values, at, arguments[i]));
    }
    return at;
  }
  if (function == "slice") return Slice(values, arguments);
  if (function == "join") {
    RETURN_IF_ERROR(want(2));
    auto elements = values.Elements(arguments[0]);
    if (!elements) {
      return InvalidArgument("error calling join: " + TemplateValues::Walked(arguments[0]) +
                             " is not a list");
    }
    std::string joined;
    for (size_t i = 0; i < elements->size(); ++i) {
      joined += (i == 0 ? "" : values.Text(arguments[1])) + values.Text((*elements)[i].second);
    }
    return TextDatum(joined);
  }
  if (function == "split") {
    RETURN_IF_ERROR(want(2));
    const std::string text = values.Text(arguments[0]);
    const std::string separator = values.Text(arguments[1]);
    Datum list;
    list.kind = Datum::Kind::kList;
    if (separator.empty()) {  // strings.Split with "": each UTF-8 character
      for (size_t i = 0; i < text.size();) {
        size_t next = i + 1;
        while (next < text.size() && (static_cast<unsigned char>(text[next]) & 0xC0) == 0x80)
          ++next;
        list.items.push_back(TextDatum(text.substr(i, next - i)));
        i = next;
      }
      return list;
    }
    for (size_t start = 0;;) {
      const size_t found = text.find(separator, start);
      list.items.push_back(TextDatum(text.substr(start, found - start)));
      if (found == std::string::npos) break;
      start = found + separator.size();
    }
    return list;
  }
  if (function == "pad") {  // Docker's: spaces before and after, none around ""
    RETURN_IF_ERROR(want(3));
    ASSIGN_OR_RETURN(int64_t before, IntArgument(values, function, arguments[1]));
    ASSIGN_OR_RETURN(int64_t after, IntArgument(values, function, arguments[2]));
    const std::string text = values.Text(arguments[0]);
    if (text.empty()) return TextDatum("");
    return TextDatum(std::string(std::max<int64_t>(before, 0), ' ') + text +
                     std::string(std::max<int64_t>(after, 0), ' '));
  }
  if (function == "truncate") {  // Docker's: the first N bytes
    RETURN_IF_ERROR(want(2));
    ASSIGN_OR_RETURN(int64_t length, IntArgument(values, function, arguments[1]));
    const std::string text = values.Text(arguments[0]);
    if (length < 0 || static_cast<int64_t>(text.size()) < length) return TextDatum(text);
    return TextDatum(text.substr(0, static_cast<size_t>(length)));
  }
  if (function == "print") return TextDatum(Sprint(values, arguments, false));
  if (function == "println") return TextDatum(Sprint(values, arguments, true));
  if (function == "printf") {
    if (arguments.empty()) return WrongCount(function, "at least 1", 0);
    const BasicValue format = values.Basic(arguments[0]);
    if (format.kind != BasicValue::Kind::kString) {
      return InvalidArgument("error calling printf: wrong type for value; expected string; got " +
                             values.GoType(arguments[0]));
    }
    return TextDatum(GoSprintf(values, format.text, {arguments.begin() + 1, arguments.end()}));
  }
  return InvalidArgument("function \"" + function + "\" not defined");
}

}  // namespace boxcar::cli
