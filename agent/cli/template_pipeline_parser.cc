#include "cli/template_pipeline_parser.h"

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <cstdlib>

namespace boxcar::cli {

namespace {

struct Word {
  enum class Kind {
    kString,
    kRaw,
    kChar,
    kNumber,
    kField,
    kVariable,
    kIdent,
    kLeft,
    kRight,
    kPipe,
    kDeclare,
    kAssign,
    kComma
  };
  Kind kind;
  std::string text;
  size_t offset = 0;
  bool after_space = false;
};

bool IsSpace(char c) { return std::isspace(static_cast<unsigned char>(c)) != 0; }
bool IsIdentChar(char c) { return std::isalnum(static_cast<unsigned char>(c)) != 0 || c == '_'; }
// A field path's characters: Boxcar's paths also step into map keys with dots and dashes
// (.Config.Labels.org.example.role) and list indexes (.argv.0).
bool IsPathChar(char c) {
  return !IsSpace(c) && c != '(' && c != ')' && c != '|' && c != ',' && c != '=' && c != '"' &&
         c != '`' && c != '\'';
}

StatusOr<std::vector<Word>> Words(const std::string& source, size_t begin, size_t end) {
  std::vector<Word> words;
  bool spaced = true;
  for (size_t at = begin; at < end;) {
    const char c = source[at];
    const size_t start = at;
    auto add = [&](Word::Kind kind, size_t length) {
      words.push_back({kind, source.substr(start, length), start, spaced});
      at = start + length;
      spaced = false;
    };
    if (IsSpace(c)) {
      ++at;
      spaced = true;
    } else if (c == '(') {
      add(Word::Kind::kLeft, 1);
    } else if (c == ')') {
      add(Word::Kind::kRight, 1);
    } else if (c == '|') {
      add(Word::Kind::kPipe, 1);
    } else if (c == ',') {
      add(Word::Kind::kComma, 1);
    } else if (c == ':' && at + 1 < end && source[at + 1] == '=') {
      add(Word::Kind::kDeclare, 2);
    } else if (c == '=') {
      add(Word::Kind::kAssign, 1);
    } else if (c == '"' || c == '`' || c == '\'') {
      size_t close = at + 1;
      while (close < end && source[close] != c)
        close += (c != '`' && source[close] == '\\') ? 2 : 1;
      if (close >= end) {
        return TemplateError(
            source, at,
            c == '\'' ? "unterminated character constant" : "unterminated quoted string");
      }
      add(c == '"'   ? Word::Kind::kString
          : c == '`' ? Word::Kind::kRaw
                     : Word::Kind::kChar,
          close + 1 - at);
    } else if (c == '.' &&
               (at + 1 >= end || !std::isdigit(static_cast<unsigned char>(source[at + 1])) ||
                (!words.empty() && !spaced))) {
      size_t stop = at + 1;
      while (stop < end && IsPathChar(source[stop])) ++stop;
      add(Word::Kind::kField, stop - at);
    } else if (c == '$') {
      size_t stop = at + 1;
      while (stop < end && IsIdentChar(source[stop])) ++stop;
      if (stop < end && source[stop] == '.') {
        while (stop < end && IsPathChar(source[stop])) ++stop;
      }
      add(Word::Kind::kVariable, stop - at);
    } else if (std::isdigit(static_cast<unsigned char>(c)) || c == '-' || c == '+' || c == '.') {
      size_t stop = at + 1;
      while (stop < end && (std::isalnum(static_cast<unsigned char>(source[stop])) ||
                            source[stop] == '.' || source[stop] == '_'))
        ++stop;
      add(Word::Kind::kNumber, stop - at);
    } else if (IsIdentChar(c)) {
      size_t stop = at + 1;
      while (stop < end && IsIdentChar(source[stop])) ++stop;
      add(Word::Kind::kIdent, stop - at);
    } else {
      return TemplateError(source, at, std::string("unexpected '") + c + "' in command");
    }
  }
  return words;
}

// Go's unquoting of "a\tb" and 'c' (the common escapes); `raw` as it is.
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
    switch (escaped) {
      case 'n':
        text += '\n';
        break;
      case 't':
        text += '\t';
        break;
      case 'r':
        text += '\r';
        break;
      case '0':
        text += '\0';
        break;
      default:
        text += escaped;
    }
  }
  return text;
}

