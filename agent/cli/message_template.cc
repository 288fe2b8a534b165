#include "cli/message_template.h"

#include <algorithm>
#include <cctype>
#include <cstdint>

#include "cli/docker_view_cursor.h"
#include "cli/json_output.h"
#include "cli/message_cursor.h"
#include "cli/template_tree.h"

namespace boxcar::cli {

namespace {

using google::protobuf::Message;

constexpr const char* kNoValue = "<no value>";
constexpr const char* kFunctions = "json, index, len, join, upper, lower, title";

// What a template reaches: the whole object (both sides), a place in the message or in
// Docker's view, a key or index that is not there, or what a literal or a function made.
struct Datum {
  enum class Kind { kWhole, kMessage, kView, kMissing, kText, kNumber };
  Kind kind = Kind::kMissing;
  MessageCursor message;
  ViewCursor view;
  std::string text;
  int64_t number = 0;
  // How the template reached it, for messages: ".spec.labels".
  std::string walked;
};

Datum TextDatum(std::string text) {
  Datum datum;
  datum.kind = Datum::Kind::kText;
  datum.text = std::move(text);
  return datum;
}

Datum NumberDatum(int64_t number) {
  Datum datum;
  datum.kind = Datum::Kind::kNumber;
  datum.number = number;
  return datum;
}

// "a \"b\"" or `raw` as its text.
std::string Unquoted(const std::string& word) {
  const std::string inner = word.substr(1, word.size() - 2);
  if (word[0] == '`') return inner;
  std::string text;
  for (size_t i = 0; i < inner.size(); ++i) {
    if (inner[i] != '\\' || i + 1 == inner.size()) {
      text += inner[i];
      continue;
    }
    const char escaped = inner[++i];
    text += escaped == 'n' ? '\n' : escaped == 't' ? '\t' : escaped;
  }
  return text;
}

bool IsNumber(const std::string& word) {
  const size_t digits = word[0] == '-' ? 1 : 0;
  return word.size() > digits && word.size() < 18 &&
         word.find_first_not_of("0123456789", digits) == std::string::npos;
}

class Evaluation {
 public:
  Evaluation(const Message& message, const DockerView* view) : message_(message), view_(view) {}

  Datum Whole() const {
    Datum whole;
    whole.kind = Datum::Kind::kWhole;
    whole.message = {&message_};
    return whole;
  }

  StatusOr<std::string> Run(const std::vector<TemplateNode>& nodes, const Datum& dot) {
    std::string out;
    for (const TemplateNode& node : nodes) {
      if (node.kind == TemplateNode::Kind::kText) {
        out += node.text;
        continue;
      }
      ASSIGN_OR_RETURN(std::vector<std::string> words, ActionWords(node.text));
      size_t at = 0;
      ASSIGN_OR_RETURN(Datum value, Pipeline(words, at, dot));
      if (at != words.size()) {
        return InvalidArgument("--format: unexpected '" + words[at] + "' in '{{" + node.text +
                               "}}'");
      }
      if (node.kind == TemplateNode::Kind::kAction) {
        out += Text(value);
        continue;
      }
      ASSIGN_OR_RETURN(auto elements, Elements(value, "range over"));
      for (const Datum& element : elements) {
        ASSIGN_OR_RETURN(std::string body, Run(node.body, element));
        out += body;
      }
    }
    return out;
  }

 private:
  std::string Text(const Datum& value) const { return Printed(value, false); }
  std::string Json(const Datum& value) const { return Printed(value, true); }

  // A datum as {{.}} prints it, or as {{json .}} does.
  std::string Printed(const Datum& value, bool json) const {
    switch (value.kind) {
      case Datum::Kind::kWhole:
        return InspectObjectJson(message_, view_, false);
      case Datum::Kind::kMessage:
        return MessageCursorText(value.message, json);
      case Datum::Kind::kView:
        return json ? ViewJson(*value.view.value) : ViewGoText(*view_, value.view);
      case Datum::Kind::kMissing:
        return json ? "null" : kNoValue;
      case Datum::Kind::kText:
        return json ? JsonQuoted(value.text) : value.text;
      case Datum::Kind::kNumber:
        return std::to_string(value.number);
    }
    return "";
  }

  // A list's elements or a map's values (by key); nothing for a key that is not there.
  StatusOr<std::vector<Datum>> Elements(const Datum& value, const std::string& what) const {
    std::vector<Datum> elements;
    auto element_of = [&](const std::string& key) {
      Datum element = value;
      element.walked = value.walked + "." + key;
      return element;
    };
    if (value.kind == Datum::Kind::kMissing) return elements;
    if (value.kind == Datum::Kind::kMessage && value.message.IsRepeated()) {
      for (const auto& [key, cursor] : MessageElements(value.message)) {
        elements.push_back(element_of(key));
        elements.back().message = cursor;
      }
      return elements;
    }
    if (value.kind == Datum::Kind::kView) {
      if (auto view_elements = ViewElements(*view_, value.view)) {
        for (const auto& [key, cursor] : *view_elements) {
          elements.push_back(element_of(key));
          elements.back().view = cursor;
        }
        return elements;
      }
    }
    return InvalidArgument("--format: cannot " + what + " " +
                           (value.walked.empty() ? std::string(".") : value.walked) +
                           ": it is not a list or a map");
  }

