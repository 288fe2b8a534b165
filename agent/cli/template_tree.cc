#include "cli/template_tree.h"

#include <cctype>

#include "cli/template_pipeline_parser.h"

namespace boxcar::cli {

namespace {

bool IsSpace(char c) { return std::isspace(static_cast<unsigned char>(c)) != 0; }

// An open {{if}}, {{with}} or {{range}}: where its nodes go, and how many variables were in
// scope before it (its own go at its {{end}}). `chained`: an `else if` / `else with`, which the
// {{end}} of the control it continues closes too.
struct OpenControl {
  TemplateNode* node;
  bool in_else = false;
  bool chained = false;
  size_t variables_before = 0;
  const char* keyword;
};

class TreeParser {
 public:
  explicit TreeParser(std::string source) { parsed_.source = std::move(source); }

  StatusOr<ParsedTemplate> Parse() {
    const std::string& source = parsed_.source;
    bool trim_next_text = false;
    size_t at = 0;
    while (at <= source.size()) {
      const size_t open = source.find("{{", at);
      std::string text =
          source.substr(at, open == std::string::npos ? std::string::npos : open - at);
      if (trim_next_text) text.erase(0, text.find_first_not_of(" \t\r\n"));
      size_t begin = open + 2;
      if (open != std::string::npos && source.compare(begin, 2, "- ") == 0) {
        while (!text.empty() && IsSpace(text.back())) text.pop_back();
        begin += 2;
      }
      if (!text.empty()) Nodes().push_back({TemplateNode::Kind::kText, text, {}, {}, {}, at});
      if (open == std::string::npos) break;
      ASSIGN_OR_RETURN(size_t close, ActionEnd(open, begin));
      size_t end = close;
      trim_next_text = close >= begin + 1 && source[close - 1] == '-' && close >= begin + 2 &&
                       IsSpace(source[close - 2]);
      if (trim_next_text) --end;
      at = close + 2;
      RETURN_IF_ERROR(Action(open, begin, end));
    }
    if (!open_.empty()) {
      const OpenControl& unclosed = open_.back();
      return TemplateError(source, unclosed.node->offset,
                           std::string("{{") + unclosed.keyword + " " +
                               unclosed.node->pipeline.source + "}} without {{end}}");
    }
    return std::move(parsed_);
  }

 private:
  std::vector<TemplateNode>& Nodes() {
    if (open_.empty()) return parsed_.nodes;
    return open_.back().in_else ? open_.back().node->else_body : open_.back().node->body;
  }

  // Where the "}}" of the action opened at `open` is: past quoted strings, and for a comment
  // right after its "*/".
  StatusOr<size_t> ActionEnd(size_t open, size_t begin) const {
    const std::string& source = parsed_.source;
    if (source.compare(begin, 2, "/*") == 0) {
      const size_t comment_end = source.find("*/", begin + 2);
      if (comment_end == std::string::npos) return TemplateError(source, open, "unclosed comment");
      size_t close = comment_end + 2;
      if (source.compare(close, 3, " -}") == 0) close += 2;
      if (source.compare(close, 2, "}}") != 0) {
        return TemplateError(source, open, "comment ends before closing delimiter");
      }
      return close;
    }
    for (size_t at = begin; at + 1 < source.size(); ++at) {
      const char c = source[at];
      if (c == '"' || c == '`' || c == '\'') {
        size_t quote_end = at + 1;
        while (quote_end < source.size() && source[quote_end] != c)
          quote_end += (c != '`' && source[quote_end] == '\\') ? 2 : 1;
        if (quote_end >= source.size()) break;
        at = quote_end;
      } else if (c == '}' && source[at + 1] == '}') {
        return at;
      }
    }
    return TemplateError(source, open, "unclosed action ('{{' without '}}')");
  }

