#include "build/shell_words.h"

#include <cctype>

namespace boxcar {
namespace {

bool IsNameChar(char c) { return std::isalnum(static_cast<unsigned char>(c)) || c == '_'; }

class Expander {
 public:
  Expander(const std::string& text, const BuildVariables& variables, char escape)
      : text_(text), variables_(variables), escape_(escape) {}

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
      std::string op;
      if (text_[pos_] == ':') op = ":", ++pos_;
      if (pos_ >= text_.size() || (text_[pos_] != '-' && text_[pos_] != '+')) {
        return InvalidArgument("bad substitution in ${" + name + "...}: only :- and :+ are supported");
      }
      op += text_[pos_++];
      // The word up to the matching brace, itself expanded.
      size_t word_start = pos_;
      int depth = 1;
      while (pos_ < text_.size() && depth > 0) {
        if (text_[pos_] == '{') ++depth;
        if (text_[pos_] == '}') --depth;
        if (depth > 0) ++pos_;
      }
      if (depth != 0) return InvalidArgument("missing '}' in ${" + name + "...}");
      std::string inner = text_.substr(word_start, pos_ - word_start);
      ++pos_;
      auto found = variables_.find(name);
      bool set = found != variables_.end();
      bool non_empty = set && !found->second.empty();
      bool use_word = (op == ":-") ? !non_empty
                      : (op == "-") ? !set
                      : (op == ":+") ? non_empty
                                     : set;
      if (op == ":-" || op == "-") {
        if (!use_word) return found->second;
      } else if (!use_word) {
        return std::string();
      }
      Expander nested(inner, variables_, escape_);
      ASSIGN_OR_RETURN(std::vector<std::string> words, nested.Run(false));
      return words.empty() ? std::string() : words[0];
    }
    size_t start = pos_;
    while (pos_ < text_.size() && IsNameChar(text_[pos_])) ++pos_;
    if (pos_ == start) return std::string("$");
    return Lookup(text_.substr(start, pos_ - start));
  }

  std::string Lookup(const std::string& name) const {
    auto found = variables_.find(name);
    return found == variables_.end() ? std::string() : found->second;
  }

  const std::string& text_;
  const BuildVariables& variables_;
  const char escape_;
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
