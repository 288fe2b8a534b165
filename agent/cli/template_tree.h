// The shape of a --format template as Go's text/template parses it, for what Docker's
// `inspect -f` habits use: text; `{{PIPELINE}}`; `{{if P}} ... {{else if P}} ... {{else}} ...
// {{end}}`; `{{with P}} ... {{else with P}} ... {{else}} ... {{end}}`; `{{range P}} ...
// {{else}} ... {{end}}` with `{{break}}` and `{{continue}}`; variables (`{{$x := P}}`,
// `{{$x = P}}`, `{{range $i, $e := P}}`, `$` the root); `{{/* comments */}}`; `{{- ` and ` -}}`
// trimming the white space before and after. A pipeline is commands joined by '|', a command a
// function and its arguments or one operand: .Field.Path, $var.Path, "string", `raw`, 'c',
// numbers, true, false, nil, ( pipeline ).Path. "\t" typed on a command line is a tab. What it
// means is the evaluator's business (cli/message_template.h).
//
// Mistakes are found here when Go's parser finds them (an unknown function, an undefined
// variable, an {{end}} too many...): INVALID_ARGUMENT "--format: template: :LINE:COLUMN: ...".
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "common/status.h"

namespace boxcar::cli {

struct TemplatePipeline;

struct TemplateOperand {
  enum class Kind {
    kDot,
    kField,
    kVariable,
    kString,
    kInt,
    kReal,
    kBool,
    kNil,
    kFunction,
    kPipeline
  };
  Kind kind = Kind::kDot;
  // kField: the path from dot (".State.Pid"); kVariable: its name ("$" or "$x"); kString: the
  // text; kFunction: the name.
  std::string name;
  // kVariable, kPipeline: the fields walked from the value (".Pid"), "" for none.
  std::string path;
  int64_t integer = 0;
  double real = 0;
  bool boolean = false;
  std::shared_ptr<TemplatePipeline> pipeline;  // kPipeline
  // Where it starts in the template, and as written (for the "at <...>" of errors).
  size_t offset = 0;
  std::string source;
};

// A function and its arguments, or one operand (no function).
struct TemplateCommand {
  std::vector<TemplateOperand> operands;
  size_t offset = 0;
};

struct TemplatePipeline {
  // `$x := P` declares, `$x = P` assigns; range's `$i, $e := P` declares two.
  std::vector<std::string> variables;
  bool declares = false;
  std::vector<TemplateCommand> commands;
  size_t offset = 0;
  std::string source;  // as written, trimmed
};

struct TemplateNode {
  enum class Kind { kText, kAction, kIf, kWith, kRange, kBreak, kContinue };
  Kind kind = Kind::kText;
  std::string text;  // kText
  TemplatePipeline pipeline;
  // kIf/kWith/kRange: what runs when the pipeline is true (for each element), and otherwise
  // (`else if` is an else holding one kIf).
  std::vector<TemplateNode> body;
  std::vector<TemplateNode> else_body;
  size_t offset = 0;
};

struct ParsedTemplate {
  std::string source;  // the template as parsed ("\t" made tabs): what offsets point into
  std::vector<TemplateNode> nodes;
};

StatusOr<ParsedTemplate> ParseTemplate(const std::string& format_template);

// ":LINE:COLUMN" of `offset` in `source`, as Go's errors name a place (both from 1).
std::string TemplatePlace(const std::string& source, size_t offset);

// The functions a template may call (cli/template_functions.h), Go's and Docker's.
bool IsTemplateFunction(const std::string& name);
const char* TemplateFunctionList();

}  // namespace boxcar::cli