  Status Action(size_t open, size_t begin, size_t end) {
    const std::string& source = parsed_.source;
    while (begin < end && IsSpace(source[begin])) ++begin;
    if (source.compare(begin, 2, "/*") == 0) return OkStatus();  // a comment
    size_t word_end = begin;
    while (word_end < end && std::isalpha(static_cast<unsigned char>(source[word_end]))) ++word_end;
    const std::string keyword = source.substr(begin, word_end - begin);
    const bool keyword_alone = word_end == end || IsSpace(source[word_end]);
    if (!keyword_alone) return Plain(open, begin, end);
    if (keyword == "if" || keyword == "with" || keyword == "range") {
      return OpenNode(open, word_end, end, keyword, false);
    }
    if (keyword == "else") return Else(open, word_end, end);
    if (keyword == "end") {
      RETURN_IF_ERROR(NothingAfter(keyword, word_end, end));
      if (open_.empty()) return TemplateError(source, open, "unexpected {{end}}");
      while (open_.back().chained) Close();
      Close();
      return OkStatus();
    }
    if (keyword == "break" || keyword == "continue") {
      RETURN_IF_ERROR(NothingAfter(keyword, word_end, end));
      bool in_range = false;
      for (const OpenControl& control : open_)
        in_range |= control.node->kind == TemplateNode::Kind::kRange;
      if (!in_range) return TemplateError(source, open, "{{" + keyword + "}} outside {{range}}");
      TemplateNode node;
      node.kind = keyword == "break" ? TemplateNode::Kind::kBreak : TemplateNode::Kind::kContinue;
      node.offset = open;
      Nodes().push_back(std::move(node));
      return OkStatus();
    }
    if (keyword == "define" || keyword == "template" || keyword == "block") {
      return TemplateError(
          source, open,
          "{{" + keyword + "}} is not supported: a --format template is one template");
    }
    return Plain(open, begin, end);
  }

  Status Plain(size_t open, size_t begin, size_t end) {
    TemplateNode node;
    node.kind = TemplateNode::Kind::kAction;
    node.offset = open;
    ASSIGN_OR_RETURN(node.pipeline,
                     ParseTemplatePipeline(parsed_.source, begin, end, variables_, ""));
    Nodes().push_back(std::move(node));
    return OkStatus();
  }

  Status NothingAfter(const std::string& keyword, size_t begin, size_t end) const {
    while (begin < end && IsSpace(parsed_.source[begin])) ++begin;
    if (begin == end) return OkStatus();
    return TemplateError(
        parsed_.source, begin,
        "unexpected \"" + parsed_.source.substr(begin, end - begin) + "\" in " + keyword);
  }

  Status OpenNode(size_t open, size_t begin, size_t end, const std::string& keyword, bool chained) {
    TemplateNode node;
    node.kind = keyword == "if"     ? TemplateNode::Kind::kIf
                : keyword == "with" ? TemplateNode::Kind::kWith
                                    : TemplateNode::Kind::kRange;
    node.offset = open;
    const size_t variables_before = variables_.size();
    ASSIGN_OR_RETURN(node.pipeline,
                     ParseTemplatePipeline(parsed_.source, begin, end, variables_, keyword));
    std::vector<TemplateNode>& nodes = Nodes();
    nodes.push_back(std::move(node));
    open_.push_back({&nodes.back(), false, chained, variables_before,
                     keyword == "if"     ? "if"
                     : keyword == "with" ? "with"
                                         : "range"});
    return OkStatus();
  }

  Status Else(size_t open, size_t begin, size_t end) {
    const std::string& source = parsed_.source;
    if (open_.empty() || open_.back().in_else)
      return TemplateError(source, open, "unexpected {{else}}");
    OpenControl& control = open_.back();
    // The else branch does not see what the pipeline declared.
    variables_.resize(control.variables_before);
    control.in_else = true;
    size_t word = begin;
    while (word < end && IsSpace(source[word])) ++word;
    if (word == end) return OkStatus();
    size_t word_end = word;
    while (word_end < end && std::isalpha(static_cast<unsigned char>(source[word_end]))) ++word_end;
    const std::string chained = source.substr(word, word_end - word);
    if ((chained == "if" && control.node->kind == TemplateNode::Kind::kIf) ||
        (chained == "with" && control.node->kind == TemplateNode::Kind::kWith)) {
      return OpenNode(open, word_end, end, chained, true);
    }
    return TemplateError(source, word,
                         "unexpected \"" + source.substr(word, end - word) + "\" in else");
  }

  void Close() {
    variables_.resize(open_.back().variables_before);
    open_.pop_back();
  }

  ParsedTemplate parsed_;
  std::vector<OpenControl> open_;
  std::vector<std::string> variables_{"$"};
};

}  // namespace

std::string TemplatePlace(const std::string& source, size_t offset) {
  size_t line = 1, column = 1;
  for (size_t i = 0; i < offset && i < source.size(); ++i) {
    if (source[i] == '\n') {
      ++line;
      column = 1;
    } else {
      ++column;
    }
  }
  return ":" + std::to_string(line) + ":" + std::to_string(column);
}

StatusOr<ParsedTemplate> ParseTemplate(const std::string& given_template) {
  std::string source = given_template;
  for (size_t tab; (tab = source.find("\\t")) != std::string::npos;) source.replace(tab, 2, "\t");
  return TreeParser(std::move(source)).Parse();
}

}  // namespace boxcar::cli
