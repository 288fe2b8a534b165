// The pipeline inside one action of a --format template (cli/template_tree.h): its words, the
// variables it declares or assigns, its commands and their operands, checked as Go's parser
// checks them (a function that does not exist, a variable not declared, an argument given to
// a field).
#pragma once

#include <string>
#include <vector>

#include "cli/template_tree.h"
#include "common/status.h"

namespace boxcar::cli {

// The pipeline in `source`[begin, end). `variables`: those in scope (`$` first); what it
// declares is added once it is parsed, so that `{{$x := $x}}` is the error it is in Go.
// `context` ("if", "with", "range" or "" for a plain action) decides what may be declared
// (two variables only for range) and names the pipeline in errors. Errors are
// INVALID_ARGUMENT "--format: template: :LINE:COLUMN: ...".
StatusOr<TemplatePipeline> ParseTemplatePipeline(const std::string& source, size_t begin,
                                                 size_t end, std::vector<std::string>& variables,
                                                 const std::string& context);

// The error of a template at `offset` of `source`: "--format: template: :LINE:COLUMN: what".
Status TemplateError(const std::string& source, size_t offset, const std::string& what);

}  // namespace boxcar::cli