  // pipeline := command ('|' command)*: each command after a '|' gets the value before as its
  // last argument, as Go's.
  StatusOr<Datum> Pipeline(const std::vector<std::string>& words, size_t& at, const Datum& dot) {
    ASSIGN_OR_RETURN(Datum value, Command(words, at, dot, nullptr));
    while (at < words.size() && words[at] == "|") {
      ++at;
      ASSIGN_OR_RETURN(value, Command(words, at, dot, &value));
    }
    return value;
  }

  // command := operand | FUNCTION operand...
  StatusOr<Datum> Command(const std::vector<std::string>& words, size_t& at, const Datum& dot,
                          const Datum* piped) {
    if (at >= words.size()) return InvalidArgument("--format: an empty action");
    const std::string& first = words[at];
    if (first == "(" || first[0] == '.' || first[0] == '$' || first[0] == '"' || first[0] == '`' ||
        IsNumber(first)) {
      if (piped != nullptr) {
        return InvalidArgument("--format: '| " + first + "': after '|' comes a function (" +
                               kFunctions + ")");
      }
      return Operand(words, at, dot);
    }
    const std::string function = first;
    ++at;
    std::vector<Datum> arguments;
    while (at < words.size() && words[at] != "|" && words[at] != ")") {
      ASSIGN_OR_RETURN(Datum argument, Operand(words, at, dot));
      arguments.push_back(std::move(argument));
    }
    if (piped != nullptr) arguments.push_back(*piped);
    return Call(function, arguments);
  }

  // operand := .PATH | $ | $.PATH | "text" | `text` | NUMBER | ( pipeline )
  StatusOr<Datum> Operand(const std::vector<std::string>& words, size_t& at, const Datum& dot) {
    const std::string& word = words[at++];
    if (word == "(") {
      ASSIGN_OR_RETURN(Datum value, Pipeline(words, at, dot));
      if (at >= words.size() || words[at] != ")")
        return InvalidArgument("--format: '(' without ')'");
      ++at;
      return value;
    }
    if (word[0] == '"' || word[0] == '`') return TextDatum(Unquoted(word));
    if (IsNumber(word)) return NumberDatum(std::stoll(word));
    if (word[0] == '$') {
      if (word.size() > 1 && word[1] != '.') {
        return InvalidArgument("--format: '" + word +
                               "': variables are not supported; $ is the whole object");
      }
      return Walk(Whole(), word.substr(1));
    }
    if (word[0] == '.') return Walk(dot, word);
    return InvalidArgument("--format: '" + word + "' is not a field; write .NAME[.NAME...]");
  }

  // `path` is "" (the value itself), "." or ".NAME.NAME...".
  StatusOr<Datum> Walk(Datum at, const std::string& path) {
    for (size_t start = 1; start < path.size();) {
      const std::string_view rest = std::string_view(path).substr(start);
      size_t taken = 0;
      if (at.kind == Datum::Kind::kWhole) {
        const std::string name(rest.substr(0, rest.find('.')));
        if (view_ != nullptr && view_->json.HasMember(name.c_str())) {
          at.kind = Datum::Kind::kView;
          at.view = {&view_->json[name.c_str()], "." + name};
          taken = name.size();
        } else {
          auto stepped = StepInMessage(at.message, at.walked, rest);
          if (!stepped.ok() && view_ != nullptr) {
            std::string docker_keys;
            for (const auto& member : view_->json.GetObject()) {
              docker_keys += std::string(" .") + member.name.GetString();
            }
            return InvalidArgument(std::string(stepped.status().message()) +
                                   "; and Docker's:" + docker_keys);
          }
          RETURN_IF_ERROR(stepped.status());
          at.kind = Datum::Kind::kMessage;
          at.message = (*stepped)->at;
          taken = (*stepped)->taken;
        }
      } else if (at.kind == Datum::Kind::kMessage) {
        ASSIGN_OR_RETURN(auto stepped, StepInMessage(at.message, at.walked, rest));
        if (!stepped) return Datum{};
        at.message = stepped->at;
        taken = stepped->taken;
      } else if (at.kind == Datum::Kind::kView) {
        ASSIGN_OR_RETURN(auto stepped, StepInView(*view_, at.view, at.walked, rest));
        if (!stepped) return Datum{};
        at.view = stepped->at;
        taken = stepped->taken;
      } else if (at.kind == Datum::Kind::kMissing) {
        return at;
      } else {
        return InvalidArgument("--format: '" + Text(at) + "' is a value, it has no field '" +
                               std::string(rest.substr(0, rest.find('.'))) + "'");
      }
      at.walked += "." + std::string(rest.substr(0, taken));
      start += taken + 1;
    }
    return at;
  }

