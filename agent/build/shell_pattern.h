// The shell patterns of a Dockerfile's ${NAME#pattern}, ${NAME%pattern} and
// ${NAME/pattern/replacement}, as BuildKit reads them: `*` any text, `?` one character, `\`
// makes the next character literal; brackets are literal (BuildKit has no [...] classes).
#pragma once

#include <string>
#include <vector>

#include "common/status.h"

namespace boxcar {

class ShellPattern {
 public:
  // kInvalidArgument for an escape of anything but `*`, `?`, `\`, `}`, `/` or a trailing `\`.
  static StatusOr<ShellPattern> Parse(const std::string& text);

  // ${value#pattern} (shortest prefix) and ${value##pattern} (`longest`): `value` without the
  // prefix the pattern matches, or unchanged.
  std::string TrimPrefix(const std::string& value, bool longest) const;
  // ${value%pattern} and ${value%%pattern}: the same at the end.
  std::string TrimSuffix(const std::string& value, bool longest) const;
  // ${value/pattern/replacement}: the leftmost longest match replaced; `all`, each one in turn
  // (${value//pattern/replacement}).
  std::string Replace(const std::string& value, const std::string& replacement, bool all) const;

 private:
  struct Token {
    enum Kind { kLiteral, kAnyOne, kAnyText } kind;
    char literal;
  };
  // Whether value[begin, end) matches the tokens from `token` on.
  bool Matches(const std::string& value, size_t begin, size_t end, size_t token = 0) const;

  std::vector<Token> tokens_;
};

}  // namespace boxcar
