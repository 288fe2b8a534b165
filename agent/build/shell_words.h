// Variable expansion and word splitting as a Dockerfile does them for ENV, ARG, LABEL, COPY,
// WORKDIR, USER, ...: $NAME, ${NAME}, and BuildKit's modifiers ${NAME:-default} ${NAME-default}
// ${NAME:+alternative} ${NAME+alternative} ${NAME:?message} ${NAME?message} ${NAME#pattern}
// ${NAME##pattern} ${NAME%pattern} ${NAME%%pattern} ${NAME/pattern/replacement}
// ${NAME//pattern/replacement} (patterns: build/shell_pattern.h); single quotes
// keep everything literal, double quotes keep spaces, the escape character (\ or `) escapes
// the next character. Quotes are removed.
#pragma once

#include <map>
#include <string>
#include <vector>

#include "common/status.h"

namespace boxcar {

using BuildVariables = std::map<std::string, std::string>;

// One word: spaces are kept. Errors (kInvalidArgument) name the problem ("unterminated
// quote", "bad substitution").
StatusOr<std::string> ExpandWord(const std::string& text, const BuildVariables& variables,
                                 char escape = '\\');

// Several words split at unquoted white space, each expanded.
StatusOr<std::vector<std::string>> ExpandWords(const std::string& text,
                                               const BuildVariables& variables,
                                               char escape = '\\');

// Split at unquoted white space, quotes and escapes kept (for NAME=VALUE lists, whose values
// are expanded one by one afterwards).
std::vector<std::string> SplitRawWords(const std::string& text, char escape = '\\');

}  // namespace boxcar