  StatusOr<Datum> Call(const std::string& function, const std::vector<Datum>& arguments) {
    auto want = [&](size_t count) -> Status {
      if (arguments.size() == count) return OkStatus();
      return InvalidArgument("--format: " + function + " takes " + std::to_string(count) +
                             " argument" + (count == 1 ? "" : "s") + ", not " +
                             std::to_string(arguments.size()));
    };
    if (function == "json") {
      RETURN_IF_ERROR(want(1));
      return TextDatum(Json(arguments[0]));
    }
    if (function == "upper" || function == "lower" || function == "title") {
      RETURN_IF_ERROR(want(1));
      std::string text = Text(arguments[0]);
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
      return TextDatum(text);
    }
    if (function == "len") {
      RETURN_IF_ERROR(want(1));
      const Datum& value = arguments[0];
      if (value.kind == Datum::Kind::kText)
        return NumberDatum(static_cast<int64_t>(value.text.size()));
      if (value.kind == Datum::Kind::kView && value.view.value->IsString())
        return NumberDatum(value.view.value->GetStringLength());
      if (value.kind == Datum::Kind::kView && value.view.value->IsObject())
        return NumberDatum(value.view.value->MemberCount());
      if (value.kind == Datum::Kind::kMessage && value.message.field != nullptr &&
          !value.message.IsRepeated())
        return NumberDatum(static_cast<int64_t>(MessageCursorText(value.message, false).size()));
      ASSIGN_OR_RETURN(auto elements, Elements(value, "take the len of"));
      return NumberDatum(static_cast<int64_t>(elements.size()));
    }
    if (function == "join") {
      RETURN_IF_ERROR(want(2));
      ASSIGN_OR_RETURN(auto elements, Elements(arguments[0], "join"));
      std::string joined;
      for (size_t i = 0; i < elements.size(); ++i) {
        joined += (i == 0 ? "" : Text(arguments[1])) + Text(elements[i]);
      }
      return TextDatum(joined);
    }
    if (function == "index") {
      if (arguments.size() < 2) {
        return InvalidArgument("--format: index takes a list or a map and a key or index");
      }
      Datum at = arguments[0];
      for (size_t i = 1; i < arguments.size(); ++i) {
        ASSIGN_OR_RETURN(at, Index(at, arguments[i]));
      }
      return at;
    }
    return InvalidArgument("--format: '" + function + "' is not a field or a function: ." +
                           function + " is a field; the functions are " + kFunctions +
                           "; and {{range .X}}...{{end}}");
  }

  // Go's index: a map's value by key (the zero value, "", when it has none), a list's element
  // by number (an error past its end).
  StatusOr<Datum> Index(const Datum& of, const Datum& key) {
    const bool by_number = key.kind == Datum::Kind::kNumber;
    const std::string key_text = Text(key);
    const bool is_map = (of.kind == Datum::Kind::kMessage && of.message.IsRepeated() &&
                         of.message.field->is_map()) ||
                        (of.kind == Datum::Kind::kView && of.view.value->IsObject());
    if (of.kind == Datum::Kind::kMissing ||
        (of.kind == Datum::Kind::kView && of.view.value->IsNull()))
      return TextDatum("");
    ASSIGN_OR_RETURN(auto elements, Elements(of, "index"));
    if (!is_map && !by_number) {
      return InvalidArgument("--format: index of the list " + of.walked + " takes a number, not '" +
                             key_text + "'");
    }
    if (!is_map && (key.number < 0 || key.number >= static_cast<int64_t>(elements.size()))) {
      return InvalidArgument("--format: index out of range: " + key_text + " (" + of.walked +
                             " has " + std::to_string(elements.size()) + ")");
    }
    auto found = std::find_if(elements.begin(), elements.end(), [&](const Datum& element) {
      return element.walked == of.walked + "." + key_text;
    });
    if (found == elements.end()) return TextDatum("");
    return *found;
  }

  const Message& message_;
  const DockerView* view_;
};

}  // namespace

StatusOr<std::string> RenderMessageTemplate(const std::string& format_template,
                                            const Message& message, const DockerView* docker_view) {
  ASSIGN_OR_RETURN(std::vector<TemplateNode> nodes, ParseTemplate(format_template));
  Evaluation evaluation(message, docker_view);
  return evaluation.Run(nodes, evaluation.Whole());
}

}  // namespace boxcar::cli
