// The placeholders of a --format template, as Docker's Go templates write them: text with
// `{{ FIELD }}` in it, "\t" typed on a command line meaning a tab. `ps --format` and
// `inspect --format` differ only in what a FIELD is.
#pragma once

#include <functional>
#include <string>
#include <vector>

#include "common/status.h"

namespace boxcar::cli {

// `format_template` with every `{{ FIELD }}` replaced by value_of(FIELD) (FIELD trimmed of
// spaces); INVALID_ARGUMENT naming --format for a '{{' without '}}', or value_of's error.
StatusOr<std::string> ExpandFormatTemplate(
    const std::string& format_template,
    const std::function<StatusOr<std::string>(const std::string& field)>& value_of);

// A list command's --format TEMPLATE (a line per item) or "table TEMPLATE" (a header row, then
// the tab-separated columns aligned, as Docker's): `expand(template, i)` gives item i's line, or
// the header with i = -1. The lines, or the first error.
StatusOr<std::vector<std::string>> FormattedLines(
    const std::string& format, size_t count,
    const std::function<StatusOr<std::string>(const std::string& format_template, int index)>&
        expand);

}  // namespace boxcar::cli
