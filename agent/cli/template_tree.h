// The shape of a --format template as Go's text/template writes the part of it Docker's
// `inspect -f` habits use: text, `{{ ACTION }}`, and `{{range ACTION}} ... {{end}}` (nested);
// `{{- ` and ` -}}` trim the white space before and after, as Go's do; "\t" typed on a command
// line is a tab. What an action means is the evaluator's business (cli/message_template.h).
#pragma once

#include <string>
#include <vector>

#include "common/status.h"

namespace boxcar::cli {

struct TemplateNode {
  enum class Kind { kText, kAction, kRange };
  Kind kind = Kind::kText;
  // kText: the text; kAction: the action, trimmed; kRange: what it ranges over, trimmed.
  std::string text;
  // kRange: what it prints for each element.
  std::vector<TemplateNode> body;
};

// INVALID_ARGUMENT naming --format: a '{{' without '}}', an {{end}} without its range, a range
// without its {{end}}, or an {{else}}, {{if}}, {{with}}, {{define}} (not supported: the message
// says so).
StatusOr<std::vector<TemplateNode>> ParseTemplate(const std::string& format_template);

// The words of an action: quoted strings ("a b", `raw`) are one word with their quotes, "(",
// ")" and "|" are words of their own.
StatusOr<std::vector<std::string>> ActionWords(const std::string& action);

}  // namespace boxcar::cli
