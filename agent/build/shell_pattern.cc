#include "build/shell_pattern.h"

namespace boxcar {

StatusOr<ShellPattern> ShellPattern::Parse(const std::string& text) {
  ShellPattern pattern;
  for (size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (c == '*') {
      pattern.tokens_.push_back({Token::kAnyText, 0});
    } else if (c == '?') {
      pattern.tokens_.push_back({Token::kAnyOne, 0});
    } else if (c == '\\') {
      if (i + 1 == text.size()) {
        return InvalidArgument("invalid pattern (" + text + ") in substitution: a trailing '\\'");
      }
      const char next = text[++i];
      if (next != '*' && next != '?' && next != '\\' && next != '}' && next != '/') {
        return InvalidArgument("invalid pattern (" + text +
                               ") in substitution: invalid escape '\\" + std::string(1, next) +
                               "'");
      }
      pattern.tokens_.push_back({Token::kLiteral, next});
    } else {
      pattern.tokens_.push_back({Token::kLiteral, c});
    }
  }
  return pattern;
}

bool ShellPattern::Matches(const std::string& value, size_t begin, size_t end, size_t token) const {
  for (; token < tokens_.size(); ++token) {
    const Token& t = tokens_[token];
    if (t.kind == Token::kAnyText) {
      for (size_t split = end + 1; split-- > begin;) {
        if (Matches(value, split, end, token + 1)) return true;
      }
      return false;
    }
    if (begin == end) return false;
    if (t.kind == Token::kLiteral && value[begin] != t.literal) return false;
    ++begin;
  }
  return begin == end;
}

std::string ShellPattern::TrimPrefix(const std::string& value, bool longest) const {
  const size_t n = value.size();
  for (size_t i = 0; i <= n; ++i) {
    const size_t length = longest ? n - i : i;
    if (Matches(value, 0, length)) return value.substr(length);
  }
  return value;
}

std::string ShellPattern::TrimSuffix(const std::string& value, bool longest) const {
  const size_t n = value.size();
  for (size_t i = 0; i <= n; ++i) {
    const size_t start = longest ? i : n - i;
    if (Matches(value, start, n)) return value.substr(0, start);
  }
  return value;
}

std::string ShellPattern::Replace(const std::string& value, const std::string& replacement,
                                  bool all) const {
  std::string out;
  size_t start = 0;
  const size_t n = value.size();
  while (start <= n) {
    // The leftmost match from `start`, the longest there.
    size_t found = std::string::npos;
    size_t found_end = 0;
    for (size_t begin = start; begin <= n && found == std::string::npos; ++begin) {
      for (size_t end = n + 1; end-- > begin;) {
        if (Matches(value, begin, end)) {
          found = begin;
          found_end = end;
          break;
        }
      }
    }
    if (found == std::string::npos) break;
    out += value.substr(start, found - start) + replacement;
    if (found_end == found) {
      // An empty match: the replacement goes before the next character (as Go's regexp).
      if (found < n) out += value[found];
      start = found + 1;
    } else {
      start = found_end;
    }
    if (!all) break;
  }
  if (start <= n) out += value.substr(start);
  return out;
}

}  // namespace boxcar