class PipelineParser {
 public:
  PipelineParser(const std::string& source, std::vector<Word> words,
                 std::vector<std::string>& variables)
      : source_(source), words_(std::move(words)), variables_(variables) {}

  StatusOr<TemplatePipeline> Pipeline(size_t offset, bool top, const std::string& context) {
    TemplatePipeline pipeline;
    pipeline.offset = offset;
    if (top) RETURN_IF_ERROR(Declarations(pipeline, context));
    while (true) {
      if (at_ == words_.size() || words_[at_].kind == Word::Kind::kRight ||
          words_[at_].kind == Word::Kind::kPipe) {
        const size_t where = at_ < words_.size() ? words_[at_].offset : offset;
        return TemplateError(
            source_, where,
            context.empty() ? "missing value for command" : "missing value for " + context);
      }
      TemplateCommand command;
      command.offset = words_[at_].offset;
      while (at_ < words_.size() && words_[at_].kind != Word::Kind::kPipe &&
             words_[at_].kind != Word::Kind::kRight) {
        ASSIGN_OR_RETURN(TemplateOperand operand, Operand());
        command.operands.push_back(std::move(operand));
      }
      const TemplateOperand& first = command.operands.front();
      if (first.kind != TemplateOperand::Kind::kFunction &&
          (command.operands.size() > 1 || !pipeline.commands.empty())) {
        return TemplateError(
            source_, first.offset,
            "can't give argument to non-function " + first.source +
                (pipeline.commands.empty() ? ""
                                           : " (after '|' comes a function: " +
                                                 std::string(TemplateFunctionList()) + ")"));
      }
      if (first.kind == TemplateOperand::Kind::kNil) {
        return TemplateError(source_, first.offset, "nil is not a command");
      }
      pipeline.commands.push_back(std::move(command));
      if (at_ == words_.size() || words_[at_].kind != Word::Kind::kPipe) break;
      ++at_;
    }
    if (top) {
      if (at_ != words_.size()) {
        return TemplateError(source_, words_[at_].offset,
                             "unexpected \"" + words_[at_].text + "\" in " +
                                 (context.empty() ? "command" : context));
      }
      for (const auto& variable : pipeline.variables) {
        if (pipeline.declares) variables_.push_back(variable);
      }
    }
    return pipeline;
  }

 private:
  Status Declarations(TemplatePipeline& pipeline, const std::string& context) {
    auto is = [&](size_t i, Word::Kind kind) {
      return i < words_.size() && words_[i].kind == kind;
    };
    auto bare_variable = [&](size_t i) {
      return is(i, Word::Kind::kVariable) && words_[i].text.find('.') == std::string::npos;
    };
    size_t count = 0;
    if (bare_variable(0) && (is(1, Word::Kind::kDeclare) || is(1, Word::Kind::kAssign))) {
      count = 1;
    } else if (bare_variable(0) && is(1, Word::Kind::kComma) && bare_variable(2) &&
               (is(3, Word::Kind::kDeclare) || is(3, Word::Kind::kAssign))) {
      if (context != "range")
        return TemplateError(source_, words_[0].offset,
                             "too many declarations in " + (context.empty() ? "command" : context));
      count = 2;
    } else {
      return OkStatus();
    }
    pipeline.declares = words_[count == 1 ? 1 : 3].kind == Word::Kind::kDeclare;
    for (size_t i = 0; i < count; ++i) {
      const Word& variable = words_[i * 2];
      if (variable.text == "$")
        return TemplateError(source_, variable.offset, "cannot declare or assign $");
      if (!pipeline.declares && !Defined(variable.text)) {
        return TemplateError(source_, variable.offset,
                             "undefined variable \"" + variable.text + "\"");
      }
      pipeline.variables.push_back(variable.text);
    }
    at_ = count == 1 ? 2 : 4;
    return OkStatus();
  }

  bool Defined(const std::string& name) const {
    return std::find(variables_.begin(), variables_.end(), name) != variables_.end();
  }

