// The placeholders of a --format template, as Docker's Go templates write them: text with
// `{{ FIELD }}` in it, "\t" typed on a command line meaning a tab. `ps --format` and
// `inspect --format` differ only in what a FIELD is.
#pragma once

#include <functional>
#include <string>

#include "common/status.h"

namespace boxcar::cli {

// `format_template` with every `{{ FIELD }}` replaced by value_of(FIELD) (FIELD trimmed of
// spaces); INVALID_ARGUMENT naming --format for a '{{' without '}}', or value_of's error.
StatusOr<std::string> ExpandFormatTemplate(
    const std::string& format_template,
    const std::function<StatusOr<std::string>(const std::string& field)>& value_of);

}  // namespace boxcar::cli
