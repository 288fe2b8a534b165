#include "build/shell_words.h"

#include <cctype>

#include "build/shell_pattern.h"

namespace boxcar {
namespace {

bool IsNameChar(char c) { return std::isalnum(static_cast<unsigned char>(c)) || c == '_'; }

class Expander {
 public:
  Expander(const std::string& text, const BuildVariables& variables, char escape,
           bool raw_escapes = false)
      : text_(text), variables_(variables), escape_(escape), raw_escapes_(raw_escapes) {}

  // Reads words; `split` false keeps white space inside the single word.
  StatusOr<std::vector<std::string>> Run(bool split) {
    std::vector<std::string> words;
    std::string word;
    bool in_word = false;
    while (pos_ < text_.size()) {
      char c = text_[pos_];
      if (split && (c == ' ' || c == '\t' || c == '\n')) {
        if (in_word) words.push_back(std::move(word));
        word.clear();
        in_word = false;
        ++pos_;
        continue;
      }
      in_word = true;
      if (c == escape_) {
        ++pos_;
        if (raw_escapes_ && pos_ < text_.size()) word += '\\';
        if (pos_ < text_.size()) word += text_[pos_++];
        continue;
      }
      if (c == '\'') {
        size_t end = text_.find('\'', pos_ + 1);
        if (end == std::string::npos) return InvalidArgument("unterminated single quote");
        word += text_.substr(pos_ + 1, end - pos_ - 1);
        pos_ = end + 1;
        continue;
      }
      if (c == '"') {
        ++pos_;
        bool closed = false;
        while (pos_ < text_.size()) {
          char d = text_[pos_];
          if (d == '"') {
            closed = true;
            ++pos_;
            break;
          }
          if (d == escape_ && pos_ + 1 < text_.size() &&
              (text_[pos_ + 1] == '"' || text_[pos_ + 1] == '$' || text_[pos_ + 1] == escape_)) {
            word += text_[pos_ + 1];
            pos_ += 2;
            continue;
          }
          if (d == '$') {
            ASSIGN_OR_RETURN(std::string value, Variable());
            word += value;
            continue;
          }
          word += d;
          ++pos_;
        }
        if (!closed) return InvalidArgument("unterminated double quote");
        continue;
      }
      if (c == '$') {
        ASSIGN_OR_RETURN(std::string value, Variable());
        word += value;
        continue;
      }
      word += c;
      ++pos_;
    }
    if (in_word || !split) words.push_back(std::move(word));
    return words;
  }

 private:
  // At a '$': the value of the variable it starts (pos_ moves past it).
  StatusOr<std::string> Variable() {
    ++pos_;
    if (pos_ >= text_.size()) return std::string("$");
    if (text_[pos_] == '{') {
      size_t start = ++pos_;
      while (pos_ < text_.size() && IsNameChar(text_[pos_])) ++pos_;
      std::string name = text_.substr(start, pos_ - start);
      if (name.empty() || pos_ >= text_.size()) return InvalidArgument("bad substitution");
      if (text_[pos_] == '}') {
        ++pos_;
        return Lookup(name);
      }
      // The modifier: :- - :+ + :? ? # ## % %% / // (BuildKit's).
      const bool colon = text_[pos_] == ':';
      if (colon) ++pos_;
      if (pos_ >= text_.size()) return InvalidArgument("missing '}' in ${" + name + "...}");
      const char op = text_[pos_++];
      const std::string allowed = colon ? "-+?" : "-+?#%/";
      if (allowed.find(op) == std::string::npos) {
        return InvalidArgument("bad substitution in ${" + name + "...}: unsupported modifier (" +
                               std::string(colon ? ":" : "") + op +
                               "); these are :- - :+ + :? ? # ## % %% / //");
      }
      ASSIGN_OR_RETURN(std::string inner, BracedWord(name));
      auto found = variables_.find(name);
      const bool set = found != variables_.end();
      const std::string value = set ? found->second : "";
      const bool unset = !set || (colon && value.empty());
      switch (op) {
        case '-':
          return unset ? Expand(inner, false) : value;
        case '+':
          return unset ? std::string() : Expand(inner, false);
        case '?': {
          if (!unset) return value;
          ASSIGN_OR_RETURN(std::string message, Expand(inner, false));
          if (message.empty())
            message = !set ? "is not allowed to be unset" : "is not allowed to be empty";
          return InvalidArgument(name + ": " + message);
        }
        case '#':
        case '%': {
          const bool longest = !inner.empty() && inner[0] == op;
          ASSIGN_OR_RETURN(std::string text, Expand(longest ? inner.substr(1) : inner, true));
          ASSIGN_OR_RETURN(ShellPattern pattern, ShellPattern::Parse(text));
          return op == '#' ? pattern.TrimPrefix(value, longest)
                           : pattern.TrimSuffix(value, longest);
        }
        default: {  // '/'
          const bool all = !inner.empty() && inner[0] == '/';
          if (all) inner.erase(0, 1);
          const size_t slash = UnescapedSlash(inner);
          if (slash == std::string::npos) {
            return InvalidArgument("bad substitution in ${" + name +
                                   "/...}: missing '/' before the replacement");
          }
          ASSIGN_OR_RETURN(std::string text, Expand(inner.substr(0, slash), true));
          ASSIGN_OR_RETURN(std::string replacement, Expand(inner.substr(slash + 1), true));
          ASSIGN_OR_RETURN(ShellPattern pattern, ShellPattern::Parse(text));
          return pattern.Replace(value, replacement, all);
        }
      }
    }
    size_t start = pos_;
    while (pos_ < text_.size() && IsNameChar(text_[pos_])) ++pos_;
    if (pos_ == start) return std::string("$");
    return Lookup(text_.substr(start, pos_ - start));
  }