  StatusOr<TemplateOperand> Operand() {
    const Word& word = words_[at_++];
    TemplateOperand operand;
    operand.offset = word.offset;
    operand.source = word.text;
    using Kind = TemplateOperand::Kind;
    switch (word.kind) {
      case Word::Kind::kField:
        operand.kind = word.text == "." ? Kind::kDot : Kind::kField;
        operand.name = word.text;
        return operand;
      case Word::Kind::kVariable: {
        const size_t dot = word.text.find('.');
        operand.kind = Kind::kVariable;
        operand.name = word.text.substr(0, dot);
        if (dot != std::string::npos) operand.path = word.text.substr(dot);
        if (!Defined(operand.name)) {
          return TemplateError(source_, word.offset, "undefined variable \"" + operand.name + "\"");
        }
        return operand;
      }
      case Word::Kind::kString:
      case Word::Kind::kRaw:
        operand.kind = Kind::kString;
        operand.name = Unquoted(word.text);
        return operand;
      case Word::Kind::kChar: {
        const std::string text = Unquoted(word.text);
        if (text.size() != 1)
          return TemplateError(source_, word.offset, "malformed character constant: " + word.text);
        operand.kind = Kind::kInt;
        operand.integer = static_cast<unsigned char>(text[0]);
        return operand;
      }
      case Word::Kind::kNumber:
        return Number(word, operand);
      case Word::Kind::kIdent:
        if (word.text == "true" || word.text == "false") {
          operand.kind = Kind::kBool;
          operand.boolean = word.text == "true";
        } else if (word.text == "nil") {
          operand.kind = Kind::kNil;
        } else if (IsTemplateFunction(word.text)) {
          operand.kind = Kind::kFunction;
          operand.name = word.text;
        } else {
          return TemplateError(source_, word.offset,
                               "function \"" + word.text + "\" not defined (." + word.text +
                                   " is a field; the functions are " + TemplateFunctionList() +
                                   ")");
        }
        return operand;
      case Word::Kind::kLeft: {
        ASSIGN_OR_RETURN(TemplatePipeline inner, Pipeline(word.offset, false, ""));
        if (at_ == words_.size() || words_[at_].kind != Word::Kind::kRight) {
          return TemplateError(source_, word.offset, "unclosed left paren");
        }
        ++at_;
        operand.kind = Kind::kPipeline;
        operand.pipeline = std::make_shared<TemplatePipeline>(std::move(inner));
        operand.source =
            "(" + source_.substr(word.offset + 1, words_[at_ - 1].offset - word.offset - 1) + ")";
        // (pipeline).Field.Path
        if (at_ < words_.size() && words_[at_].kind == Word::Kind::kField &&
            !words_[at_].after_space) {
          operand.path = words_[at_].text;
          operand.source += operand.path;
          ++at_;
        }
        return operand;
      }
      default:
        return TemplateError(source_, word.offset, "unexpected \"" + word.text + "\" in operand");
    }
  }

  StatusOr<TemplateOperand> Number(const Word& word, TemplateOperand& operand) {
    const std::string& text = word.text;
    char* stop = nullptr;
    errno = 0;
    const long long integer = std::strtoll(text.c_str(), &stop, 0);
    if (*stop == '\0' && errno == 0) {
      operand.kind = TemplateOperand::Kind::kInt;
      operand.integer = integer;
      return operand;
    }
    const double real = std::strtod(text.c_str(), &stop);
    if (*stop == '\0' && !text.empty()) {
      operand.kind = TemplateOperand::Kind::kReal;
      operand.real = real;
      return operand;
    }
    return TemplateError(source_, word.offset, "bad number syntax: \"" + text + "\"");
  }

  const std::string& source_;
  std::vector<Word> words_;
  std::vector<std::string>& variables_;
  size_t at_ = 0;
};

}  // namespace

Status TemplateError(const std::string& source, size_t offset, const std::string& what) {
  return InvalidArgument("--format: template: " + TemplatePlace(source, offset) + ": " + what);
}

StatusOr<TemplatePipeline> ParseTemplatePipeline(const std::string& source, size_t begin,
                                                 size_t end, std::vector<std::string>& variables,
                                                 const std::string& context) {
  ASSIGN_OR_RETURN(std::vector<Word> words, Words(source, begin, end));
  PipelineParser parser(source, std::move(words), variables);
  size_t first = begin;
  while (first < end && IsSpace(source[first])) ++first;
  ASSIGN_OR_RETURN(TemplatePipeline pipeline, parser.Pipeline(first, true, context));
  size_t last = end;
  while (last > first && IsSpace(source[last - 1])) --last;
  pipeline.source = source.substr(first, last - first);
  return pipeline;
}

}  // namespace boxcar::cli
