// The functions a --format template calls: Go's text/template built-ins (index, len, slice,
// not, eq, ne, lt, le, gt, ge, print, printf, println; and/or short-circuit in the evaluator)
// and Docker's (json, split, join, title, lower, upper, pad, truncate), with Go's and Docker's
// arguments and results.
#pragma once

#include <string>
#include <vector>

#include "cli/template_value.h"
#include "common/status.h"

namespace boxcar::cli {

// `function` on `arguments` (a piped value last). Errors say what went wrong, without the
// place (the evaluator adds it): "wrong number of args for json: want 1 got 2".
StatusOr<Datum> CallTemplateFunction(const TemplateValues& values, const std::string& function,
                                     const std::vector<Datum>& arguments);

// Go's fmt.Sprintf of `format` over `arguments`: the verbs %v %s %d %q %x %X %o %b %c %f %e %g
// %t %T %%, flags - + # 0 and space, width and precision (also *); a verb that does not fit its
// argument prints as Go's %!d(string=abc), a missing one %!d(MISSING), extra ones %!(EXTRA ...).
std::string GoSprintf(const TemplateValues& values, const std::string& format,
                      const std::vector<Datum>& arguments);

}  // namespace boxcar::cli