  // After a modifier: the text up to the `}` that closes ${NAME... (nested braces and escaped
  // characters skipped); pos_ moves past that brace.
  StatusOr<std::string> BracedWord(const std::string& name) {
    const size_t start = pos_;
    int depth = 1;
    while (pos_ < text_.size()) {
      const char c = text_[pos_];
      if (c == escape_ && pos_ + 1 < text_.size()) {
        pos_ += 2;
        continue;
      }
      if (c == '{') ++depth;
      if (c == '}' && --depth == 0) break;
      ++pos_;
    }
    if (depth != 0) return InvalidArgument("missing '}' in ${" + name + "...}");
    return text_.substr(start, pos_++ - start);
  }

  // Where ${NAME/pattern/replacement}'s pattern ends: the first '/' outside nested braces and
  // not escaped.
  size_t UnescapedSlash(const std::string& inner) const {
    int depth = 0;
    for (size_t i = 0; i < inner.size(); ++i) {
      if (inner[i] == escape_) {
        ++i;
      } else if (inner[i] == '{') {
        ++depth;
      } else if (inner[i] == '}') {
        --depth;
      } else if (inner[i] == '/' && depth == 0) {
        return i;
      }
    }
    return std::string::npos;
  }

  // A modifier's word, its variables expanded; `raw_escapes` keeps the escapes (a pattern's
  // `\*` stays a literal star for ShellPattern).
  StatusOr<std::string> Expand(const std::string& word, bool raw_escapes) const {
    Expander nested(word, variables_, escape_, raw_escapes);
    ASSIGN_OR_RETURN(std::vector<std::string> words, nested.Run(false));
    return words.empty() ? std::string() : words[0];
  }

  std::string Lookup(const std::string& name) const {
    auto found = variables_.find(name);
    return found == variables_.end() ? std::string() : found->second;
  }

  const std::string& text_;
  const BuildVariables& variables_;
  const char escape_;
  const bool raw_escapes_;
  size_t pos_ = 0;
};

}  // namespace

StatusOr<std::string> ExpandWord(const std::string& text, const BuildVariables& variables,
                                 char escape) {
  Expander expander(text, variables, escape);
  ASSIGN_OR_RETURN(std::vector<std::string> words, expander.Run(false));
  return words.empty() ? std::string() : words[0];
}

StatusOr<std::vector<std::string>> ExpandWords(const std::string& text,
                                               const BuildVariables& variables, char escape) {
  Expander expander(text, variables, escape);
  return expander.Run(true);
}

std::vector<std::string> SplitRawWords(const std::string& text, char escape) {
  std::vector<std::string> words;
  std::string word;
  char quote = 0;
  for (size_t i = 0; i < text.size(); ++i) {
    char c = text[i];
    if (quote == 0 && (c == ' ' || c == '\t' || c == '\n')) {
      if (!word.empty()) words.push_back(std::move(word));
      word.clear();
      continue;
    }
    if (c == escape && quote != '\'' && i + 1 < text.size()) {
      word += c;
      word += text[++i];
      continue;
    }
    if (quote == 0 && (c == '"' || c == '\'')) {
      quote = c;
    } else if (quote == c) {
      quote = 0;
    }
    word += c;
  }
  if (!word.empty()) words.push_back(std::move(word));
  return words;
}

}  // namespace boxcar
